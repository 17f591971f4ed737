package muster

import (
	"context"
	"strings"
	"time"
)

// Unavailability is a period [From, To) in which a member cannot be
// called up, and why: abroad, in hospital, studies.
type Unavailability struct {
	ID            int64     `json:"id"`
	ServiceNumber string    `json:"service_number"`
	From          time.Time `json:"from"`
	To            time.Time `json:"to"`
	Reason        string    `json:"reason"`
	CreatedBy     string    `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
}

// Validate checks the period: both ends given, To after From, at most
// ten years long, and a reason of at most 200 characters.
func (u *Unavailability) Validate() error {
	var details []ErrorDetail
	bad := func(field, msg string) { details = append(details, ErrorDetail{Field: field, Message: msg}) }
	if u.From.IsZero() {
		bad("from", "required, a time such as 2026-12-01T00:00:00+03:00")
	}
	if u.To.IsZero() {
		bad("to", "required, a time such as 2026-12-15T00:00:00+03:00")
	} else if !u.From.IsZero() && !u.To.After(u.From) {
		bad("to", "must be after from")
	} else if !u.From.IsZero() && u.To.Sub(u.From) > 10*366*24*time.Hour {
		bad("to", "at most ten years after from")
	}
	u.Reason = strings.TrimSpace(u.Reason)
	switch p := lineProblem(u.Reason, 200, true); p {
	case "":
	case ControlProblem:
		bad("reason", p)
	default:
		bad("reason", p+", such as abroad, hospital, studies")
	}
	return InvalidFields("period", details)
}

// UnavailabilityService records when members cannot be called. Reading
// needs PermReadRoster, changing PermWriteRoster (clerk and up), over the
// member's unit. A call-up whose filter has Available skips members
// unavailable at its report-by time.
//
// Errors: EINVALID for bad fields, ENOTFOUND for an unknown member or
// period, EFORBIDDEN outside the actor's subtree or role.
type UnavailabilityService interface {
	// MemberUnavailability returns the member's periods, latest first.
	MemberUnavailability(ctx context.Context, serviceNumber string) ([]*Unavailability, error)
	// AddUnavailability records a period of u.ServiceNumber, setting u.ID.
	AddUnavailability(ctx context.Context, u *Unavailability) error
	DeleteUnavailability(ctx context.Context, serviceNumber string, id int64) error
}
