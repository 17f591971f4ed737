package muster

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Requirement is the strength a call-up needs of one qualification: so
// many members who hold it, valid on the day they are targeted.
type Requirement struct {
	Qualification string `json:"qualification"`
	Needed        int    `json:"needed"`
}

// Escalation is what a call-up does by itself after it is created. Its
// times count from the call-up's creation.
type Escalation struct {
	// FallbackAfter, when set, sends the channels one after another in the
	// call-up's order: a member's next channel goes when the one before
	// fails for good, or FallbackAfter after it was due without an answer
	// from the member; a member who has answered by then gets no more.
	// Zero sends every channel at once.
	FallbackAfter Duration `json:"fallback_after,omitempty"`
	// Reminders are the times after creation at which members without an
	// answer are reminded.
	Reminders []Duration `json:"reminders"`
	// Realert, when set, alerts the next pool when a required
	// qualification is short.
	Realert *Realert `json:"realert,omitempty"`
}

// Realert alerts a further pool of members: After the call-up's creation,
// for each required qualification whose yes and late answers stay below
// Needed, the members of Unit's subtree that match Filter and hold the
// qualification, and are not targeted yet, are added to the call-up and
// sent its notice. Unit lies in the call-up's unit subtree, so that what a
// call-up holds stays inside its unit.
type Realert struct {
	After  Duration     `json:"after"`
	Unit   string       `json:"unit"`
	Filter CallUpFilter `json:"filter"`
}

// QualificationReadiness counts a call-up's members who held one
// qualification when they were targeted, against the strength needed (0
// when the call-up requires none of it).
type QualificationReadiness struct {
	Qualification string `json:"qualification"`
	Needed        int    `json:"needed"`
	Targeted      int    `json:"targeted"`
	Delivered     int    `json:"delivered"`
	Yes           int    `json:"yes"`
	Late          int    `json:"late"`
	No            int    `json:"no"`
	NoAnswer      int    `json:"no_answer"`
	CheckedIn     int    `json:"checked_in"`
}

// Short reports whether yes and late answers are fewer than needed.
func (q *QualificationReadiness) Short() bool { return q.Yes+q.Late < q.Needed }

// maxEscalationDelay bounds every escalation time: a call-up runs for
// days, not months.
const maxEscalationDelay = 30 * 24 * time.Hour

// validateEscalation adds the problems of the requirements and the
// escalation to bad.
func (c *CallUp) validateEscalation(bad func(field, msg string)) {
	if len(c.Requirements) > 20 {
		bad("requirements", "at most 20")
	}
	seen := map[string]bool{}
	for i, r := range c.Requirements {
		field := "requirements[" + strconv.Itoa(i) + "]"
		if !ValidCode(r.Qualification) {
			bad(field+".qualification", "not a qualification code: "+r.Qualification)
		} else if seen[r.Qualification] {
			bad(field+".qualification", "repeated qualification "+r.Qualification)
		}
		seen[r.Qualification] = true
		if r.Needed < 1 || r.Needed > 10_000_000 {
			bad(field+".needed", "must be from 1 to 10000000")
		}
	}
	e := c.Escalation
	delay := func(field string, d Duration) {
		if d.D() <= 0 || d.D() > maxEscalationDelay {
			bad(field, "must be more than 0 and at most 720h")
		}
	}
	if e.FallbackAfter != 0 {
		delay("escalation.fallback_after", e.FallbackAfter)
	}
	if len(e.Reminders) > 10 {
		bad("escalation.reminders", "at most 10")
	}
	seenAt := map[Duration]bool{}
	for i, d := range e.Reminders {
		field := "escalation.reminders[" + strconv.Itoa(i) + "]"
		delay(field, d)
		if seenAt[d] {
			bad(field, "repeated time "+d.String())
		}
		seenAt[d] = true
	}
	if p := e.Realert; p != nil {
		delay("escalation.realert.after", p.After)
		if !ValidCode(p.Unit) {
			bad("escalation.realert.unit", "required, a unit code")
		}
		for _, s := range p.Filter.Status {
			if !s.Valid() {
				bad("escalation.realert.filter.status", "unknown status "+string(s))
			}
		}
		for _, q := range p.Filter.Qualifications {
			if !ValidCode(q) {
				bad("escalation.realert.filter.qualifications", "not a qualification code: "+q)
			}
		}
		if len(c.Requirements) == 0 {
			bad("escalation.realert", "needs requirements: the pool is alerted for a short qualification")
		}
	}
}

// Duration is a span of time in the API: a Go duration such as "15m" or
// "1h30m", or a whole number of minutes. It is written as a Go duration.
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String writes d as a Go duration without zero units: "15m", "1h30m".
func (d Duration) String() string {
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// MarshalJSON writes d as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a Go duration string or a number of minutes.
func (d *Duration) UnmarshalJSON(b []byte) error {
	bad := Errorf(EINVALID, "%s is not a duration: use one such as \"15m\" or \"1h30m\", or a whole number of minutes", b)
	if bytes.HasPrefix(b, []byte(`"`)) {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return bad
		}
		v, err := ParseDuration(s)
		if err != nil {
			return err
		}
		*d = v
		return nil
	}
	var minutes int64
	if err := json.Unmarshal(b, &minutes); err != nil || minutes < 0 || minutes > int64(maxEscalationDelay/time.Minute) {
		return bad
	}
	*d = Duration(time.Duration(minutes) * time.Minute)
	return nil
}

// ParseDuration reads a Go duration such as "15m", or a whole number of
// minutes such as "15".
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 && n <= int64(maxEscalationDelay/time.Minute) {
		return Duration(time.Duration(n) * time.Minute), nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return 0, Errorf(EINVALID, "must be a duration such as \"15m\" or \"1h30m\", or a whole number of minutes, not %q", s)
	}
	return Duration(v), nil
}

// The states of an escalation timer.
const (
	TimerPending  = "pending"  // not yet due, or due and not yet tried
	TimerRetrying = "retrying" // its action failed; it is tried again at RetryAt
	TimerDone     = "done"     // applied
	TimerFailed   = "failed"   // its action failed every attempt; given up
)

// EscalationTimer is the state of one of a call-up's escalation timers, as
// GET /api/v1/callups/{id} shows it in escalation_status.
type EscalationTimer struct {
	Kind     string    `json:"kind"` // "reminder" or "realert"
	DueAt    time.Time `json:"due_at"`
	State    string    `json:"state"`
	Attempts int       `json:"attempts"` // failed attempts
	// Error is the last failure's user-safe message.
	Error   string     `json:"error,omitempty"`
	RetryAt *time.Time `json:"retry_at,omitempty"`
	DoneAt  *time.Time `json:"done_at,omitempty"`
}

// EscalationService applies a call-up's due escalation timers: reminders
// and re-alerts of the next pool. Fallback to the next channel needs no
// timer: the delivery queue releases a held delivery when it is due.
type EscalationService interface {
	// ApplyDueTimers applies every timer due at now, each in its own
	// transaction and exactly once, also when several processes call it
	// at the same time, and returns how many it applied. A timer whose
	// action fails is retried with a capped exponential backoff and given
	// up (state failed) after a bounded number of attempts; the failures
	// are returned joined.
	ApplyDueTimers(ctx context.Context, now time.Time) (int, error)
}
