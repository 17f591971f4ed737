package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/muster-force/muster"
)

var _ muster.ExpiryReminderService = (*DB)(nil)

// reachedBy is the condition, on members m, that the member can be sent
// a message on the channel.
var reachedBy = map[muster.Channel]string{
	muster.ChannelPush:  "EXISTS (SELECT 1 FROM push_subscriptions ps WHERE ps.member_id = m.id)",
	muster.ChannelSMS:   "m.phone <> ''",
	muster.ChannelEmail: "m.email <> ''",
}

// RunExpiryReminders does the day's run as the system actor "reminder",
// in chunks under the day's lease (daily_run.go). It first reads, on the
// read pool, which members hold a qualification due; then each chunk of
// them is reminded in its own short write transaction, which renews the
// lease, records the reminders (ON CONFLICT DO NOTHING: once per
// qualification, lead and expiry date), queues the deliveries of those it
// recorded, and records the totals; between chunks the run yields the
// writer. A chunk redone after a crash records nothing new, so a resumed
// run neither duplicates nor skips. The digests and the run's end are a
// last transaction.
func (db *DB) RunExpiryReminders(ctx context.Context, now time.Time, o muster.ExpiryOptions) (*muster.ExpiryRun, error) {
	if o.Leads == nil {
		o.Leads = muster.DefaultExpiryLeads
	}
	if o.Channels == nil {
		o.Channels = []muster.Channel{muster.ChannelPush, muster.ChannelSMS, muster.ChannelEmail}
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if o.ChunkSize == 0 {
		o.ChunkSize = muster.DefaultExpiryChunk
	}
	if o.Pause == 0 {
		o.Pause = muster.DefaultExpiryPause
	}
	leads := slices.Clone(o.Leads)
	slices.Sort(leads)
	ctx = muster.NewContextWithActor(ctx, muster.SystemActor("reminder"))
	run := &muster.ExpiryRun{Day: muster.DateOf(now.UTC())}
	lease := newDailyRun("expiry", run.Day.String())
	ok, result, err := lease.claim(ctx, db)
	if err != nil {
		return nil, err
	}
	if !ok {
		return run, nil // done, or being done by another process
	}
	if result != "" {
		if err := json.Unmarshal([]byte(result), run); err != nil {
			return nil, fmt.Errorf("resume the expiry reminders of %s: %w", lease.day, err)
		}
	}
	run.Ran = true
	err = db.remindInChunks(ctx, now, run, lease, leads, o)
	if err == nil {
		err = db.finishExpiryRun(ctx, now, run, lease, o.Channels)
	}
	if err != nil {
		lease.release(db)
		return nil, err
	}
	return run, nil
}

// remindInChunks reminds the day's due member qualifications, a chunk of
// members at a time, adding to run's totals.
func (db *DB) remindInChunks(ctx context.Context, now time.Time, run *muster.ExpiryRun, lease dailyRun, leads []int, o muster.ExpiryOptions) error {
	w := expiryWindow(run.Day, leads)
	due, err := db.dueMembers(ctx, w)
	if err != nil {
		return err
	}
	for _, c := range memberChunks(due, o.ChunkSize) {
		next := *run
		err := db.writeTxAt(ctx, now, func(tx *Tx) error {
			if err := lease.renew(ctx, tx); err != nil {
				return err
			}
			ids, err := tx.remindMembers(ctx, w, c)
			if err != nil {
				return err
			}
			n, err := tx.queueExpiryDeliveries(ctx, ids, o.Channels)
			if err != nil {
				return err
			}
			next.Reminders += len(ids)
			next.Deliveries += n
			b, err := json.Marshal(next)
			if err != nil {
				return err
			}
			return lease.progress(ctx, tx, string(b))
		})
		if err != nil {
			return err
		}
		*run = next
		if o.Progress != nil {
			o.Progress(*run)
		}
		if err := db.yieldWriter(ctx, o.Pause); err != nil {
			return err
		}
	}
	return nil
}

// finishExpiryRun records the commanders' digests, queues their
// messages, and marks the run done.
func (db *DB) finishExpiryRun(ctx context.Context, now time.Time, run *muster.ExpiryRun, lease dailyRun, channels []muster.Channel) error {
	digests, err := db.expiryDigests(ctx, run.Day, channels)
	if err != nil {
		return err
	}
	return db.writeTxAt(ctx, now, func(tx *Tx) error {
		recorded, queued, err := tx.recordExpiryDigests(ctx, lease.day, digests, channels)
		if err != nil {
			return err
		}
		run.Digests += recorded
		run.DigestDeliveries += queued
		b, err := json.Marshal(run)
		if err != nil {
			return err
		}
		if err := lease.finish(ctx, tx, string(b)); err != nil {
			return err
		}
		return tx.audit(ctx, "qualification.expiry_reminders", "daily_run", "expiry/"+lease.day, nil, run)
	})
}

// queueExpiryDeliveries queues one delivery for each of the reminders
// ids, on the first of the channels that reaches the member; a member
// whom none reaches gets none (the commander's digest still lists the
// reminder).
func (tx *Tx) queueExpiryDeliveries(ctx context.Context, ids []any, channels []muster.Channel) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	total := 0
	var earlier []string
	for _, ch := range channels {
		cond := reachedBy[ch]
		not := ""
		if len(earlier) > 0 {
			not = " AND NOT (" + strings.Join(earlier, " OR ") + ")"
		}
		earlier = append(earlier, cond)
		address := "''" // push: the channel sends to each of the member's devices
		switch ch {
		case muster.ChannelSMS:
			address = "m.phone"
		case muster.ChannelEmail:
			address = "m.email"
		}
		var w where
		w.add("r.id IN ("+marks(len(ids))+")", ids...)
		chArg, at, purpose, prio := w.next(string(ch)), w.next(formatTime(tx.now)), w.next(string(muster.PurposeExpiry)), w.next(int(muster.PriorityBackground))
		res, err := tx.ExecContext(ctx, `INSERT INTO deliveries (callup_id, reminder_id, member_id, channel, address, status, attempts, next_at, updated_at, step, purpose, priority)
			SELECT 0, r.id, r.member_id, `+chArg+`, `+address+`, 'pending', 0, `+at+`, `+at+`, 0, `+purpose+`, `+prio+`
			FROM expiry_reminders r JOIN members m ON m.id = r.member_id`+w.sql()+` AND `+cond+not+` ORDER BY r.id`, w.args...)
		if err != nil {
			return 0, fmt.Errorf("queue %s expiry reminders: %w", ch, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		total += int(n)
	}
	return total, nil
}
