package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/muster-force/muster"
)

// A held delivery (status 'held') is sent only if its member has not
// answered by the time it is due: a later channel's notice under a
// fallback, or a reminder. ClaimDue takes due held deliveries after the
// pending ones: of a batch of them, those of members who have answered
// become 'skipped', a final status that no dispatcher ever sends, and the
// others are claimed like pending ones. The batch is locked FOR UPDATE
// SKIP LOCKED on PostgreSQL, so several dispatchers stay correct, and each
// claim reads a bounded number of rows.

// answeredSQL is true for a delivery row whose member has answered.
const answeredSQL = `EXISTS (SELECT 1 FROM callup_members cm
	WHERE cm.callup_id = deliveries.callup_id AND cm.member_id = deliveries.member_id AND cm.answer <> '')`

// claimHeld claims up to limit due held deliveries of the channel, marking
// skipped those of members who have answered, and returns the ids claimed.
// It looks at a few batches at most, so that a claim ends soon even when
// many members have answered.
func (db *DB) claimHeld(ctx context.Context, tx *sql.Tx, ch muster.Channel, now time.Time, lease time.Duration, limit int) ([]any, error) {
	var claimed []any
	for round := 0; round < 4 && len(claimed) < limit; round++ {
		batch, err := heldBatch(ctx, tx, db.dialect, ch, now, limit-len(claimed))
		if err != nil || len(batch) == 0 {
			return claimed, err
		}
		var w where
		w.add("id IN ("+marks(len(batch))+")", batch...)
		at := w.next(formatTime(now))
		if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = 'skipped', updated_at = `+at+w.sql()+` AND `+answeredSQL, w.args...); err != nil {
			return nil, fmt.Errorf("skip %s deliveries of members who answered: %w", ch, err)
		}
		until := w.next(formatTime(now.Add(lease)))
		rows, err := tx.QueryContext(ctx, `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, next_at = `+until+`, updated_at = `+at+
			w.sql()+` AND status = 'held' RETURNING id`, w.args...)
		if err != nil {
			return nil, fmt.Errorf("claim held %s deliveries: %w", ch, err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			claimed = append(claimed, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return claimed, nil
}

// heldBatch returns the ids of up to limit due held deliveries of the
// channel, oldest first, locked on PostgreSQL.
func heldBatch(ctx context.Context, tx *sql.Tx, d dialect, ch muster.Channel, now time.Time, limit int) ([]any, error) {
	ids, err := queryIDs(ctx, tx, "due held "+string(ch)+" deliveries", `SELECT id FROM deliveries WHERE channel = $1 AND status = 'held' AND priority = 0 AND next_at <= $2
		ORDER BY next_at LIMIT $3`+d.pick("", " FOR UPDATE SKIP LOCKED"), string(ch), formatTime(now), limit)
	return idArgs(ids), err
}

// fallBack makes the member's next held notice, on the next channel of
// the call-up's order, due at once: the notice before it failed for good.
func fallBack(ctx context.Context, tx *sql.Tx, callupID, memberID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE deliveries SET next_at = $3, updated_at = $3
		WHERE id = (SELECT id FROM deliveries WHERE callup_id = $1 AND member_id = $2 AND status = 'held' AND purpose = 'notice'
			ORDER BY step LIMIT 1) AND next_at > $3`, callupID, memberID, formatTime(now))
	if err != nil {
		return fmt.Errorf("fall back to the next channel: %w", err)
	}
	return nil
}
