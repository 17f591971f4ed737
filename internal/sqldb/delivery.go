package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/answertoken"
)

var _ muster.DeliveryStore = (*DB)(nil)

// readDeliveries reads the claimed deliveries with their member and
// call-up (none for the armory's, armory_delivery.go), in the order of
// ids: the claim's, most urgent first.
func readDeliveries(ctx context.Context, tx *sql.Tx, key []byte, ids []any) ([]muster.Delivery, error) {
	var w where
	w.add("d.id IN ("+marks(len(ids))+")", ids...)
	// A call-up's delivery, or an expiry reminder's or the armory's
	// (callup_id 0; the armory's text is in body), or a staff user's
	// (member_id 0, staff_delivery.go).
	rows, err := tx.QueryContext(ctx, `SELECT d.id, d.callup_id, d.member_id, d.channel, d.purpose, d.address, d.attempts, d.body,
		COALESCE(m.service_number, ''), COALESCE(m.family_name, su.name, ''), COALESCE(m.given_name, ''),
		COALESCE(c.title, q.name, ''), COALESCE(c.kind, ''), COALESCE(c.message, ''),
		COALESCE(c.assembly_point, ''), COALESCE(c.report_by, ''), COALESCE(c.drill, 0), COALESCE(q.code, ''), COALESCE(r.expires_on, ''),
		d.user_id, d.link
		FROM deliveries d LEFT JOIN members m ON m.id = d.member_id LEFT JOIN users su ON su.id = d.user_id AND d.user_id <> 0
		LEFT JOIN callups c ON c.id = d.callup_id
		LEFT JOIN expiry_reminders r ON r.id = d.reminder_id AND d.reminder_id <> 0 LEFT JOIN qualifications q ON q.id = r.qualification_id`+w.sql()+` ORDER BY d.id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("read claimed deliveries: %w", err)
	}
	defer rows.Close()
	out := make([]muster.Delivery, 0, len(ids))
	for rows.Next() {
		var d muster.Delivery
		var family, given, reportBy, expires string
		var drill int
		if err := rows.Scan(&d.ID, &d.CallUpID, &d.MemberID, &d.Channel, &d.Purpose, &d.Address, &d.Attempts, &d.Text,
			&d.ServiceNumber, &family, &given, &d.Title, &d.Kind, &d.Message, &d.AssemblyPoint, &reportBy, &drill,
			&d.Qualification, &expires, &d.UserID, &d.Page); err != nil {
			return nil, err
		}
		d.Name, d.ReportBy, d.Drill = strings.TrimSpace(family+" "+given), parseTime(reportBy), drill != 0
		if d.Purpose.Staff() {
			staffDelivery(&d)
		}
		if !d.Purpose.Answerable() {
			d.ExpiresOn, _ = muster.ParseDate(expires)
			out = append(out, d) // no call-up to answer: no token
			continue
		}
		// "" when an id is beyond what a token can carry; the dispatcher
		// fails such a delivery rather than send a notice without a link.
		d.Token = answertoken.Sign(key, d.CallUpID, d.MemberID)
		if d.Purpose.Armory() {
			armoryDelivery(&d, key)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id.(int64)] = i
	}
	slices.SortFunc(out, func(a, b muster.Delivery) int { return at[a.ID] - at[b.ID] })
	return out, nil
}

// MarkSent records the provider's acceptance of a claimed delivery.
func (db *DB) MarkSent(ctx context.Context, id int64, providerID string) error {
	return db.reachTx(ctx, func(tx *sql.Tx, reach func(callupID, memberID int64) error) error {
		var callupID, memberID int64
		var ch muster.Channel
		err := tx.QueryRowContext(ctx, `UPDATE deliveries SET status = 'sent', provider_id = $1, last_error = '', updated_at = $2
			WHERE id = $3 AND status = 'sending' RETURNING callup_id, member_id, channel`,
			providerID, formatTime(db.now()), id).Scan(&callupID, &memberID, &ch)
		if err != nil {
			return db.notClaimed(ctx, tx, err, id)
		}
		if !ch.DeliveredOnSend() {
			return nil
		}
		return reach(callupID, memberID)
	})
}

// MarkDrill records a drill's claimed delivery as done without sending.
func (db *DB) MarkDrill(ctx context.Context, id int64) error {
	return db.reachTx(ctx, func(tx *sql.Tx, reach func(callupID, memberID int64) error) error {
		var callupID, memberID int64
		err := tx.QueryRowContext(ctx, `UPDATE deliveries SET status = 'drill-sent', updated_at = $1
			WHERE id = $2 AND status = 'sending' RETURNING callup_id, member_id`,
			formatTime(db.now()), id).Scan(&callupID, &memberID)
		if err != nil {
			return db.notClaimed(ctx, tx, err, id)
		}
		return reach(callupID, memberID)
	})
}

// MarkDelivered applies a delivery receipt. A receipt can overtake
// MarkSent (the gateway answers, reports delivery, and only then does the
// dispatcher commit): it then gets ENOTFOUND, and a receipt webhook should
// answer so that the gateway retries.
func (db *DB) MarkDelivered(ctx context.Context, ch muster.Channel, providerID string) error {
	if providerID == "" {
		return muster.Errorf(muster.EINVALID, "receipt: no provider id")
	}
	return db.reachTx(ctx, func(tx *sql.Tx, reach func(callupID, memberID int64) error) error {
		var callupID, memberID int64
		err := tx.QueryRowContext(ctx, `UPDATE deliveries SET status = 'delivered', updated_at = $1
			WHERE channel = $2 AND provider_id = $3 AND status = 'sent' RETURNING callup_id, member_id`,
			formatTime(db.now()), string(ch), providerID).Scan(&callupID, &memberID)
		if errors.Is(err, sql.ErrNoRows) {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM deliveries WHERE channel = $1 AND provider_id = $2 AND status = 'delivered'`,
				string(ch), providerID).Scan(&n); err != nil {
				return fmt.Errorf("receipt: %w", err)
			}
			if n > 0 {
				return nil // a repeated receipt
			}
			return muster.Errorf(muster.ENOTFOUND, "No sent %s delivery has the provider id %q.", ch, providerID)
		} else if err != nil {
			return fmt.Errorf("receipt: %w", err)
		}
		return reach(callupID, memberID)
	})
}

// MarkFailed records a failed attempt of a claimed delivery.
func (db *DB) MarkFailed(ctx context.Context, id int64, cause error, retryAt time.Time) error {
	msg := "unknown error"
	if cause != nil {
		msg = cause.Error()
	}
	if len(msg) > 500 {
		msg = msg[:500]
	}
	now := db.now()
	status, next := "pending", retryAt
	if retryAt.IsZero() {
		status, next = "failed", now
	}
	return db.systemTx(ctx, func(tx *sql.Tx) error {
		var callupID, memberID int64
		var purpose string
		err := tx.QueryRowContext(ctx, `UPDATE deliveries SET status = $1, next_at = $2, last_error = $3, updated_at = $4
			WHERE id = $5 AND status = 'sending' RETURNING callup_id, member_id, purpose`, status, formatTime(next), msg, formatTime(now), id).
			Scan(&callupID, &memberID, &purpose)
		if err != nil {
			return db.notClaimed(ctx, tx, err, id)
		}
		if status == "failed" && purpose == string(muster.PurposeNotice) {
			return fallBack(ctx, tx, callupID, memberID, now)
		}
		return nil
	})
}

// Release puts claimed deliveries back, due at once and their attempt
// uncounted: a drill's as drill, others as pending.
func (db *DB) Release(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	var w where
	now := w.next(formatTime(db.now()))
	w.add("id IN ("+marks(len(args))+")", args...)
	w.add("status = 'sending'")
	return db.systemTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE deliveries SET attempts = attempts - 1, next_at = `+now+`, updated_at = `+now+`,
			status = CASE WHEN EXISTS (SELECT 1 FROM callups c WHERE c.id = deliveries.callup_id AND c.drill <> 0) THEN 'drill' ELSE 'pending' END`+w.sql(), w.args...)
		if err != nil {
			return fmt.Errorf("release deliveries: %w", err)
		}
		return nil
	})
}

// reached counts the member as reached by the call-up, and returns the
// readiness moves to apply once committed (nil when it was reached
// before).
func reached(ctx context.Context, tx *sql.Tx, callupID, memberID int64) (*movedBatch, error) {
	res, err := tx.ExecContext(ctx, `UPDATE callup_members SET delivered = 1 WHERE callup_id = $1 AND member_id = $2 AND delivered = 0`,
		callupID, memberID)
	if err != nil {
		return nil, fmt.Errorf("count member %d reached: %w", memberID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return nil, err
	}
	b, err := bumpWithMoves(ctx, tx, callupID, nil, nil)
	return &movedBatch{callup: callupID, batch: b}, err
}

// reachTx is systemTx for a mark that may count a member reached: fn
// calls reach for them, and the readiness cache moves the member once the
// transaction commits, without a recount.
func (db *DB) reachTx(ctx context.Context, fn func(tx *sql.Tx, reach func(callupID, memberID int64) error) error) error {
	var moved []movedBatch
	err := db.systemTx(ctx, func(tx *sql.Tx) error {
		return fn(tx, func(callupID, memberID int64) error {
			m, err := reached(ctx, tx, callupID, memberID)
			if m != nil && err == nil {
				moved = append(moved, *m)
			}
			return err
		})
	})
	if err == nil {
		for _, m := range moved {
			db.readiness.apply(m.callup, m.batch)
		}
	}
	return err
}

// notClaimed turns a mark that changed no row into ENOTFOUND or ECONFLICT.
func (db *DB) notClaimed(ctx context.Context, tx *sql.Tx, err error, id int64) error {
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("mark delivery %d: %w", id, err)
	}
	var status string
	if err := tx.QueryRowContext(ctx, `SELECT status FROM deliveries WHERE id = $1`, id).Scan(&status); err != nil {
		return notFound(err, "Delivery %d does not exist.", id)
	}
	return muster.Errorf(muster.ECONFLICT, "Delivery %d is %s, not claimed: its lease ran out or it was marked already.", id, status)
}

// systemTx runs fn in a write transaction that acts for no one: the
// dispatcher's own bookkeeping.
func (db *DB) systemTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
