package sqldb

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/muster-force/muster"
)

// The retry policy of an escalation timer whose action fails: the n-th
// failure (from 1) waits timerBackoffBase·2ⁿ⁻¹, at most timerBackoffCap,
// and the timerMaxAttempts-th failure gives the timer up. Thirty seconds
// doubling to ten minutes, eight attempts: about 40 minutes of retries,
// long enough to ride out a database restart or a renamed unit being
// fixed, short enough that a call-up's staff see the failure while it
// still matters.
const (
	timerBackoffBase = 30 * time.Second
	timerBackoffCap  = 10 * time.Minute
	timerMaxAttempts = 8
)

// timerBackoff returns the wait after the n-th failed attempt (n ≥ 1).
func timerBackoff(n int) time.Duration {
	d := timerBackoffBase
	for i := 1; i < n && d < timerBackoffCap; i++ {
		d *= 2
	}
	return min(d, timerBackoffCap)
}

// recordTimerFailure counts a failed attempt of the timer, in its own
// transaction after the attempt's was rolled back: it stores the error
// (in full for operators, and its user-safe message), and either sets
// when the timer is tried again or, at the last attempt, gives it up
// (done and failed) and says so in the audit log.
func (db *DB) recordTimerFailure(ctx context.Context, id int64, now time.Time, cause error) error {
	return db.writeTxAt(ctx, now, func(tx *Tx) error {
		var attempts int
		var callupID int64
		err := tx.QueryRowContext(ctx, `UPDATE escalation_timers SET attempts = attempts + 1, last_error = $1, error_message = $2
			WHERE id = $3 AND done_at = '' RETURNING attempts, callup_id`, cause.Error(), muster.ErrorMessage(cause), id).Scan(&attempts, &callupID)
		if err != nil {
			return fmt.Errorf("record the failure: %w", err)
		}
		at := formatTime(tx.now)
		if attempts < timerMaxAttempts {
			_, err := tx.ExecContext(ctx, `UPDATE escalation_timers SET retry_at = $1 WHERE id = $2`,
				formatTime(tx.now.Add(timerBackoff(attempts))), id)
			if err != nil {
				return fmt.Errorf("schedule the retry: %w", err)
			}
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE escalation_timers SET done_at = $1, failed_at = $1, retry_at = '' WHERE id = $2`, at, id); err != nil {
			return fmt.Errorf("give the timer up: %w", err)
		}
		return tx.audit(ctx, "callup.escalation_failed", "callup", strconv.FormatInt(callupID, 10), nil,
			map[string]any{"timer": id, "attempts": attempts, "error": muster.ErrorMessage(cause)})
	})
}

// escalationStatus returns the state of each of the call-up's timers,
// oldest due first.
func escalationStatus(ctx context.Context, q querier, callupID int64) ([]muster.EscalationTimer, error) {
	rows, err := q.QueryContext(ctx, `SELECT kind, due_at, done_at, failed_at, retry_at, attempts, error_message
		FROM escalation_timers WHERE callup_id = $1 ORDER BY due_at, id`, callupID)
	if err != nil {
		return nil, fmt.Errorf("escalation timers: %w", err)
	}
	defer rows.Close()
	list := []muster.EscalationTimer{}
	for rows.Next() {
		var t muster.EscalationTimer
		var due, done, failed, retry string
		if err := rows.Scan(&t.Kind, &due, &done, &failed, &retry, &t.Attempts, &t.Error); err != nil {
			return nil, err
		}
		t.DueAt = parseTime(due)
		switch {
		case failed != "":
			t.State = muster.TimerFailed
		case done != "":
			t.State = muster.TimerDone
		case t.Attempts > 0:
			t.State = muster.TimerRetrying
			r := parseTime(retry)
			t.RetryAt = &r
		default:
			t.State = muster.TimerPending
		}
		if done != "" {
			d := parseTime(done)
			t.DoneAt = &d
		}
		list = append(list, t)
	}
	return list, rows.Err()
}
