package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/muster-force/muster"
)

// Deliveries to staff users (muster.DeliveryPurpose.Staff): a row of the
// same queue with user_id naming the user and member_id 0, so that one
// dispatcher sends them like every other delivery. What the message tells
// is recorded when it is queued, as JSON in body (a muster.DigestSummary
// or muster.CheckEscalation), and link is the path of the staff page it
// links to; the channel words it. A user without contact data gets none.

// staffTitles are the staff deliveries' titles by purpose.
var staffTitles = map[muster.DeliveryPurpose]string{
	muster.PurposeDigest:    "Qualifications expiring",
	muster.PurposeEscalated: "Armory check escalated",
}

// staffDelivery fills in a claimed staff delivery from its body. A body
// that does not decode leaves Digest and Escalation nil, which the
// dispatcher fails for good.
func staffDelivery(d *muster.Delivery) {
	body := []byte(d.Text)
	d.Title, d.Text = staffTitles[d.Purpose], ""
	switch d.Purpose {
	case muster.PurposeDigest:
		var s muster.DigestSummary
		if json.Unmarshal(body, &s) == nil {
			d.Digest = &s
		}
	case muster.PurposeEscalated:
		var e muster.CheckEscalation
		if json.Unmarshal(body, &e) == nil {
			d.Escalation = &e
		}
	}
}

// staffContact is a staff user who may be sent a message.
type staffContact struct {
	id           int64
	email, phone string
}

// channel picks the user's channel and address among channels, in the
// order of preference e-mail, then SMS; nil channels allows both. ok is
// false when none reaches the user.
func (u staffContact) channel(channels []muster.Channel) (ch muster.Channel, address string, ok bool) {
	allowed := func(c muster.Channel) bool { return channels == nil || slices.Contains(channels, c) }
	switch {
	case u.email != "" && allowed(muster.ChannelEmail):
		return muster.ChannelEmail, u.email, true
	case u.phone != "" && allowed(muster.ChannelSMS):
		return muster.ChannelSMS, u.phone, true
	}
	return "", "", false
}

// queueStaffDelivery queues a message of the purpose to the user, on the
// first of channels that reaches them (see staffContact.channel); it
// returns false when none does.
func (tx *Tx) queueStaffDelivery(ctx context.Context, u staffContact, channels []muster.Channel, purpose muster.DeliveryPurpose,
	link string, what any) (bool, error) {
	ch, address, ok := u.channel(channels)
	if !ok {
		return false, nil
	}
	body, err := json.Marshal(what)
	if err != nil {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO deliveries (callup_id, member_id, user_id, channel, address, status, attempts, next_at, updated_at,
		purpose, body, link, priority) VALUES (0, 0, $1, $2, $3, 'pending', 0, $4, $4, $5, $6, $7, $8)`,
		u.id, string(ch), address, formatTime(tx.now), string(purpose), string(body), link, int(purpose.Priority()))
	if err != nil {
		return false, fmt.Errorf("queue %s to user %d: %w", purpose, u.id, err)
	}
	return true, nil
}

// queueCheckEscalation tells the enabled commanders and armorers whose
// subtree holds the campaign's unit that it closed with n discrepancies
// escalated.
func (tx *Tx) queueCheckEscalation(ctx context.Context, c *checkRow, n int) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, email, phone FROM users
		WHERE unit_id IN (SELECT ancestor_id FROM unit_tree WHERE unit_id = $1) AND role IN ($2, $3) AND disabled = 0
			AND (email <> '' OR phone <> '') ORDER BY id`, c.unitID, string(muster.RoleCommander), string(muster.RoleArmorer))
	if err != nil {
		return fmt.Errorf("commanders and armorers of %s: %w", c.Unit, err)
	}
	var users []staffContact
	for rows.Next() {
		var u staffContact
		if err := rows.Scan(&u.id, &u.email, &u.phone); err != nil {
			rows.Close()
			return err
		}
		users = append(users, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	what := muster.CheckEscalation{Check: c.ID, Unit: c.Unit, Deadline: c.Deadline, Escalated: n}
	link := fmt.Sprintf("/armory-checks/%d", c.ID)
	for _, u := range users {
		if _, err := tx.queueStaffDelivery(ctx, u, nil, muster.PurposeEscalated, link, what); err != nil {
			return err
		}
	}
	return nil
}
