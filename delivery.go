package muster

import (
	"context"
	"time"
)

// DeliveryStatus is where a delivery stands in the dispatcher's queue.
type DeliveryStatus string

// The delivery statuses. A delivery is created pending (or drill); the
// dispatcher claims it (sending, under a lease), and marks it sent,
// pending again for a retry, failed, or drill-sent. A receipt from the
// provider makes a sent delivery delivered.
const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliveryDrill     DeliveryStatus = "drill" // a drill's delivery, not yet dispatched
	DeliverySending   DeliveryStatus = "sending"
	DeliverySent      DeliveryStatus = "sent"
	DeliveryDelivered DeliveryStatus = "delivered"
	DeliveryFailed    DeliveryStatus = "failed"
	DeliveryDrillSent DeliveryStatus = "drill-sent" // went through every step, left nothing outside muster

	// A held delivery waits, due at next_at, and is sent then only if the
	// member has not answered; otherwise it is skipped, a final status
	// (escalation.go).
	DeliveryHeld    DeliveryStatus = "held"
	DeliverySkipped DeliveryStatus = "skipped"

	// DeliveryUnknown is a delivery whose message went out to the
	// provider but whose answer never came (an SMPP submit_sm_resp lost
	// with the connection): the provider may hold it. It is not resent
	// blindly: a delivery receipt to its address makes it delivered, and
	// only when none came within the dispatcher's receipt window is it
	// sent again (see MarkUnknown).
	DeliveryUnknown DeliveryStatus = "unknown"
)

// DeliveryPurpose is why a delivery is sent; it picks the wording.
type DeliveryPurpose string

// The purposes.
const (
	PurposeNotice   DeliveryPurpose = "notice"   // the call-up itself
	PurposeReminder DeliveryPurpose = "reminder" // to a member who has not answered
	PurposeSelected DeliveryPurpose = "selected" // picked from those who said yes: report
	PurposeStandby  DeliveryPurpose = "standby"  // said yes, not picked: stand by
	PurposeExpiry   DeliveryPurpose = "expiry"   // a qualification expires soon (qualification_reminder.go)
	// PurposeConfirmation confirms an answer the member gave by SMS, by
	// SMS; its text is the delivery's own (Delivery.Text).
	PurposeConfirmation DeliveryPurpose = "confirmation"
	PurposeReceipt      DeliveryPurpose = "receipt" // an item was issued to the member: the armory page's link
	PurposeCheck        DeliveryPurpose = "check"   // an armory check asks the member to confirm what they hold

	// The purposes of messages to staff users (Delivery.UserID): their
	// text is written when queued (Delivery.Message), and their link
	// opens a staff page (Delivery.Page).
	PurposeDigest    DeliveryPurpose = "digest"    // a commander's daily digest of expiring qualifications
	PurposeEscalated DeliveryPurpose = "escalated" // an armory check closed with discrepancies escalated
)

// Staff reports whether the purpose's deliveries go to a staff user, not
// a member.
func (p DeliveryPurpose) Staff() bool { return p == PurposeDigest || p == PurposeEscalated }

// Armory reports whether the purpose is the armory's: its delivery belongs
// to no call-up, and its link opens the member's armory page (/k/), not
// the answer page (/r/).
func (p DeliveryPurpose) Armory() bool { return p == PurposeReceipt || p == PurposeCheck }

// LinkPath is the path of the delivery's link, before the token.
func (p DeliveryPurpose) LinkPath() string {
	if p.Armory() {
		return "/k/"
	}
	return "/r/"
}

// DeliveryPurposes lists every purpose.
var DeliveryPurposes = []DeliveryPurpose{PurposeNotice, PurposeReminder, PurposeSelected, PurposeStandby, PurposeConfirmation,
	PurposeExpiry, PurposeReceipt, PurposeCheck, PurposeDigest, PurposeEscalated}

// DeliveryPriority orders the dispatcher's claims: every due delivery of a
// lower priority is claimed before any of a higher one on the same channel.
type DeliveryPriority int

// The priorities, most urgent first.
const (
	PriorityCallUp     DeliveryPriority = iota // a call-up's: notice, reminder, selected, standby, confirmation
	PriorityArmory                             // the armory's: receipt, check, escalated
	PriorityBackground                         // background work: expiry reminders, digests
)

// Priority returns the purpose's priority: call-up traffic first, the
// armory's next, background work last.
func (p DeliveryPurpose) Priority() DeliveryPriority {
	switch {
	case p.Armory() || p == PurposeEscalated:
		return PriorityArmory
	case p == PurposeExpiry || p == PurposeDigest:
		return PriorityBackground
	}
	return PriorityCallUp
}

// Answerable reports whether a delivery of the purpose carries a link for
// the member (the call-up's answer page, or the armory page for the
// armory's purposes): all but an expiry reminder, which links nowhere,
// and a staff user's message, whose link is a staff page.
func (p DeliveryPurpose) Answerable() bool { return p != PurposeExpiry && !p.Staff() }

// Delivery is one message to one member on one channel, as claimed by a
// dispatcher: everything a channel needs to send it.
type Delivery struct {
	ID            int64
	CallUpID      int64
	MemberID      int64
	Channel       Channel
	Purpose       DeliveryPurpose
	Address       string // phone number, e-mail address, …
	Name          string // the member's family and given name
	ServiceNumber string
	Title         string
	Kind          CallUpKind
	Message       string
	AssemblyPoint string
	ReportBy      time.Time
	Drill         bool
	// Token is the member's response token (answertoken), or for an
	// armory purpose their kit token; the dispatcher makes ResponseURL
	// from it, Purpose.LinkPath and its base URL. An armory delivery's
	// Title and Message say what it is about; CallUpID is 0.
	Token       string
	ResponseURL string
	// Text, when set, is the whole message, sent as it is (a
	// confirmation); otherwise the channel makes it from the call-up.
	Text string
	// Attempts counts the claims of this delivery, this one included.
	Attempts int
	// Qualification (its code; Title is its name) and ExpiresOn are an
	// expiry reminder's, whose CallUpID is 0.
	Qualification string
	ExpiresOn     Date
	// UserID is the staff user a staff purpose's delivery goes to
	// (MemberID is 0); Name is theirs. Page is the path of the staff page
	// its link opens: the dispatcher makes ResponseURL from it.
	UserID int64
	Page   string
	// Digest or Escalation is what a staff purpose's delivery tells.
	Digest     *DigestSummary
	Escalation *CheckEscalation
}

// DeliveredOnSend reports whether a provider's accepting a message on the
// channel counts as reaching the member: true for e-mail and web push,
// whose servers give no receipt; SMS waits for the gateway's delivery
// receipt.
func (c Channel) DeliveredOnSend() bool { return c == ChannelEmail || c == ChannelPush }

// DeliveryStore is the dispatcher's durable queue: the deliveries table.
// A delivery is sent only after it is claimed, and marked after it is sent,
// so a crash resumes every claimed delivery once its lease runs out. The
// one window left is a crash between the provider accepting a message and
// MarkSent: that message is sent again (at least once, never skipped).
//
// Errors: ENOTFOUND for an unknown provider id; ECONFLICT when a delivery
// is not in the state the call expects (its lease ran out and another
// dispatcher claimed it, or it was marked already).
type DeliveryStore interface {
	// ClaimDue takes up to limit deliveries of the channel that are due at
	// now (pending or drill with next_at <= now, or sending with an expired
	// lease), marks them sending until now+lease and counts an attempt.
	// Two callers, in one process or several, never get the same delivery.
	// It claims by priority (DeliveryPurpose.Priority): every due delivery
	// of a call-up before any of the armory's, and those before any
	// background one; and while a call-up takes answers, background ones
	// only one at a time per channel.
	ClaimDue(ctx context.Context, ch Channel, now time.Time, limit int, lease time.Duration) ([]Delivery, error)
	// MarkSent records that the provider accepted the delivery under
	// providerID; on a channel that is DeliveredOnSend it also counts the
	// member as reached.
	MarkSent(ctx context.Context, id int64, providerID string) error
	// MarkDrill records a drill's delivery as gone through every step
	// without leaving muster, and counts the member as reached.
	MarkDrill(ctx context.Context, id int64) error
	// MarkDelivered applies the provider's receipt for a sent delivery and
	// counts the member as reached. A receipt for a delivered one changes
	// nothing.
	MarkDelivered(ctx context.Context, ch Channel, providerID string) error
	// MarkFailed records a failed attempt: the delivery is due again at
	// retryAt, or failed for good when retryAt is zero.
	MarkFailed(ctx context.Context, id int64, cause error, retryAt time.Time) error
	// MarkUnknown records that the delivery's message went out but the
	// provider's answer never came: the delivery is unknown, due again at
	// resendAt unless a receipt adopts it first (AdoptReceipt), or for
	// good when resendAt is zero.
	MarkUnknown(ctx context.Context, id int64, cause error, resendAt time.Time) error
	// Release returns claimed deliveries that were not attempted (the
	// dispatcher is stopping) to the queue, due at once.
	Release(ctx context.Context, ids []int64) error
}
