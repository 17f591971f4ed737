package sqldb

import (
	"context"
	"fmt"
	"time"

	"github.com/muster-force/muster"
)

var _ muster.UnavailabilityService = (*DB)(nil)

// memberInScope returns the member's id, checking the actor's permission
// and that the member's unit lies in the actor's subtree.
func memberInScope(ctx context.Context, q querier, a *muster.Actor, p muster.Permission, serviceNumber string) (int64, error) {
	if err := require(a, p); err != nil {
		return 0, err
	}
	var id, unitID int64
	err := q.QueryRowContext(ctx, `SELECT id, unit_id FROM members WHERE service_number = $1`, serviceNumber).Scan(&id, &unitID)
	if err != nil {
		return 0, notFound(err, "Member %s does not exist.", serviceNumber)
	}
	if err := checkScope(ctx, q, a, unitID, "Member "+serviceNumber); err != nil {
		return 0, err
	}
	return id, nil
}

// MemberUnavailability returns the member's periods, latest first.
func (db *DB) MemberUnavailability(ctx context.Context, serviceNumber string) ([]*muster.Unavailability, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	memberID, err := memberInScope(ctx, db.read, a, muster.PermReadRoster, serviceNumber)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, starts_at, ends_at, reason, created_by, created_at
		FROM member_unavailability WHERE member_id = $1 ORDER BY starts_at DESC, id DESC`, memberID)
	if err != nil {
		return nil, fmt.Errorf("unavailability of %s: %w", serviceNumber, err)
	}
	defer rows.Close()
	out := []*muster.Unavailability{}
	for rows.Next() {
		u := &muster.Unavailability{ServiceNumber: serviceNumber}
		var from, to, created string
		if err := rows.Scan(&u.ID, &from, &to, &u.Reason, &u.CreatedBy, &created); err != nil {
			return nil, err
		}
		u.From, u.To, u.CreatedAt = parseTime(from), parseTime(to), parseTime(created)
		out = append(out, u)
	}
	return out, rows.Err()
}

// AddUnavailability records a period in which the member cannot be called.
func (db *DB) AddUnavailability(ctx context.Context, u *muster.Unavailability) error {
	if err := u.Validate(); err != nil {
		return err
	}
	u.From, u.To = u.From.UTC().Truncate(time.Microsecond), u.To.UTC().Truncate(time.Microsecond)
	return db.writeTx(ctx, func(tx *Tx) error {
		memberID, err := memberInScope(ctx, tx, tx.actor, muster.PermWriteRoster, u.ServiceNumber)
		if err != nil {
			return err
		}
		u.CreatedBy, u.CreatedAt = tx.actor.Label(), tx.now
		err = tx.QueryRowContext(ctx, `INSERT INTO member_unavailability (member_id, starts_at, ends_at, reason, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			memberID, formatTime(u.From), formatTime(u.To), u.Reason, u.CreatedBy, formatTime(u.CreatedAt)).Scan(&u.ID)
		if err != nil {
			return fmt.Errorf("insert unavailability: %w", err)
		}
		return tx.audit(ctx, "member.unavailability.add", "member", u.ServiceNumber, nil, u)
	})
}

// DeleteUnavailability removes one of the member's periods.
func (db *DB) DeleteUnavailability(ctx context.Context, serviceNumber string, id int64) error {
	return db.writeTx(ctx, func(tx *Tx) error {
		memberID, err := memberInScope(ctx, tx, tx.actor, muster.PermWriteRoster, serviceNumber)
		if err != nil {
			return err
		}
		u := &muster.Unavailability{ID: id, ServiceNumber: serviceNumber}
		var from, to, created string
		err = tx.QueryRowContext(ctx, `SELECT starts_at, ends_at, reason, created_by, created_at FROM member_unavailability
			WHERE id = $1 AND member_id = $2`, id, memberID).Scan(&from, &to, &u.Reason, &u.CreatedBy, &created)
		if err != nil {
			return notFound(err, "Member %s has no unavailability %d.", serviceNumber, id)
		}
		u.From, u.To, u.CreatedAt = parseTime(from), parseTime(to), parseTime(created)
		if _, err := tx.ExecContext(ctx, `DELETE FROM member_unavailability WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete unavailability: %w", err)
		}
		return tx.audit(ctx, "member.unavailability.delete", "member", serviceNumber, u, nil)
	})
}
