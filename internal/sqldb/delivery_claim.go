package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/muster-force/muster"
)

// The deliveries table is the dispatcher's queue. A claimed row has status
// 'sending' and next_at set to the end of its lease, so one index
// (channel, status, priority, next_at) finds the due rows and the
// abandoned ones of each priority as one ordered range. Claims, marks and
// releases are system work: they need no actor and write no audit entries
// (the rows are their own history).

// claimStatuses are the statuses a claim takes, in order within a
// priority: abandoned claims first, then the queue in order of time, then
// drills, then unknown deliveries whose receipt window ended
// (delivery_unknown.go; an empty next_at keeps one for good).
var claimStatuses = []muster.DeliveryStatus{muster.DeliverySending, muster.DeliveryPending, muster.DeliveryDrill, muster.DeliveryUnknown}

// answeringWindow is how long after its report-by time a call-up still
// counts as taking answers, for the pace of background deliveries.
const answeringWindow = time.Hour

// ClaimDue takes up to limit due deliveries of the channel in one
// transaction, by priority (muster.DeliveryPurpose.Priority): every due
// call-up delivery, held ones included, before any of the armory's, and
// those before any background one. Each step is UPDATE … WHERE id IN
// (SELECT … LIMIT) RETURNING over one range of the index, marking rows
// sending until now+lease; then one SELECT reads what a channel needs. On
// PostgreSQL the inner SELECT locks FOR UPDATE SKIP LOCKED, so dispatchers
// in several processes take disjoint rows without waiting for each other;
// on SQLite the single writer connection serialises claims.
//
// Background deliveries also yield in pace: while a call-up takes answers
// (its report-by time is ahead, or less than answeringWindow past), a
// claim takes at most one of the channel's, and none while another is
// being sent, so that they cost the writer next to nothing.
func (db *DB) ClaimDue(ctx context.Context, ch muster.Channel, now time.Time, limit int, lease time.Duration) ([]muster.Delivery, error) {
	if limit < 1 || lease <= 0 {
		return nil, muster.Errorf(muster.EINVALID, "claim: limit and lease must be positive")
	}
	// Before the transaction: the key may need its own write (see secret_key.go).
	key, err := db.answerTokenKey(ctx)
	if err != nil {
		return nil, err
	}
	now = now.UTC().Truncate(time.Microsecond)
	var out []muster.Delivery
	err = db.systemTx(ctx, func(tx *sql.Tx) error {
		var ids []any
		for prio := muster.PriorityCallUp; prio <= muster.PriorityBackground && len(ids) < limit; prio++ {
			want := limit - len(ids)
			if prio == muster.PriorityBackground {
				if want, err = backgroundAllowance(ctx, tx, ch, now, want); err != nil {
					return err
				}
			}
			// One UPDATE per status, each an ordered range of the index:
			// one UPDATE over all the statuses would have to sort every due
			// row to order them (~100 ms per claim at 300,000 rows on
			// PostgreSQL, against ~5 ms).
			for _, status := range claimStatuses {
				if want == 0 {
					break
				}
				got, err := db.claimRange(ctx, tx, ch, status, prio, now, lease, want)
				if err != nil {
					return err
				}
				ids, want = append(ids, got...), want-len(got)
			}
			if prio == muster.PriorityCallUp && want > 0 {
				held, err := db.claimHeld(ctx, tx, ch, now, lease, want)
				if err != nil {
					return err
				}
				ids = append(ids, held...)
			}
		}
		if len(ids) == 0 {
			return nil
		}
		out, err = readDeliveries(ctx, tx, key, ids)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// claimRange claims up to limit due deliveries of the channel, status and
// priority, oldest first, and returns their ids.
func (db *DB) claimRange(ctx context.Context, tx *sql.Tx, ch muster.Channel, status muster.DeliveryStatus, prio muster.DeliveryPriority,
	now time.Time, lease time.Duration, limit int) ([]any, error) {
	ids, err := queryIDs(ctx, tx, "claim "+string(ch)+" deliveries", db.claimSQL(),
		formatTime(now.Add(lease)), formatTime(now), string(ch), string(status), int(prio), limit)
	return idArgs(ids), err
}

// claimSQL is a claim of one range of the index: $1 the end of the lease,
// $2 now, $3 the channel, $4 the status, $5 the priority, $6 the limit.
func (db *DB) claimSQL() string {
	return `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, next_at = $1, updated_at = $2
		WHERE id IN (SELECT id FROM deliveries WHERE channel = $3 AND status = $4 AND priority = $5 AND next_at <= $2 AND next_at <> ''
			ORDER BY next_at LIMIT $6` + db.dialect.pick("", " FOR UPDATE SKIP LOCKED") + `)
		RETURNING id`
}

// backgroundAllowance is how many background deliveries of the channel a
// claim may take, of the want it has room for: all of them when no
// call-up is taking answers; otherwise one, and none while one is being
// sent already.
func backgroundAllowance(ctx context.Context, tx *sql.Tx, ch muster.Channel, now time.Time, want int) (int, error) {
	var answering, sending bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM callups WHERE report_by >= $1),
		EXISTS (SELECT 1 FROM deliveries WHERE channel = $2 AND status = 'sending' AND priority = $3 AND next_at > $4)`,
		formatTime(now.Add(-answeringWindow)), string(ch), int(muster.PriorityBackground), formatTime(now)).Scan(&answering, &sending)
	switch {
	case err != nil:
		return 0, fmt.Errorf("pace background %s deliveries: %w", ch, err)
	case !answering:
		return want, nil
	case sending:
		return 0, nil
	}
	return min(want, 1), nil
}
