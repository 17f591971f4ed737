package muster

import (
	"context"
	"time"
)

// Holding is what one armory holds of one item type: serialised items
// counted by status, or, for a consumable, the quantity on hand (InStore,
// also Total) over all its lots.
type Holding struct {
	Armory     string   `json:"armory"`
	Type       string   `json:"type"`
	TypeName   string   `json:"type_name"`
	Kind       ItemKind `json:"kind"`
	InStore    int64    `json:"in_store"`
	Issued     int64    `json:"issued"`
	InRepair   int64    `json:"in_repair"`
	Lost       int64    `json:"lost"`
	Stolen     int64    `json:"stolen"`
	Destroyed  int64    `json:"destroyed"`
	WrittenOff int64    `json:"written_off"`
	Total      int64    `json:"total"`
}

// Add counts n items of the status.
func (h *Holding) Add(status ItemStatus, n int64) {
	switch status {
	case InStore:
		h.InStore += n
	case Issued:
		h.Issued += n
	case InRepair:
		h.InRepair += n
	case Lost:
		h.Lost += n
	case Stolen:
		h.Stolen += n
	case Destroyed:
		h.Destroyed += n
	case WrittenOff:
		h.WrittenOff += n
	}
	h.Total += n
}

// HoldingsReport is the holdings of the armories of a unit's subtree, by
// armory and type code.
type HoldingsReport struct {
	Unit     string    `json:"unit"`
	Holdings []Holding `json:"holdings"`
}

// HeldItem is an item out with a member, since the ledger entry that
// issued it.
type HeldItem struct {
	Serial   string    `json:"serial"`
	Type     string    `json:"type"`
	TypeName string    `json:"type_name"`
	Armory   string    `json:"armory"`
	IssuedAt time.Time `json:"issued_at"`
}

// MemberItems is the items one member holds.
type MemberItems struct {
	ServiceNumber string     `json:"service_number"`
	Name          string     `json:"name"`
	Unit          string     `json:"unit"`
	Items         []HeldItem `json:"items"`
}

// ItemsOutReport is the items held by the members of a unit's subtree,
// whichever armory they come from, by service number and serial.
type ItemsOutReport struct {
	Unit    string        `json:"unit"`
	Members []MemberItems `json:"members"`
}

// OverdueItem is an item not returned after an exercise: issued to a
// participant from the day before the exercise's first day through its
// last, and still out more than the report's days after its end.
type OverdueItem struct {
	HeldItem
	ServiceNumber string `json:"service_number"`
	Name          string `json:"name"`
	MemberUnit    string `json:"member_unit"`
	Exercise      int64  `json:"exercise"`
	ExerciseTitle string `json:"exercise_title"`
	ExerciseEnd   Date   `json:"exercise_end"`
	DaysOverdue   int    `json:"days_overdue"` // days since the exercise's end, past the allowed days
}

// DefaultOverdueDays is how many days after an exercise's end its kit may
// stay out before the overdue report lists it.
const DefaultOverdueDays = 3

// OverdueReport is the overdue returns of the armories of a unit's
// subtree, as of a day, by serial.
type OverdueReport struct {
	Unit  string        `json:"unit"`
	Days  int           `json:"days"`
	AsOf  Date          `json:"as_of"`
	Items []OverdueItem `json:"items"`
}

// OpenDiscrepancy is an open discrepancy of a check campaign, with the
// campaign's unit and deadline.
type OpenDiscrepancy struct {
	Discrepancy
	Unit     string    `json:"unit"`
	Deadline time.Time `json:"deadline"`
}

// DiscrepancyReport is the open discrepancies of the check campaigns of a
// unit's subtree, escalated ones first, then oldest first.
type DiscrepancyReport struct {
	Unit          string            `json:"unit"`
	Discrepancies []OpenDiscrepancy `json:"discrepancies"`
}

// ArmoryReportService computes the armory's reports over a unit's subtree.
// Each needs roster.read and the unit in the actor's subtree.
//
// Errors: ENOTFOUND for an unknown unit; EFORBIDDEN outside the actor's
// role or subtree; EINVALID for days outside 0–365.
type ArmoryReportService interface {
	// Holdings counts the items and stock of the subtree's armories.
	Holdings(ctx context.Context, unit string) (*HoldingsReport, error)
	// ItemsOut lists the items the subtree's members hold.
	ItemsOut(ctx context.Context, unit string) (*ItemsOutReport, error)
	// OverdueReturns lists the items of the subtree's armories still out
	// more than days after the end of an exercise they were issued for.
	OverdueReturns(ctx context.Context, unit string, days int) (*OverdueReport, error)
	// OpenDiscrepancies lists the open discrepancies of the check
	// campaigns run over units of the subtree.
	OpenDiscrepancies(ctx context.Context, unit string) (*DiscrepancyReport, error)
}
