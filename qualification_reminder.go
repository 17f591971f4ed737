package muster

import (
	"context"
	"slices"
	"time"
)

// DefaultExpiryLeads are the days before a qualification expires on which
// its holder is reminded: 60 and 14.
var DefaultExpiryLeads = []int{60, 14}

// ExpiryOptions steer a day's expiry reminders.
type ExpiryOptions struct {
	// Leads are the days before expiry to remind on (DefaultExpiryLeads).
	// A qualification is reminded once per lead, in the window from that
	// lead down to the next shorter one: one found 10 days before it
	// expires gets the 14-day reminder, not the 60-day one as well.
	Leads []int
	// Channels are the channels the server can send on, in the order of
	// preference (push, SMS, e-mail): a member is reminded on the first
	// one their contact data reaches. Paper is never used.
	Channels []Channel
	// ChunkSize is how many member qualifications one transaction
	// reminds, with their deliveries (DefaultExpiryChunk): each chunk is
	// committed on its own, so that the run never holds the writer long.
	ChunkSize int
	// Pause is the yield between chunks (DefaultExpiryPause), longer
	// while answers wait for the writer.
	Pause time.Duration
	// Progress, when set, is called after each committed chunk with the
	// run's totals so far.
	Progress func(ExpiryRun)
}

// DefaultExpiryChunk and DefaultExpiryPause size and space a run's chunks.
const (
	DefaultExpiryChunk = 100
	DefaultExpiryPause = 5 * time.Millisecond
)

// Validate checks the leads (1–366 days, each once) and the channels.
func (o *ExpiryOptions) Validate() error {
	if len(o.Leads) == 0 {
		return Errorf(EINVALID, "expiry reminder leads: give at least one number of days")
	}
	for i, l := range o.Leads {
		if l < 1 || l > 366 {
			return Errorf(EINVALID, "expiry reminder leads: %d is not from 1 to 366 days", l)
		}
		if slices.Contains(o.Leads[:i], l) {
			return Errorf(EINVALID, "expiry reminder leads: %d is given twice", l)
		}
	}
	if o.ChunkSize < 0 || o.Pause < 0 {
		return Errorf(EINVALID, "expiry reminders: chunk size and pause must not be negative")
	}
	for _, ch := range o.Channels {
		if !oneOf(ch, Channels) || ch == ChannelPaper {
			return Errorf(EINVALID, "expiry reminder channels: %q is not push, sms or email", ch)
		}
	}
	return nil
}

// ExpiryRun is what one day's run of the expiry reminders did.
type ExpiryRun struct {
	Day Date `json:"day"`
	// Ran is false when another run (another process) had done the day.
	Ran        bool `json:"ran"`
	Reminders  int  `json:"reminders"`  // member qualifications reminded
	Deliveries int  `json:"deliveries"` // messages queued for the dispatcher
	Digests    int  `json:"digests"`    // commanders' digests recorded
	// DigestDeliveries are the digests queued as messages to commanders
	// with contact data.
	DigestDeliveries int `json:"digest_deliveries"`
}

// ExpiryReminder is one reminder sent, as a commander's digest lists it.
type ExpiryReminder struct {
	ServiceNumber string `json:"service_number"`
	Name          string `json:"name"`
	Unit          string `json:"unit"`
	Qualification string `json:"qualification"`
	ExpiresOn     Date   `json:"expires_on"`
	LeadDays      int    `json:"lead_days"`
}

// ExpiryDigest is a commander's digest of one day's reminders in their
// subtree.
type ExpiryDigest struct {
	Day       Date             `json:"day"`
	Reminders []ExpiryReminder `json:"reminders"`
}

// ExpiryReminderService reminds members, and their commanders, before a
// qualification expires.
type ExpiryReminderService interface {
	// RunExpiryReminders does the day of now's reminders, once per day
	// over every process sharing the database: it records a reminder per
	// member qualification due (at most one per qualification, lead and
	// expiry date, so a renewal starts afresh), queues a delivery of
	// purpose expiry on the member's first reachable channel, and records
	// a digest for each commander whose subtree holds a reminded member.
	// Members who are discharged are not reminded. It writes in chunks
	// (ExpiryOptions.ChunkSize), each committed on its own under the
	// day's lease: a run that fails or dies between chunks is resumed by
	// the next call, in this process or another, without duplicates or
	// gaps.
	RunExpiryReminders(ctx context.Context, now time.Time, o ExpiryOptions) (*ExpiryRun, error)
	// FindExpiryDigest returns the signed-in commander's latest digest,
	// at most limit reminders of it, within the commander's subtree.
	// ENOTFOUND when there is none.
	FindExpiryDigest(ctx context.Context, limit int) (*ExpiryDigest, error)
}
