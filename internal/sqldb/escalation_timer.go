package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/muster-force/muster"
)

var _ muster.EscalationService = (*DB)(nil)

// errTimerTaken means another escalator applied the timer first.
var errTimerTaken = errors.New("timer applied already")

// ApplyDueTimers applies the timers due at now, oldest first, each in its
// own transaction as the system actor "escalator". The transaction claims
// its timer with a conditional UPDATE (done_at = ” → now) before it acts:
// on PostgreSQL a second process's UPDATE waits for the first to commit
// and then changes no row, so each timer is applied exactly once. A timer
// whose action fails is rolled back, and its failure recorded in a
// transaction of its own (recordTimerFailure): it is tried again after a
// backoff, and given up after timerMaxAttempts. A timer applied at or
// after the call-up's report-by time does nothing but say so in its
// result and the audit log: it could only come too late.
func (db *DB) ApplyDueTimers(ctx context.Context, now time.Time) (int, error) {
	ctx = muster.NewContextWithActor(ctx, muster.SystemActor("escalator"))
	applied := 0
	var failed []error
	for {
		ids, err := db.dueTimers(ctx, now, 100)
		if err != nil {
			return applied, err
		}
		progress := false
		for _, id := range ids {
			err := db.applyTimer(ctx, id, now)
			switch {
			case err == nil:
				applied++
				progress = true
			case errors.Is(err, errTimerTaken):
				progress = true
			default:
				failed = append(failed, fmt.Errorf("timer %d: %w", id, err))
				if ctx.Err() != nil {
					return applied, errors.Join(failed...)
				}
				if err := db.recordTimerFailure(ctx, id, now, err); err != nil {
					failed = append(failed, fmt.Errorf("timer %d: %w", id, err))
				}
			}
		}
		if len(ids) < 100 || !progress {
			return applied, errors.Join(failed...)
		}
	}
}

// dueTimers returns the ids of up to limit timers not yet applied and due
// at now.
func (db *DB) dueTimers(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	return queryIDs(ctx, db.read, "due timers", `SELECT id FROM escalation_timers WHERE done_at = '' AND due_at <= $1 AND retry_at <= $1
		ORDER BY due_at, id LIMIT $2`, formatTime(now), limit)
}

// applyTimer claims one timer and applies it in one transaction.
func (db *DB) applyTimer(ctx context.Context, id int64, now time.Time) error {
	return db.writeTxAt(ctx, now, func(tx *Tx) error {
		var callupID int64
		var kind string
		err := tx.QueryRowContext(ctx, `UPDATE escalation_timers SET done_at = $1 WHERE id = $2 AND done_at = ''
			RETURNING callup_id, kind`, formatTime(tx.now), id).Scan(&callupID, &kind)
		if errors.Is(err, sql.ErrNoRows) {
			return errTimerTaken
		} else if err != nil {
			return fmt.Errorf("claim timer: %w", err)
		}
		c, err := findCallUp(ctx, tx, callupID)
		if err != nil {
			return err
		}
		var result map[string]any
		switch {
		case !tx.now.Before(c.ReportBy):
			// Members report by then: a reminder or a new pool called
			// now could only come too late. Done, and said so.
			result = map[string]any{"skipped": "the report-by time has passed"}
		case kind == timerReminder:
			result, err = tx.remind(ctx, c)
		case kind == timerRealert:
			result, err = tx.realert(ctx, c)
		default:
			err = fmt.Errorf("unknown kind %q", kind)
		}
		if err != nil {
			return err
		}
		b, err := json.Marshal(result)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE escalation_timers SET result = $1 WHERE id = $2`, string(b), id); err != nil {
			return fmt.Errorf("timer result: %w", err)
		}
		result["timer"] = id
		return tx.audit(ctx, "callup."+kind, "callup", strconv.FormatInt(c.ID, 10), nil, result)
	})
}

// remind queues a reminder for each member of the call-up who has not
// answered, on each channel whose notice to the member was tried and did
// not fail for good (not held, skipped or failed): one INSERT … SELECT.
// The reminders are held deliveries due now, so that a member who answers
// before one is sent does not get it.
func (tx *Tx) remind(ctx context.Context, c *muster.CallUp) (map[string]any, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO deliveries (callup_id, member_id, channel, address, status, attempts, next_at, updated_at, step, purpose)
		SELECT d.callup_id, d.member_id, d.channel, d.address, 'held', 0, $2, $2, d.step, $3
		FROM deliveries d JOIN callup_members cm ON cm.callup_id = d.callup_id AND cm.member_id = d.member_id
		WHERE d.callup_id = $1 AND d.purpose = 'notice' AND d.status NOT IN ('held', 'skipped', 'failed') AND cm.answer = ''
		ORDER BY d.member_id`, c.ID, formatTime(tx.now), string(muster.PurposeReminder))
	if err != nil {
		return nil, fmt.Errorf("queue reminders: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, err
	}
	return map[string]any{"reminders": n}, nil
}

// realert adds the re-alert pool's holders of each short qualification,
// in the call-up's unit, to the call-up, as wave 1, and queues their
// notices.
func (tx *Tx) realert(ctx context.Context, c *muster.CallUp) (map[string]any, error) {
	p := c.Escalation.Realert
	counts, err := qualificationCounts(ctx, tx, c, 0)
	if err != nil {
		return nil, err
	}
	var short []any
	shortCodes := []string{}
	for _, q := range counts {
		if q.Short() {
			id, err := qualificationID(ctx, tx, q.Qualification, "requirements")
			if err != nil {
				return nil, err
			}
			short = append(short, id)
			shortCodes = append(shortCodes, q.Qualification)
		}
	}
	result := map[string]any{"short": shortCodes, "added": 0}
	if len(short) == 0 {
		return result, nil
	}
	unit, err := findUnit(ctx, tx, p.Unit)
	if err != nil {
		return nil, err
	}
	cond, err := tx.targetConditions(ctx, &muster.CallUp{UnitID: unit.ID, Filter: p.Filter})
	if err != nil {
		return nil, err
	}
	// Only the pool's members inside the call-up's unit, should the pool's
	// unit have moved out of it since: what a call-up holds stays inside.
	if whole, err := wholeForce(ctx, tx, c.UnitID); err != nil {
		return nil, err
	} else if !whole {
		cond.inSubtree("m.unit_id", c.UnitID)
	}
	qualIDs := make([]int64, len(c.Requirements))
	for i, r := range c.Requirements {
		if qualIDs[i], err = qualificationID(ctx, tx, r.Qualification, "requirements"); err != nil {
			return nil, err
		}
	}
	w := cond.clone()
	w.add("EXISTS (SELECT 1 FROM member_qualifications mq WHERE mq.member_id = m.id AND mq.qualification_id IN ("+marks(len(short))+
		") AND mq.expires_on >= ?)", append(short, muster.DateOf(tx.now).String())...)
	w.add("NOT EXISTS (SELECT 1 FROM callup_members t WHERE t.callup_id = ? AND t.member_id = m.id)", c.ID)
	id, at := w.next(c.ID), w.next(formatTime(tx.now))
	held := tx.heldQualsSQL(w, qualIDs)
	res, err := tx.ExecContext(ctx, `INSERT INTO callup_members (callup_id, member_id, unit_id, wave, added_at, quals)
		SELECT CAST(`+id+` AS BIGINT), m.id, m.unit_id, 1, `+at+`, `+held+` FROM members m`+w.sql(), w.args...)
	if err != nil {
		return nil, fmt.Errorf("add the next pool: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, err
	}
	result["added"] = n
	if n == 0 {
		return result, nil
	}
	// The bump first: it locks the call-up's callup_changes row, which
	// every transaction takes before its callup_counts rows.
	if _, err := bumpCallUp(ctx, tx, c.ID); err != nil {
		return nil, err
	}
	if err := countNewMembers(ctx, tx, c.ID, formatTime(tx.now)); err != nil {
		return nil, err
	}
	tx.changed = append(tx.changed, c.ID) // members added: the streams look again
	if err := tx.queueNotices(ctx, c, 1); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE callups SET targeted = targeted + $1 WHERE id = $2`, n, c.ID); err != nil {
		return nil, fmt.Errorf("count the next pool: %w", err)
	}
	return result, nil
}
