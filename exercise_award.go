package muster

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// AwardInput awards or renews a qualification for the participants of an
// exercise who completed it: those of Track ("" for every track) in one of
// Roles (none for every role) present on at least MinDays days (0 for
// every day of the exercise). The award expires ValidMonths after the
// exercise's last day; 0 takes the catalogue's validity, and a
// qualification the catalogue says does not expire is awarded for good.
type AwardInput struct {
	Qualification string            `json:"qualification"`
	ValidMonths   int               `json:"valid_months"`
	Track         string            `json:"track"`
	MinDays       int               `json:"min_days"`
	Roles         []ParticipantRole `json:"roles"`
}

// Validate checks the input's own fields; it sorts and compacts Roles.
func (in *AwardInput) Validate() error {
	var details []ErrorDetail
	bad := func(field, msg string) { details = append(details, ErrorDetail{Field: field, Message: msg}) }
	in.Qualification, in.Track = strings.TrimSpace(in.Qualification), strings.TrimSpace(in.Track)
	if !ValidCode(in.Qualification) {
		bad("qualification", "required, a qualification code")
	}
	if in.ValidMonths < 0 || in.ValidMonths > 1200 {
		bad("valid_months", "must be from 0 to 1200")
	}
	if in.MinDays < 0 || in.MinDays > MaxExerciseDays {
		bad("min_days", fmt.Sprintf("must be from 0 to %d", MaxExerciseDays))
	}
	for _, r := range in.Roles {
		if !r.Valid() {
			bad("roles", "each must be trainee, instructor or staff")
			break
		}
	}
	slices.Sort(in.Roles)
	in.Roles = slices.Compact(in.Roles)
	if in.Roles == nil {
		in.Roles = []ParticipantRole{}
	}
	return InvalidFields("award", details)
}

// Award is an award of a qualification to an exercise's participants that
// changed something: its input as applied (MinDays and ValidMonths
// resolved), the expiry it gave (zero: none) and what it did.
type Award struct {
	ID       int64 `json:"id"`
	Exercise int64 `json:"exercise"`
	AwardInput
	Expires   Date        `json:"expires"`
	Result    AwardResult `json:"result"`
	CreatedBy string      `json:"created_by"`
	CreatedAt time.Time   `json:"created_at"`
}

// AwardResult says what an award did: how many participants gained the
// qualification, how many had it renewed (a later expiry), and who was
// skipped and why.
type AwardResult struct {
	Awarded int         `json:"awarded"`
	Renewed int         `json:"renewed"`
	Skipped []AwardSkip `json:"skipped"`
}

// AwardSkip is a participant an award left unchanged, and why.
type AwardSkip struct {
	ServiceNumber string `json:"service_number"`
	Reason        string `json:"reason"`
}
