package muster

import "time"

// Messages to staff users: what a staff purpose's delivery
// (DeliveryPurpose.Staff) tells, recorded when it is queued; the channel
// words it.

// DigestSummary is a commander's daily digest of expiring
// qualifications: the day's reminders in their subtree, counted per unit
// and qualification, and the ones that expire soonest.
type DigestSummary struct {
	Day       Date   `json:"day"`
	Unit      string `json:"unit"` // the commander's
	Reminders int    `json:"reminders"`
	// Lines count the reminders per unit and qualification, the most
	// first; at most DigestLines, MoreLines saying how many were left out.
	Lines     []DigestLine `json:"lines"`
	MoreLines int          `json:"more_lines"`
	// Soonest are the reminders that expire first, at most DigestSoonest.
	Soonest []ExpiryReminder `json:"soonest"`
}

// DigestLines and DigestSoonest bound a digest's message.
const (
	DigestLines   = 20
	DigestSoonest = 5
)

// DigestLine counts a digest's reminders of one qualification in one unit.
type DigestLine struct {
	Unit          string `json:"unit"`
	Qualification string `json:"qualification"`
	Count         int    `json:"count"`
	First         Date   `json:"first"` // the soonest expiry
}

// CheckEscalation tells the commanders and armorers of a unit that an
// armory check campaign closed with discrepancies escalated to them.
type CheckEscalation struct {
	Check     int64     `json:"check"`
	Unit      string    `json:"unit"`
	Deadline  time.Time `json:"deadline"`
	Escalated int       `json:"escalated"`
}
