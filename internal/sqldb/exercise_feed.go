package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/secret"
)

// feedPrefix starts every calendar feed secret.
const feedPrefix = "msc_"

// feedHistoryDays is how far back a feed reaches: exercises that ended
// longer ago are left out.
const feedHistoryDays = 366

const feedColumns = `f.id, COALESCE(u.code, ''), COALESCE(m.service_number, ''), COALESCE(f.unit_id, m.unit_id),
	f.unit_id IS NULL, f.created_by, f.created_at, f.revoked_at
	FROM calendar_feeds f LEFT JOIN units u ON u.id = f.unit_id LEFT JOIN members m ON m.id = f.member_id`

func scanFeed(row interface{ Scan(...any) error }) (f *muster.CalendarFeed, unitID int64, memberFeed bool, err error) {
	f = &muster.CalendarFeed{}
	var created, revoked string
	if err := row.Scan(&f.ID, &f.Unit, &f.ServiceNumber, &unitID, &memberFeed, &f.CreatedBy, &created, &revoked); err != nil {
		return nil, 0, false, err
	}
	f.CreatedAt, f.Revoked = parseTime(created), revoked != ""
	return f, unitID, memberFeed, nil
}

// CreateCalendarFeed creates a feed of a unit's subtree or of one member,
// either in the actor's subtree, and returns its secret, which is stored
// only as its SHA-256 and appears in no audit entry.
func (db *DB) CreateCalendarFeed(ctx context.Context, f *muster.CalendarFeed) (string, error) {
	f.Unit, f.ServiceNumber = strings.TrimSpace(f.Unit), strings.TrimSpace(f.ServiceNumber)
	if (f.Unit == "") == (f.ServiceNumber == "") {
		return "", muster.Errorf(muster.EINVALID, "A calendar feed is of a unit or of a member: give unit or service_number.")
	}
	sec := secret.NewToken(feedPrefix)
	err := db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermReadRoster); err != nil {
			return err
		}
		var unitID, memberID sql.NullInt64
		if f.Unit != "" {
			u, err := findUnit(ctx, tx, f.Unit)
			if err != nil {
				return err
			}
			if err := checkScope(ctx, tx, tx.actor, u.ID, "Unit "+u.Code); err != nil {
				return err
			}
			unitID, f.Unit = nullID(u.ID), u.Code
		} else {
			m, err := scanMember(tx.QueryRowContext(ctx, `SELECT `+memberColumns+` WHERE m.service_number = $1`, f.ServiceNumber))
			if err != nil {
				return notFound(err, "Member %s does not exist.", f.ServiceNumber)
			}
			if err := checkScope(ctx, tx, tx.actor, m.UnitID, "Member "+m.ServiceNumber); err != nil {
				return err
			}
			memberID = nullID(m.ID)
		}
		f.CreatedBy, f.CreatedAt, f.Revoked = tx.actor.Label(), tx.now, false
		err := tx.QueryRowContext(ctx, `INSERT INTO calendar_feeds (secret_hash, unit_id, member_id, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			secret.HashToken(sec), unitID, memberID, f.CreatedBy, formatTime(tx.now)).Scan(&f.ID)
		if err != nil {
			return fmt.Errorf("insert calendar feed: %w", err)
		}
		return tx.audit(ctx, "calendar_feed.create", "calendar_feed", strconv.FormatInt(f.ID, 10), nil, f)
	})
	if err != nil {
		return "", err
	}
	return sec, nil
}

// FindCalendarFeeds returns the feeds of units and members in the actor's
// subtree, in order of creation.
func (db *DB) FindCalendarFeeds(ctx context.Context) ([]*muster.CalendarFeed, error) {
	a, err := actorAllowed(ctx, muster.PermReadRoster)
	if err != nil {
		return nil, err
	}
	var w where
	w.inScope("COALESCE(f.unit_id, m.unit_id)", a)
	rows, err := db.read.QueryContext(ctx, `SELECT `+feedColumns+w.sql()+` ORDER BY f.id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("find calendar feeds: %w", err)
	}
	defer rows.Close()
	out := []*muster.CalendarFeed{}
	for rows.Next() {
		f, _, _, err := scanFeed(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// RevokeCalendarFeed revokes a feed of the actor's subtree, for the
// feed's creator or an actor who runs call-ups (callups.write) over its
// unit; its address answers 401 from then on. Revoking it again changes
// nothing.
func (db *DB) RevokeCalendarFeed(ctx context.Context, id int64) error {
	return db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermReadRoster); err != nil {
			return err
		}
		before, unitID, _, err := scanFeed(tx.QueryRowContext(ctx, `SELECT `+feedColumns+` WHERE f.id = $1`, id))
		if err != nil {
			return notFound(err, "Calendar feed %d does not exist.", id)
		}
		if err := checkScope(ctx, tx, tx.actor, unitID, "Calendar feed "+strconv.FormatInt(id, 10)); err != nil {
			return err
		}
		if before.CreatedBy != tx.actor.Label() && !tx.actor.Role.Can(muster.PermCallUp) {
			return muster.Errorf(muster.EFORBIDDEN, "Only its creator or staff who run call-ups over its unit may revoke calendar feed %d.", id)
		}
		if before.Revoked {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE calendar_feeds SET revoked_at = $1 WHERE id = $2`, formatTime(tx.now), id); err != nil {
			return fmt.Errorf("revoke calendar feed %d: %w", id, err)
		}
		after := *before
		after.Revoked = true
		return tx.audit(ctx, "calendar_feed.revoke", "calendar_feed", strconv.FormatInt(id, 10), before, after)
	})
}

// CalendarFeed returns the feed with the secret and its exercises that
// ended at most a year ago: those of the unit's subtree, or those the
// member takes part in. The secret is the authority; no actor is needed.
func (db *DB) CalendarFeed(ctx context.Context, sec string) (*muster.CalendarFeed, []*muster.Exercise, error) {
	bad := muster.Errorf(muster.EUNAUTHORIZED, "Unknown or revoked calendar feed.")
	if !strings.HasPrefix(sec, feedPrefix) {
		return nil, nil, bad
	}
	f, unitID, memberFeed, err := scanFeed(db.read.QueryRowContext(ctx, `SELECT `+feedColumns+` WHERE f.secret_hash = $1`, secret.HashToken(sec)))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && f.Revoked) {
		return nil, nil, bad
	} else if err != nil {
		return nil, nil, fmt.Errorf("calendar feed: %w", err)
	}
	var w where
	if memberFeed {
		w.add("e.id IN (SELECT p.exercise_id FROM exercise_participants p JOIN members pm ON pm.id = p.member_id WHERE pm.service_number = ?)", f.ServiceNumber)
	} else {
		w.inSubtree("e.unit_id", unitID)
	}
	w.add("e.end_on >= ?", db.today().AddDays(-feedHistoryDays).String())
	rows, err := db.read.QueryContext(ctx, `SELECT `+exerciseColumns+w.sql()+` ORDER BY e.start_on, e.id`, w.args...)
	if err != nil {
		return nil, nil, fmt.Errorf("calendar feed exercises: %w", err)
	}
	defer rows.Close()
	list := []*muster.Exercise{}
	for rows.Next() {
		e, err := scanExercise(rows)
		if err != nil {
			return nil, nil, err
		}
		list = append(list, e)
	}
	return f, list, rows.Err()
}
