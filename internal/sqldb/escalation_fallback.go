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
// fallback, or a reminder. ClaimDue claims due held deliveries of
// members without an answer like pending ones, and first marks those of
// members who have answered 'skipped', a final status: no dispatcher ever
// sends a skipped delivery. Both are conditional UPDATEs under the claim's
// SKIP LOCKED pattern, so several dispatchers stay correct.

// answeredSQL is true for a delivery row whose member has answered.
const answeredSQL = `EXISTS (SELECT 1 FROM callup_members cm
	WHERE cm.callup_id = deliveries.callup_id AND cm.member_id = deliveries.member_id AND cm.answer <> '')`

// skipBatch bounds the held deliveries one claim marks skipped.
const skipBatch = 10_000

// skipAnswered marks the channel's due held deliveries of members who
// have answered skipped.
func (db *DB) skipAnswered(ctx context.Context, tx *sql.Tx, ch muster.Channel, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = 'skipped', updated_at = $1
		WHERE id IN (SELECT id FROM deliveries WHERE channel = $2 AND status = 'held' AND next_at <= $1 AND `+answeredSQL+`
			ORDER BY next_at LIMIT $3`+db.dialect.pick("", " FOR UPDATE SKIP LOCKED")+`)`,
		formatTime(now), string(ch), skipBatch)
	if err != nil {
		return fmt.Errorf("skip %s deliveries of members who answered: %w", ch, err)
	}
	return nil
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
