package sqldb

import (
	"context"
	"fmt"
)

// SubscribeEveryNth gives every nth member (by id) one push subscription
// in one statement, for benchmarks of the push fan-out; the keys are
// placeholders, as nothing is sent.
func (db *DB) SubscribeEveryNth(ctx context.Context, nth int) (int64, error) {
	res, err := db.write.ExecContext(ctx, `INSERT INTO push_subscriptions (member_id, endpoint, p256dh, auth, created_at)
		SELECT id, 'https://push.example/' || CAST(id AS TEXT), 'k', 'a', $1 FROM members WHERE id % $2 = 0`,
		formatTime(db.now()), nth)
	if err != nil {
		return 0, fmt.Errorf("subscribe every %dth member: %w", nth, err)
	}
	return res.RowsAffected()
}
