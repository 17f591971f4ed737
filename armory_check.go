package muster

import (
	"context"
	"strings"
	"time"
)

// ArmoryCheck is a check campaign: at creation it fixes the serialised
// items of the armories in a unit's subtree that are in store or issued;
// holders confirm the serials they hold, armorers scan those in store, and
// what is not confirmed by the deadline becomes a discrepancy. When the
// deadline passes the campaign closes and its open discrepancies are
// escalated: flagged for the commanders of the unit (Escalated).
type ArmoryCheck struct {
	ID        int64     `json:"id"`
	Unit      string    `json:"unit"`
	Deadline  time.Time `json:"deadline"`
	Note      string    `json:"note"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	// ClosedAt is when the deadline was applied; zero while open.
	ClosedAt *time.Time `json:"closed_at"`
	// Progress, counted when read.
	Items         int `json:"items"`          // in the campaign
	Confirmed     int `json:"confirmed"`      // confirmed by holder or armorer
	Discrepancies int `json:"discrepancies"`  // all, open or resolved
	Open          int `json:"open"`           // discrepancies still open
	Escalated     int `json:"escalated_open"` // open and escalated to the commanders
}

// ArmoryCheckInput is the body that creates a campaign.
type ArmoryCheckInput struct {
	Unit     string    `json:"unit"`
	Deadline time.Time `json:"deadline"`
	Note     string    `json:"note"`
}

// Validate checks the input against now: the deadline must lie ahead.
func (in *ArmoryCheckInput) Validate(now time.Time) error {
	in.Note = strings.TrimSpace(in.Note)
	note := lineProblem(in.Note, 500, false)
	switch {
	case !ValidCode(in.Unit):
		return invalidField("unit", "required, the code of the unit whose subtree is checked")
	case in.Deadline.IsZero():
		return invalidField("deadline", "required, an RFC 3339 time")
	case !in.Deadline.After(now):
		return invalidField("deadline", "must lie in the future")
	case note != "":
		return invalidField("note", note)
	}
	return nil
}

// DiscrepancyKind is what a check found wrong.
type DiscrepancyKind string

// The discrepancy kinds.
const (
	DiscrepancyMissing     DiscrepancyKind = "missing"      // the holder says it is not with them
	DiscrepancyWrongHolder DiscrepancyKind = "wrong_holder" // confirmed by someone who does not hold it
	DiscrepancyUnknown     DiscrepancyKind = "unknown"      // a serial that is not in the campaign
	DiscrepancyUnconfirmed DiscrepancyKind = "unconfirmed"  // not confirmed by the deadline
)

// Discrepancy is one mismatch of a check campaign, open until staff
// resolve it with a note.
type Discrepancy struct {
	ID         int64           `json:"id"`
	CheckID    int64           `json:"check_id"`
	Kind       DiscrepancyKind `json:"kind"`
	Serial     string          `json:"serial"`
	Member     string          `json:"member"` // the service number concerned, or ""
	Detail     string          `json:"detail"`
	CreatedAt  time.Time       `json:"created_at"`
	Open       bool            `json:"open"`
	Escalated  bool            `json:"escalated"`
	ResolvedAt *time.Time      `json:"resolved_at"`
	ResolvedBy string          `json:"resolved_by"`
	Resolution string          `json:"resolution"`
}

// CheckConfirmation is what a holder or a check station reports: the
// serials seen with the member (ServiceNumber; "" for items in store,
// scanned by the armorer) and, from the holder, the serials they say are
// missing.
type CheckConfirmation struct {
	ServiceNumber string   `json:"service_number"`
	Serials       []string `json:"serials"`
	Missing       []string `json:"missing"`
}

// Validate trims the serials and drops blanks and repeats; at most 1,000.
func (c *CheckConfirmation) Validate() error {
	c.Serials, c.Missing = cleanSerials(c.Serials), cleanSerials(c.Missing)
	switch {
	case c.ServiceNumber != "" && !ValidServiceNumber(c.ServiceNumber):
		return invalidField("service_number", "a service number, or empty for items in store")
	case len(c.Serials)+len(c.Missing) == 0:
		return invalidField("serials", "give at least one serial")
	case len(c.Serials)+len(c.Missing) > 1000:
		return invalidField("serials", "at most 1000 serials at once")
	}
	for _, s := range append(c.Serials, c.Missing...) {
		if !validKey(s, "-./_") {
			return invalidField("serials", "each 1–32 letters, digits, '-', '.', '/' or '_'")
		}
	}
	return nil
}

// cleanSerials trims the serials, keeping the first of each.
func cleanSerials(in []string) []string {
	out, seen := []string{}, map[string]bool{}
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// CheckResult tells what a confirmation did.
type CheckResult struct {
	Confirmed     []string       `json:"confirmed"`
	Discrepancies []*Discrepancy `json:"discrepancies"`
}

// ArmoryCheckService runs check campaigns. Creating one, confirming at a
// station and resolving need armory.write over the campaign's unit;
// reading needs roster.read over it.
//
// Errors: ENOTFOUND for an unknown campaign, unit or discrepancy;
// ECONFLICT for a confirmation after the deadline or a discrepancy
// resolved already; EFORBIDDEN outside the actor's role or subtree;
// EUNPROCESSABLE naming a bad field.
type ArmoryCheckService interface {
	CreateArmoryCheck(ctx context.Context, in ArmoryCheckInput) (*ArmoryCheck, error)
	FindArmoryCheck(ctx context.Context, id int64) (*ArmoryCheck, error)
	// FindArmoryChecks lists the latest 100 campaigns of units in the
	// actor's subtree, open ones first, newest first.
	FindArmoryChecks(ctx context.Context) ([]*ArmoryCheck, error)
	// FindDiscrepancies lists the campaign's discrepancies, open first.
	FindDiscrepancies(ctx context.Context, checkID int64) ([]*Discrepancy, error)
	ResolveDiscrepancy(ctx context.Context, checkID, id int64, note string) (*Discrepancy, error)
	// ConfirmAtStation records what staff saw at a check station.
	ConfirmAtStation(ctx context.Context, checkID int64, c CheckConfirmation) (*CheckResult, error)
	// ApplyDueChecks closes the campaigns whose deadline has passed at
	// now: unconfirmed items become discrepancies and every open one is
	// escalated. Each campaign is closed exactly once; it returns how many.
	ApplyDueChecks(ctx context.Context, now time.Time) (int, error)
}
