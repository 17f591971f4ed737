package muster

import (
	"context"
	"time"
)

// CallUpKind is why members are called up.
type CallUpKind string

// The call-up kinds.
const (
	CallUpExercise     CallUpKind = "exercise"
	CallUpEmergency    CallUpKind = "emergency"
	CallUpMobilisation CallUpKind = "mobilisation"
	CallUpCivil        CallUpKind = "civil" // e.g. harvest work
)

// CallUpKinds lists every kind.
var CallUpKinds = []CallUpKind{CallUpExercise, CallUpEmergency, CallUpMobilisation, CallUpCivil}

// Channel is a way of reaching a member.
type Channel string

// The channels.
const (
	ChannelSMS   Channel = "sms"
	ChannelEmail Channel = "email"
	ChannelPush  Channel = "push"
	ChannelPaper Channel = "paper"
)

// Channels lists every channel, in the order they are tried.
var Channels = []Channel{ChannelPush, ChannelSMS, ChannelEmail, ChannelPaper}

// CallUpFilter narrows the members of the target subtree: by status
// (default: active) and by qualifications, all of which must be valid on
// the day the call-up is created. Available skips members who recorded
// that they cannot be called at the report-by time (see Unavailability).
type CallUpFilter struct {
	Status         []MemberStatus `json:"status"`
	Qualifications []string       `json:"qualifications"`
	Available      bool           `json:"available"`
}

// CallUp calls the members of a unit subtree to report. The targeted set
// is fixed when it is created.
type CallUp struct {
	ID            int64        `json:"id"`
	Title         string       `json:"title"`
	Kind          CallUpKind   `json:"kind"`
	Unit          string       `json:"unit"`
	UnitID        int64        `json:"-"`
	Filter        CallUpFilter `json:"filter"`
	Message       string       `json:"message"`
	AssemblyPoint string       `json:"assembly_point"`
	ReportBy      time.Time    `json:"report_by"`
	Channels      []Channel    `json:"channels"`
	Drill         bool         `json:"drill"`
	Targeted      int          `json:"targeted"`
	CreatedBy     string       `json:"created_by"`
	CreatedAt     time.Time    `json:"created_at"`

	// Requirements is the strength needed per qualification; Escalation
	// what the call-up does by itself later (escalation.go).
	Requirements []Requirement `json:"requirements"`
	Escalation   Escalation    `json:"escalation"`
	// EscalationStatus is the state of each escalation timer, oldest due
	// first; FindCallUp fills it.
	EscalationStatus []EscalationTimer `json:"escalation_status"`
}

// Validate checks the call-up's own fields; now bounds the report-by time.
func (c *CallUp) Validate(now time.Time) error {
	var details []ErrorDetail
	bad := func(field, msg string) { details = append(details, ErrorDetail{Field: field, Message: msg}) }
	if p := lineProblem(c.Title, 200, true); p != "" {
		bad("title", p)
	}
	if !oneOf(c.Kind, CallUpKinds) {
		bad("kind", "must be one of exercise, emergency, mobilisation, civil")
	}
	if !ValidCode(c.Unit) {
		bad("unit", "required, a unit code")
	}
	for _, s := range c.Filter.Status {
		if !s.Valid() {
			bad("filter.status", "unknown status "+string(s))
		}
	}
	for _, q := range c.Filter.Qualifications {
		if !ValidCode(q) {
			bad("filter.qualifications", "not a qualification code: "+q)
		}
	}
	if p := textProblem(c.Message, 1000, true); p != "" {
		bad("message", p)
	}
	if p := lineProblem(c.AssemblyPoint, 300, false); p != "" {
		bad("assembly_point", p)
	}
	if c.ReportBy.IsZero() {
		bad("report_by", "required, a time such as 2026-11-24T08:00:00+03:00")
	} else if !c.ReportBy.After(now) {
		bad("report_by", "must be in the future")
	}
	if len(c.Channels) == 0 {
		bad("channels", "at least one of push, sms, email, paper")
	}
	seen := map[Channel]bool{}
	for _, ch := range c.Channels {
		if !oneOf(ch, Channels) || seen[ch] {
			bad("channels", "unknown or repeated channel "+string(ch))
		}
		seen[ch] = true
	}
	c.validateEscalation(bad)
	return InvalidFields("call-up", details)
}

func oneOf[T comparable](v T, list []T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// AnswerKind is what a member answers to a call-up.
type AnswerKind string

// The answers.
const (
	AnswerYes  AnswerKind = "yes"  // coming
	AnswerLate AnswerKind = "late" // coming late, with an ETA
	AnswerNo   AnswerKind = "no"   // cannot come, with a reason
)

// Answer is one answer of a member; the last one counts, all are kept.
type Answer struct {
	Answer     AnswerKind `json:"answer"`
	ETAMinutes int        `json:"eta_minutes,omitempty"`
	Reason     string     `json:"reason,omitempty"`
	Via        string     `json:"via,omitempty"` // "link", "sms", "staff"
	At         time.Time  `json:"at"`
}

// AnswerWriterStats are the answer writer's totals since the process
// started: each of its transactions commits a batch of answers (group
// commit), so Answers over Batches is the mean batch, and Busy over the
// time elapsed how much of it the writer spent in its transactions.
type AnswerWriterStats struct {
	Batches int64         // transactions committed
	Answers int64         // answers stored by them
	Busy    time.Duration // time spent in the transactions, committed or not
}

// Validate checks an answer: late needs an ETA (1–2880 minutes), no may
// carry a reason of at most 500 characters.
func (a *Answer) Validate() error {
	switch a.Answer {
	case AnswerYes:
		a.ETAMinutes, a.Reason = 0, ""
	case AnswerLate:
		if a.ETAMinutes < 1 || a.ETAMinutes > 2880 {
			return &Error{Code: EINVALID, Message: "eta_minutes: how late, from 1 to 2880 minutes",
				Details: []ErrorDetail{{Field: "eta_minutes", Message: "from 1 to 2880 minutes"}}}
		}
	case AnswerNo:
		a.ETAMinutes = 0
	default:
		return &Error{Code: EINVALID, Message: "answer: must be yes, late or no",
			Details: []ErrorDetail{{Field: "answer", Message: "must be yes, late or no"}}}
	}
	if p := lineProblem(a.Reason, 500, false); p != "" {
		return FieldError("reason", p)
	}
	return nil
}

// Readiness counts a call-up's members in a unit subtree: targeted, reached
// (a delivery confirmed on any channel), answers by kind (the last answer
// of each member), members without an answer, and members checked in at
// the assembly point; with the same for each child unit.
type Readiness struct {
	Unit      string       `json:"unit"`
	Name      string       `json:"name"`
	Target    int          `json:"target_strength"`
	Targeted  int          `json:"targeted"`
	Delivered int          `json:"delivered"`
	Yes       int          `json:"yes"`
	Late      int          `json:"late"`
	No        int          `json:"no"`
	NoAnswer  int          `json:"no_answer"`
	CheckedIn int          `json:"checked_in"`
	Children  []*Readiness `json:"children"`

	// Qualifications counts, on the subtree asked for only, the members
	// under each qualification the call-up requires.
	Qualifications []*QualificationReadiness `json:"qualifications,omitempty"`
}

// Notice is what one member is sent on one channel: the response link to
// answer by.
type Notice struct {
	ServiceNumber string  `json:"service_number"`
	Name          string  `json:"name"`
	Channel       Channel `json:"channel"`
	ResponseURL   string  `json:"response_url"`
}

// MemberCallUp is what a member sees on the answer page: the call-up, who
// they are, and their last answer.
type MemberCallUp struct {
	CallUp        *CallUp `json:"callup"`
	ServiceNumber string  `json:"service_number"`
	Name          string  `json:"name"`
	Last          *Answer `json:"last"`
	CheckedIn     bool    `json:"checked_in"`
}

// CallUpService runs call-ups. Staff methods check the actor in ctx: a
// call-up's unit must lie in the actor's subtree, and creating one needs
// PermCallUp. AnswerPage and SaveAnswer take a response token instead of
// an actor.
//
// Errors: EINVALID for bad fields, ENOTFOUND for an unknown call-up or
// member, EFORBIDDEN outside the actor's subtree, EUNAUTHORIZED for a bad
// response token, ECONFLICT for a check-in of a member the call-up does not
// target, or an answer of a member already checked in or to a call-up closed
// for answers.
type CallUpService interface {
	// CreateCallUp fixes the targeted members and writes one delivery per
	// member and channel in one transaction, setting c.ID and c.Targeted.
	CreateCallUp(ctx context.Context, c *CallUp) error
	FindCallUp(ctx context.Context, id int64) (*CallUp, error)
	FindCallUps(ctx context.Context) ([]*CallUp, error)
	// Readiness counts the call-up in the unit's subtree ("" for the
	// call-up's own unit), down to depth levels of children. An actor
	// whose unit lies inside the call-up's reads the units of its own
	// subtree only ("" for its own unit).
	Readiness(ctx context.Context, id int64, unit string, depth int) (*Readiness, error)
	// Notices calls fn for each targeted member and channel, with the
	// member's response link made from baseURL. The links are the
	// members' credentials: it needs PermCheckIn over the call-up.
	Notices(ctx context.Context, id int64, baseURL string, fn func(Notice) error) error
	// CheckIn records a member at the assembly point.
	CheckIn(ctx context.Context, id int64, serviceNumber string) error
	// CheckAnswerToken returns EUNAUTHORIZED unless the token is a
	// response token muster signed. It reads no database once the signing
	// key is loaded, so that a caller may limit bad tokens alone.
	CheckAnswerToken(ctx context.Context, token string) error
	// AnswerPage returns what the holder of a response token sees.
	AnswerPage(ctx context.Context, token string) (*MemberCallUp, error)
	// SaveAnswer stores an answer durably before it returns; once the
	// member is checked in, it refuses any answer with ECONFLICT.
	SaveAnswer(ctx context.Context, token string, a *Answer) error
	// AnswerBySMS reads a member's SMS reply (see internal/smsreply) and
	// stores it, with Via "sms", as the answer to the most recent call-up
	// that targets the member with that phone number (E.164) and still
	// takes answers. It returns the call-up and the answer stored (Last).
	// The phone is the authority, as the token is for SaveAnswer. Errors:
	// EINVALID whose message can be sent back, for a reply not understood;
	// ENOTFOUND when no open call-up targets a member with the number;
	// ECONFLICT when it targets several members sharing the number.
	AnswerBySMS(ctx context.Context, phone, text string) (*MemberCallUp, error)
	// ReadinessChanged returns a channel closed at the next change of the
	// call-up's readiness committed by this process (an answer, a check-in,
	// a notice reached, members added). Changes committed by other
	// processes sharing the database are not signalled: a follower polls
	// Readiness now and then as well.
	ReadinessChanged(id int64) <-chan struct{}
}
