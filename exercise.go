package muster

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// MaxExerciseDays is the longest an exercise may last, start and end day
// included: a quarter of a year.
const MaxExerciseDays = 92

// Exercise is one training exercise of a unit's subtree, such as the Gomel
// region's exercise of 8–31 January. Start and End are both days of the
// exercise. Partners are units from outside muster that take part (e.g. "an
// army engineering battalion"); Tracks are optional parts of the programme
// that participants follow (e.g. "command staff").
type Exercise struct {
	ID           int64     `json:"id"`
	Title        string    `json:"title"`
	Unit         string    `json:"unit"`
	UnitID       int64     `json:"-"`
	Start        Date      `json:"start"`
	End          Date      `json:"end"`
	Location     string    `json:"location"`
	Lead         string    `json:"lead"`
	Objectives   []string  `json:"objectives"`
	Partners     []string  `json:"partners"`
	Tracks       []string  `json:"tracks"`
	Participants int       `json:"participants"`
	CreatedBy    string    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Days returns how many days the exercise lasts, start and end included.
func (e *Exercise) Days() int {
	return int(e.End.Time().Sub(e.Start.Time()).Hours()/24) + 1
}

// Contains reports whether d is a day of the exercise.
func (e *Exercise) Contains(d Date) bool {
	return !d.Before(e.Start) && !d.After(e.End)
}

// Validate checks the exercise's own fields and trims its lists.
func (e *Exercise) Validate() error {
	var details []ErrorDetail
	bad := func(field, msg string) { details = append(details, ErrorDetail{Field: field, Message: msg}) }
	e.Title, e.Location, e.Lead = strings.TrimSpace(e.Title), strings.TrimSpace(e.Location), strings.TrimSpace(e.Lead)
	if p := lineProblem(e.Title, 200, true); p != "" {
		bad("title", p)
	}
	if !ValidCode(e.Unit) {
		bad("unit", "required, a unit code")
	}
	switch {
	case e.Start.IsZero():
		bad("start", "required, a date such as 2027-01-08")
	case e.End.IsZero():
		bad("end", "required, a date such as 2027-01-31")
	case e.End.Before(e.Start):
		bad("end", "must not be before start "+e.Start.String())
	case e.Days() > MaxExerciseDays:
		bad("end", fmt.Sprintf("an exercise lasts at most %d days; this one would last %d", MaxExerciseDays, e.Days()))
	}
	if p := lineProblem(e.Location, 300, false); p != "" {
		bad("location", p)
	}
	if p := lineProblem(e.Lead, 300, false); p != "" {
		bad("lead", p)
	}
	for _, l := range []struct {
		field string
		list  *[]string
		max   int
	}{{"objectives", &e.Objectives, 500}, {"partners", &e.Partners, 300}, {"tracks", &e.Tracks, 100}} {
		out := []string{}
		for _, s := range *l.list {
			s = strings.TrimSpace(s)
			p := lineProblem(s, l.max, false)
			switch {
			case s == "":
				continue
			case p != "":
				bad(l.field, "each "+p)
			case slices.Contains(out, s):
				bad(l.field, "repeated: "+s)
			}
			out = append(out, s)
		}
		if len(out) > 20 {
			bad(l.field, "at most 20")
		}
		*l.list = out
	}
	return InvalidFields("exercise", details)
}

// ExerciseFilter selects exercises: those of the unit's subtree ("" for
// the actor's whole subtree) with a day in the year (0 for any year).
type ExerciseFilter struct {
	Unit string
	Year int
}

// ParticipantRole is what a member does in an exercise.
type ParticipantRole string

// The participant roles.
const (
	RoleTrainee    ParticipantRole = "trainee"
	RoleInstructor ParticipantRole = "instructor"
	RoleStaff      ParticipantRole = "staff" // command staff
)

// ParticipantRoles lists every participant role.
var ParticipantRoles = []ParticipantRole{RoleTrainee, RoleInstructor, RoleStaff}

// Valid reports whether r is a known role.
func (r ParticipantRole) Valid() bool { return oneOf(r, ParticipantRoles) }

// Participant is a member taking part in an exercise, added by hand or
// summoned through a call-up (CallUp is then its id).
type Participant struct {
	ServiceNumber string          `json:"service_number"`
	Name          string          `json:"name"`
	Unit          string          `json:"unit"`
	Role          ParticipantRole `json:"role"`
	Track         string          `json:"track"`
	CallUp        int64           `json:"callup,omitempty"`
}

// ParticipantsInput adds members to an exercise by hand.
type ParticipantsInput struct {
	ServiceNumbers []string        `json:"service_numbers"`
	Role           ParticipantRole `json:"role"`
	Track          string          `json:"track"`
}

// Mark is one member's attendance on one day of an exercise; the last mark
// for a member and day counts. Role defaults to the participant's role.
type Mark struct {
	ServiceNumber string          `json:"service_number"`
	Date          Date            `json:"date"`
	Present       bool            `json:"present"`
	Hours         float64         `json:"hours"`
	Role          ParticipantRole `json:"role,omitempty"`
}

// Validate checks a mark's own fields: hours from 0 to 24, none when absent.
func (m *Mark) Validate() []ErrorDetail {
	var details []ErrorDetail
	bad := func(field, msg string) { details = append(details, ErrorDetail{Field: field, Message: msg}) }
	m.ServiceNumber = strings.TrimSpace(m.ServiceNumber)
	if m.ServiceNumber == "" {
		bad("service_number", "required")
	}
	if m.Date.IsZero() {
		bad("date", "required, a date such as 2027-01-08")
	}
	switch {
	case m.Hours < 0 || m.Hours > 24 || m.Hours != m.Hours:
		bad("hours", "must be from 0 to 24")
	case !m.Present && m.Hours != 0:
		bad("hours", "must be 0 for a member marked absent")
	}
	if m.Role != "" && !m.Role.Valid() {
		bad("role", "must be trainee, instructor or staff")
	}
	return details
}

// AttendanceSummary is an exercise's attendance: its length in days and,
// per participant, the days present and the hours.
type AttendanceSummary struct {
	Days         int                      `json:"days"`
	Participants []*ParticipantAttendance `json:"participants"`
}

// ParticipantAttendance is one participant's attendance so far.
type ParticipantAttendance struct {
	ServiceNumber string          `json:"service_number"`
	Name          string          `json:"name"`
	Unit          string          `json:"unit"`
	Role          ParticipantRole `json:"role"`
	DaysPresent   int             `json:"days_present"`
	Hours         float64         `json:"hours"`
}

// DaySheet is the attendance of the participants of a unit's subtree on one
// day of an exercise, for the grid and the printed sheet. Mark is nil for a
// participant not marked yet.
type DaySheet struct {
	Exercise *Exercise `json:"exercise"`
	Unit     string    `json:"unit"`
	Date     Date      `json:"date"`
	Rows     []*DayRow `json:"rows"`
}

// DayRow is one participant's line on a day sheet.
type DayRow struct {
	Participant *Participant `json:"participant"`
	Mark        *Mark        `json:"mark"`
}

// SummonInput summons members to an exercise through a call-up of kind
// exercise: the call-up's fields, whose title defaults to the exercise's
// and unit to the exercise's unit.
type SummonInput struct {
	CallUp *CallUp
	Track  string
	// Role is the participants' role (trainee when empty).
	Role ParticipantRole
	// DryRun does everything but commit: CallUp.Targeted says how many
	// would be summoned, and nothing changes.
	DryRun bool
}

// CalendarFeed is a secret address at which a calendar app reads the
// exercises of a unit's subtree, or those of one member, without signing
// in. Its secret is shown once, when it is created.
type CalendarFeed struct {
	ID            int64     `json:"id"`
	Unit          string    `json:"unit,omitempty"`
	ServiceNumber string    `json:"service_number,omitempty"`
	CreatedBy     string    `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
	Revoked       bool      `json:"revoked"`
}

// ExerciseService plans exercises, their participants and attendance.
// Every method checks the actor in ctx against the exercise's unit subtree
// (members added must lie in the actor's subtree too). Reading needs
// PermReadRoster; planning (creating, changing and deleting exercises,
// adding and summoning participants, awarding qualifications) needs
// PermCallUp, as summoning is a call-up; marking attendance needs
// PermCheckIn, as it records presence as a check-in does. CalendarFeed
// takes a feed secret instead of an actor.
//
// Errors: EINVALID for bad fields; ENOTFOUND for an unknown exercise;
// EFORBIDDEN outside the actor's subtree or role; EUNPROCESSABLE for bulk
// input (service numbers, sheet rows) with a detail per problem, nothing
// changed, or a qualification not in the catalogue; ECONFLICT for a member
// in an overlapping exercise, a change of dates that would leave attendance
// outside the exercise, or an award before the exercise's last day is
// over; EUNAUTHORIZED for an unknown or revoked feed secret.
type ExerciseService interface {
	CreateExercise(ctx context.Context, e *Exercise) error
	FindExercise(ctx context.Context, id int64) (*Exercise, error)
	// FindExercises returns the exercises of the filter, by start date.
	FindExercises(ctx context.Context, f ExerciseFilter) ([]*Exercise, error)
	// UpdateExercise replaces the fields of exercise e.ID.
	UpdateExercise(ctx context.Context, e *Exercise) error
	// DeleteExercise deletes an exercise that has no attendance marked.
	DeleteExercise(ctx context.Context, id int64) error

	// AddParticipants adds members of the exercise's unit subtree by
	// hand, all or none; a member already taking part gets the new role
	// and track.
	AddParticipants(ctx context.Context, id int64, in ParticipantsInput) error
	// Summon creates the call-up (kind exercise) of a unit of the
	// exercise's unit subtree and records the members it targets as
	// participants of in.Role, in one transaction; it sets
	// in.CallUp's ID and Targeted (with DryRun, Targeted alone, and rolls
	// back).
	Summon(ctx context.Context, id int64, in SummonInput) error
	Participants(ctx context.Context, id int64) ([]*Participant, error)

	// MarkAttendance records marks, all or none, and returns how many were
	// new or changed; a mark that changes an earlier one is audited with
	// both.
	MarkAttendance(ctx context.Context, id int64, marks []Mark) (int, error)
	// ImportAttendance records the marks of an attendance sheet, all or
	// none: a sheet with any bad row changes nothing and every bad row is
	// reported (line, column, reason).
	ImportAttendance(ctx context.Context, id int64, sheet MarkSource) (int, error)
	Attendance(ctx context.Context, id int64) (*AttendanceSummary, error)
	// DaySheet returns the day's marks of the participants of the unit's
	// subtree ("" for the whole exercise).
	DaySheet(ctx context.Context, id int64, unit string, day Date) (*DaySheet, error)

	// AwardQualification awards or renews a qualification for the
	// participants who completed the exercise, after its last day.
	AwardQualification(ctx context.Context, id int64, in AwardInput) (*AwardResult, error)
	// Awards returns the exercise's awards that changed something, newest first.
	Awards(ctx context.Context, id int64) ([]*Award, error)

	// CreateCalendarFeed creates a feed of f.Unit's subtree or of member
	// f.ServiceNumber and returns its secret.
	CreateCalendarFeed(ctx context.Context, f *CalendarFeed) (secret string, err error)
	FindCalendarFeeds(ctx context.Context) ([]*CalendarFeed, error)
	// RevokeCalendarFeed revokes a feed, for its creator or an actor with
	// callups.write over its unit.
	RevokeCalendarFeed(ctx context.Context, id int64) error
	// CalendarFeed returns the exercises of the feed with the secret.
	CalendarFeed(ctx context.Context, secret string) (*CalendarFeed, []*Exercise, error)
}

// MarkRecord is one row of an attendance sheet and what is wrong with it.
type MarkRecord struct {
	Line     int
	Mark     Mark
	Problems []ErrorDetail
}

// MarkSource yields the rows of an attendance sheet; Next returns io.EOF
// after the last.
type MarkSource interface {
	Next() (*MarkRecord, error)
}
