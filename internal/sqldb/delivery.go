package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/answertoken"
)

var _ muster.DeliveryStore = (*DB)(nil)

// The deliveries table is the dispatcher's queue. A claimed row has status
// 'sending' and next_at set to the end of its lease, so one index
// (channel, status, next_at) finds both the due rows and the abandoned
// ones. Claims, marks and releases are system work: they need no actor and
// write no audit entries (the rows are their own history).

// ClaimDue takes up to limit due deliveries of the channel in one
// transaction: UPDATE … WHERE id IN (SELECT … LIMIT) RETURNING marks them
// sending until now+lease, then one SELECT reads what a channel needs.
// On PostgreSQL the inner SELECT locks FOR UPDATE SKIP LOCKED, so
// dispatchers in several processes take disjoint rows without waiting for
// each other; on SQLite the single writer connection serialises claims.
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
		// One UPDATE per status, each an ordered range of the index
		// (channel, status, next_at): abandoned claims first, then the
		// queue in order of time. One UPDATE over all three statuses would
		// have to sort every due row to order them (~100 ms per claim at
		// 300,000 rows on PostgreSQL, against ~5 ms).
		var ids []any
		// Then unknown deliveries whose receipt window ended
		// (delivery_unknown.go); next_at '' keeps one for good.
		for _, status := range []muster.DeliveryStatus{muster.DeliverySending, muster.DeliveryPending, muster.DeliveryDrill, muster.DeliveryUnknown} {
			if len(ids) == limit {
				break
			}
			rows, err := tx.QueryContext(ctx, `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, next_at = $1, updated_at = $2
				WHERE id IN (SELECT id FROM deliveries WHERE channel = $3 AND status = $4 AND next_at <= $2 AND next_at <> ''
					ORDER BY next_at LIMIT $5`+db.dialect.pick("", " FOR UPDATE SKIP LOCKED")+`)
				RETURNING id`, formatTime(now.Add(lease)), formatTime(now), string(ch), string(status), limit-len(ids))
			if err != nil {
				return fmt.Errorf("claim %s deliveries: %w", ch, err)
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("claim %s deliveries: %w", ch, err)
			}
		}
		if len(ids) < limit {
			held, err := db.claimHeld(ctx, tx, ch, now, lease, limit-len(ids))
			if err != nil {
				return err
			}
			ids = append(ids, held...)
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

// readDeliveries reads the claimed deliveries with their member and
// call-up (none for the armory's, armory_delivery.go), in id order.
func readDeliveries(ctx context.Context, tx *sql.Tx, key []byte, ids []any) ([]muster.Delivery, error) {
	var w where
	w.add("d.id IN ("+marks(len(ids))+")", ids...)
	// A call-up's delivery, or an expiry reminder's or the armory's
	// (callup_id 0; the armory's text is in body).
	rows, err := tx.QueryContext(ctx, `SELECT d.id, d.callup_id, d.member_id, d.channel, d.purpose, d.address, d.attempts, d.body,
		m.service_number, m.family_name, m.given_name, COALESCE(c.title, q.name, ''), COALESCE(c.kind, ''), COALESCE(c.message, ''),
		COALESCE(c.assembly_point, ''), COALESCE(c.report_by, ''), COALESCE(c.drill, 0), COALESCE(q.code, ''), COALESCE(r.expires_on, '')
		FROM deliveries d JOIN members m ON m.id = d.member_id LEFT JOIN callups c ON c.id = d.callup_id
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
			&d.Qualification, &expires); err != nil {
			return nil, err
		}
		d.Name, d.ReportBy, d.Drill = family+" "+given, parseTime(reportBy), drill != 0
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
	return out, rows.Err()
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
