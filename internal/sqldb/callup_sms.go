package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/answertoken"
	"github.com/muster-force/muster/internal/smsreply"
)

// errNoSMSCallUp is the answer to a phone number that no open call-up
// targets; it does not tell a stranger from a member who is not called up.
var errNoSMSCallUp = muster.Errorf(muster.ENOTFOUND, "No open call-up for this number. Answer with the link in your notice.")

// AnswerBySMS parses the reply, finds the most recent open call-up (its
// report-by time at most answerGrace ago) targeting a member with the
// phone, and saves the answer with a token signed for that member, so an
// SMS answer is checked exactly as a link answer is. In the same
// transaction it queues the confirmation SMS to the phone (purpose
// confirmation, status drill for a drill), so that the dispatcher sends
// it like any delivery: after a crash, with retries and the channel's
// rate, and never outside muster for a drill.
//
// members.phone has no index yet: the lookup reads the targeted members of
// the open call-ups. A partial index on members(phone) (a new migration)
// is the fix once SMS replies come in volume.
func (db *DB) AnswerBySMS(ctx context.Context, phone, text string) (*muster.MemberCallUp, error) {
	if !muster.ValidPhone(phone) {
		return nil, errNoSMSCallUp
	}
	a, err := smsreply.Parse(text)
	if err != nil {
		return nil, err
	}
	since := formatTime(db.now().Add(-answerGrace))
	rows, err := db.read.QueryContext(ctx, `SELECT cm.callup_id, cm.member_id, m.service_number, m.family_name, m.given_name
		FROM callups c JOIN callup_members cm ON cm.callup_id = c.id JOIN members m ON m.id = cm.member_id
		WHERE c.report_by >= $1 AND m.phone = $2 ORDER BY c.id DESC, cm.member_id LIMIT 2`, since, phone)
	if err != nil {
		return nil, fmt.Errorf("sms answer: %w", err)
	}
	type hit struct {
		callupID, memberID           int64
		serviceNumber, family, given string
	}
	var hits []hit
	for rows.Next() {
		var h hit
		if err := rows.Scan(&h.callupID, &h.memberID, &h.serviceNumber, &h.family, &h.given); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sms answer: %w", err)
		}
		hits = append(hits, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sms answer: %w", err)
	}
	if len(hits) == 0 {
		return nil, errNoSMSCallUp
	}
	h := hits[0]
	if len(hits) > 1 && hits[1].callupID == h.callupID {
		return nil, muster.Errorf(muster.ECONFLICT, "Several members share this number. Answer with the link in your notice.")
	}
	key, err := db.answerTokenKey(ctx)
	if err != nil {
		return nil, err
	}
	token := answertoken.Sign(key, h.callupID, h.memberID)
	if token == "" {
		return nil, fmt.Errorf("sms answer: ids %d/%d beyond a token", h.callupID, h.memberID)
	}
	a.Via = "sms"
	c, err := db.saveConfirmedAnswer(ctx, token, phone, &a)
	if err != nil {
		return nil, err
	}
	return &muster.MemberCallUp{CallUp: c, ServiceNumber: h.serviceNumber, Name: h.family + " " + h.given, Last: &a}, nil
}

// saveConfirmedAnswer stores the answer the holder of token gave by SMS
// from phone, and queues its confirmation SMS, in one transaction of its
// own (SMS answers are few: they skip the answer writer's group commit
// but apply through the same applyAnswers), and returns the call-up.
func (db *DB) saveConfirmedAnswer(ctx context.Context, token, phone string, a *muster.Answer) (*muster.CallUp, error) {
	callupID, memberID, err := db.verifyToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	q := &queuedAnswer{callupID: callupID, memberID: memberID, a: a}
	st, err := prepareAnswerStmts(ctx, db) // before the transaction: SQLite has one write connection
	if err != nil {
		return nil, err
	}
	defer st.close()
	results := make([]error, 1)
	var moved map[int64]*readinessBatch
	var c *muster.CallUp
	ctx = muster.NewContextWithActor(ctx, muster.SystemActor("answer"))
	err = db.writeTxOnConn(ctx, func(tx *Tx) (err error) {
		if moved, err = applyAnswers(ctx, tx, st, []*queuedAnswer{q}, results); err != nil {
			return err
		} else if results[0] != nil {
			return results[0]
		}
		if c, err = findCallUp(ctx, tx, callupID); err != nil {
			return err
		}
		p := &muster.MemberCallUp{CallUp: c, Last: a}
		return tx.queueConfirmation(ctx, c, memberID, phone, smsreply.Confirmation(p))
	})
	if err != nil {
		return nil, err
	}
	for id, b := range moved {
		db.readiness.apply(id, *b)
	}
	return c, nil
}

// queueConfirmation queues the SMS text to the member's phone, due now:
// pending, or drill for a drill call-up.
func (tx *Tx) queueConfirmation(ctx context.Context, c *muster.CallUp, memberID int64, phone, text string) error {
	status := muster.DeliveryPending
	if c.Drill {
		status = muster.DeliveryDrill
	}
	at := formatTime(tx.now)
	_, err := tx.ExecContext(ctx, `INSERT INTO deliveries (callup_id, member_id, channel, address, status, attempts, next_at, updated_at, purpose, body)
		VALUES ($1, $2, $3, $4, $5, 0, $6, $6, $7, $8)`,
		c.ID, memberID, string(muster.ChannelSMS), phone, string(status), at, string(muster.PurposeConfirmation), text)
	if err != nil {
		return fmt.Errorf("queue the confirmation: %w", err)
	}
	return nil
}

// MarkUndelivered applies the provider's receipt that a sent message did
// not reach the member: the delivery is failed for good, with the reason,
// for escalation to take it from there. A receipt for a delivery already
// failed or delivered changes nothing (a late failure does not undo a
// delivery). Like MarkDelivered, it answers ENOTFOUND for an id no sent
// delivery carries, which may be a receipt overtaking MarkSent.
func (db *DB) MarkUndelivered(ctx context.Context, ch muster.Channel, providerID, reason string) error {
	if providerID == "" {
		return muster.Errorf(muster.EINVALID, "receipt: no provider id")
	}
	if reason == "" {
		reason = "the provider reported the message undelivered"
	}
	if len(reason) > 500 {
		reason = reason[:500]
	}
	return db.systemTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `UPDATE deliveries SET status = 'failed', last_error = $1, updated_at = $2
			WHERE channel = $3 AND provider_id = $4 AND status = 'sent' RETURNING id`,
			reason, formatTime(db.now()), string(ch), providerID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM deliveries WHERE channel = $1 AND provider_id = $2 AND status IN ('failed', 'delivered')`,
				string(ch), providerID).Scan(&n); err != nil {
				return fmt.Errorf("receipt: %w", err)
			}
			if n > 0 {
				return nil
			}
			return muster.Errorf(muster.ENOTFOUND, "No sent %s delivery has the provider id %q.", ch, providerID)
		}
		if err != nil {
			return fmt.Errorf("receipt: %w", err)
		}
		return nil
	})
}
