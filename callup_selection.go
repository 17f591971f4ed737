package muster

import (
	"context"
	"time"
)

// Selection is the outcome of picking who reports from the members who
// answered yes or late: how many were newly selected and newly told to
// stand by, how many deliveries that queued, and the totals so far.
type Selection struct {
	CallUp     int64 `json:"callup"`
	Selected   int   `json:"selected"`   // newly selected by this request
	Standby    int   `json:"standby"`    // newly told to stand by
	Deliveries int   `json:"deliveries"` // queued by this request
	SelectionSummary
}

// UnitSelection is the outcome of a selection by unit (SelectPerUnit):
// the Selection, and what each unit got, in the order asked.
type UnitSelection struct {
	Selection
	PerUnit []UnitPicked `json:"per_unit"`
}

// UnitPick asks for Count members of Unit's subtree to report.
type UnitPick struct {
	Unit  string `json:"unit"`
	Count int    `json:"count"`
}

// UnitPicked is what one UnitPick got: Picked members newly selected,
// Selected in the subtree in all (those selected before count towards
// Count), and Short how many fewer than Count that is, when the subtree
// has too few yes or late answers.
type UnitPicked struct {
	Unit     string `json:"unit"`
	Count    int    `json:"count"`
	Picked   int    `json:"picked"`
	Selected int    `json:"selected"`
	Short    int    `json:"short"`
}

// SelectionSummary counts a call-up's selection so far.
type SelectionSummary struct {
	TotalSelected int `json:"total_selected"`
	TotalStandby  int `json:"total_standby"` // told to stand by and not selected since
	YesOrLate     int `json:"yes_or_late"`   // last answer yes or late
}

// Candidate is a member whose last answer is yes or late: one who can be
// selected to report.
type Candidate struct {
	ServiceNumber string     `json:"service_number"`
	Name          string     `json:"name"`
	Unit          string     `json:"unit"`
	Answer        AnswerKind `json:"answer"`
	ETAMinutes    int        `json:"eta_minutes,omitempty"`
	Selected      bool       `json:"selected"`
	Standby       bool       `json:"standby"`
}

// CandidateFilter pages and searches candidates: Q matches the start of a
// service number or of a family name (case-insensitive); After is the
// service number the previous page ended with.
type CandidateFilter struct {
	Q     string
	After string
	Limit int
}

// NoShow is a targeted member who has not checked in, with the last answer
// ("" for none).
type NoShow struct {
	ServiceNumber string     `json:"service_number"`
	Name          string     `json:"name"`
	Unit          string     `json:"unit"`
	Phone         string     `json:"phone"`
	Answer        AnswerKind `json:"answer"`
	ETAMinutes    int        `json:"eta_minutes,omitempty"`
	Reason        string     `json:"reason,omitempty"`
	AnsweredAt    time.Time  `json:"answered_at,omitzero"`
	Selected      bool       `json:"selected"`
}

// SelectionService picks who reports and lists who did not come. Every
// method needs the call-up in the actor's subtree; Select also needs
// PermCallUp.
//
// Errors: EINVALID for a bad request, ENOTFOUND for an unknown call-up,
// EFORBIDDEN outside the actor's subtree or role, EUNPROCESSABLE naming
// each member who cannot be selected, ECONFLICT for a no-show list before
// the report-by time.
type SelectionService interface {
	// Select selects the members (by service number) to report; each must
	// be targeted by the call-up with a last answer of yes or late. Members
	// selected before stay selected and get no second message. In the same
	// transaction it queues a "selected" delivery for each newly selected
	// member and a "standby" one for every other yes or late member not
	// yet told, on each channel of the member's notice except paper.
	Select(ctx context.Context, id int64, serviceNumbers []string) (*Selection, error)
	// SelectPerUnit selects, for each pick in order, members of the
	// unit's subtree with a last answer of yes or late until Count of the
	// subtree's members are selected (those selected before, or by an
	// earlier pick, count): first the holders of a qualification the
	// call-up requires, then yes before late, then the earliest answer
	// first. A subtree with too few is no error: it gets what there is,
	// and its Short says how many it lacks. Then, as Select, the others
	// are told to stand by. EUNPROCESSABLE for a unit that does not exist;
	// EINVALID for a count under 1 or a unit named twice.
	SelectPerUnit(ctx context.Context, id int64, picks []UnitPick) (*UnitSelection, error)
	// SelectionSummary counts the call-up's selection so far.
	SelectionSummary(ctx context.Context, id int64) (*SelectionSummary, error)
	// Candidates returns a page of the members who answered yes or late,
	// by service number.
	Candidates(ctx context.Context, id int64, f CandidateFilter) ([]*Candidate, error)
	// NoShows calls fn for each targeted member in the unit's subtree (""
	// for the call-up's unit) who has not checked in: yes and late first,
	// then no answer, then no; by unit and service number within each.
	NoShows(ctx context.Context, id int64, unit string, fn func(*NoShow) error) error
}
