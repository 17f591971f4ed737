package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/answertoken"
)

// The armory's deliveries: a receipt when an item is issued, a request to
// confirm when a check campaign starts. Each is one row in the dispatcher's
// queue (deliveries, callup_id 0), sent by the existing dispatcher on the
// member's e-mail when they have one, else by SMS; a member with neither
// gets none. Nothing is sent inline. Issues by the system actor (the demo,
// bulk loads) queue no receipt.

// armoryTitles are the armory deliveries' titles by purpose.
var armoryTitles = map[muster.DeliveryPurpose]string{
	muster.PurposeReceipt: "Armory receipt",
	muster.PurposeCheck:   "Armory check",
}

// armoryDelivery fills in a claimed armory delivery: its title, its text
// and the member's kit token in place of an answer token.
func armoryDelivery(d *muster.Delivery, answerKey []byte) {
	d.Title, d.Message, d.Text = armoryTitles[d.Purpose], d.Text, "" // body is the message; the channel adds the link
	d.Token = answertoken.Sign(kitKeyFrom(answerKey), kitTokenTag, d.MemberID)
}

// armoryChannel picks a member's channel for the armory's messages: SQL
// for the channel and the address of the member m.
const armoryChannel = `CASE WHEN m.email <> '' THEN 'email' ELSE 'sms' END, CASE WHEN m.email <> '' THEN m.email ELSE m.phone END`

// queueArmoryDelivery queues one armory delivery to the member, if they
// have a channel.
func (tx *Tx) queueArmoryDelivery(ctx context.Context, memberID int64, purpose muster.DeliveryPurpose, text string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO deliveries (callup_id, member_id, channel, address, status, attempts, next_at, updated_at, purpose, body, priority)
		SELECT 0, m.id, `+armoryChannel+`, 'pending', 0, $1, $1, $2, $3, $5 FROM members m WHERE m.id = $4 AND (m.email <> '' OR m.phone <> '')`,
		formatTime(tx.now), string(purpose), text, memberID, int(purpose.Priority()))
	if err != nil {
		return fmt.Errorf("queue %s to member %d: %w", purpose, memberID, err)
	}
	return nil
}

// queueReceipt queues the receipt of an issue, the ledger entry e.
func (tx *Tx) queueReceipt(ctx context.Context, memberID int64, typeName string, e *muster.LedgerEntry) error {
	text := fmt.Sprintf("%s %s was issued to you from armory %s on %s (receipt no. %d).",
		typeName, e.Serial, e.FromArmory, tx.db.clock(e.At), e.Seq)
	return tx.queueArmoryDelivery(ctx, memberID, muster.PurposeReceipt, text)
}

// queueCheckRequests queues a request to confirm to every holder the
// campaign counts.
func (tx *Tx) queueCheckRequests(ctx context.Context, c *checkRow) error {
	text := fmt.Sprintf("Armory check of %s: confirm the items you hold by %s.", c.Unit, tx.db.clock(c.Deadline))
	if c.Note != "" {
		text += " " + c.Note
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO deliveries (callup_id, member_id, channel, address, status, attempts, next_at, updated_at, purpose, body, priority)
		SELECT 0, m.id, `+armoryChannel+`, 'pending', 0, $1, $1, $2, $3, $5 FROM members m
		WHERE m.id IN (SELECT member_id FROM armory_check_items WHERE check_id = $4) AND (m.email <> '' OR m.phone <> '')
		ORDER BY m.id`, formatTime(tx.now), string(muster.PurposeCheck), text, c.ID, int(muster.PurposeCheck.Priority()))
	if err != nil {
		return fmt.Errorf("queue check requests: %w", err)
	}
	return nil
}
