package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/muster-force/muster"
)

// An unknown delivery (status 'unknown') went out to the provider, whose
// answer never came: an SMPP submit_sm written whole before the link
// dropped or the wait ran out. The SMS centre may have taken it, and then
// its receipt names a message id muster never learnt; so a receipt that
// names no sent delivery is matched to the oldest unknown delivery to its
// address (AdoptReceipt). One that no receipt adopts is claimed again at
// next_at, the end of the dispatcher's receipt window: sent twice only
// when the centre took it and gives no receipt. next_at '' keeps it
// unknown for good (its attempts are spent).

// MarkUnknown records that a claimed delivery's outcome is unknown.
func (db *DB) MarkUnknown(ctx context.Context, id int64, cause error, resendAt time.Time) error {
	msg := "the provider's answer never came"
	if cause != nil {
		msg = cause.Error()
	}
	if len(msg) > 500 {
		msg = msg[:500]
	}
	return db.systemTx(ctx, func(tx *sql.Tx) error {
		var n int64
		err := tx.QueryRowContext(ctx, `UPDATE deliveries SET status = 'unknown', next_at = $1, last_error = $2, updated_at = $3
			WHERE id = $4 AND status = 'sending' RETURNING id`, formatTime(resendAt), msg, formatTime(db.now()), id).Scan(&n)
		if err != nil {
			return db.notClaimed(ctx, tx, err, id)
		}
		return nil
	})
}

// AdoptReceipt applies a receipt under providerID, which no sent delivery
// carries, to the oldest unknown delivery of the channel to the address:
// it takes the provider id and becomes delivered (the member counts as
// reached) or, for a failure receipt, failed, falling back to the next
// channel. ENOTFOUND when there is none, or when a delivery to the
// address is being sent: the receipt may be that one's, overtaking
// MarkSent, and the provider should deliver it again.
func (db *DB) AdoptReceipt(ctx context.Context, ch muster.Channel, providerID, address string, delivered bool) error {
	if providerID == "" || address == "" {
		return muster.Errorf(muster.EINVALID, "receipt: no provider id or address")
	}
	none := muster.Errorf(muster.ENOTFOUND, "No unknown %s delivery to %s.", ch, address)
	return db.reachTx(ctx, func(tx *sql.Tx, reach func(callupID, memberID int64) error) error {
		var sending int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM deliveries WHERE channel = $1 AND address = $2 AND status = 'sending'`,
			string(ch), address).Scan(&sending); err != nil {
			return fmt.Errorf("adopt a receipt: %w", err)
		}
		if sending > 0 {
			return none
		}
		status := "delivered"
		if !delivered {
			status = "failed"
		}
		now := formatTime(db.now())
		var id, callupID, memberID int64
		var purpose string
		err := tx.QueryRowContext(ctx, `UPDATE deliveries SET status = $1, provider_id = $2, updated_at = $3
			WHERE id = (SELECT id FROM deliveries WHERE channel = $4 AND address = $5 AND status = 'unknown' ORDER BY updated_at, id LIMIT 1)
			AND status = 'unknown' RETURNING id, callup_id, member_id, purpose`, status, providerID, now, string(ch), address).
			Scan(&id, &callupID, &memberID, &purpose)
		if errors.Is(err, sql.ErrNoRows) {
			return none
		} else if err != nil {
			return fmt.Errorf("adopt a receipt: %w", err)
		}
		if delivered {
			return reach(callupID, memberID)
		}
		if purpose == string(muster.PurposeNotice) {
			return fallBack(ctx, tx, callupID, memberID, db.now())
		}
		return nil
	})
}
