package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

// CreateLodgingSite adds a site where the exercise's participants sleep.
func (db *DB) CreateLodgingSite(ctx context.Context, id int64, s *muster.LodgingSite) error {
	if err := s.Validate(); err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		if _, err := exerciseIn(ctx, tx, tx.actor, muster.PermCallUp, id); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO exercise_sites (exercise_id, name, capacity, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, id, s.Name, s.Capacity, tx.actor.Label(), formatTime(tx.now)).Scan(&s.ID)
		if isUniqueViolation(err) {
			return fieldError(muster.ECONFLICT, "name", "exercise %d already has a site named %q", id, s.Name)
		} else if err != nil {
			return fmt.Errorf("insert site: %w", err)
		}
		s.Occupied = 0
		return tx.audit(ctx, "exercise.site.create", "exercise", strconv.FormatInt(id, 10), nil, s)
	})
}

// LodgingSites returns the exercise's sites by name, with their occupancy.
func (db *DB) LodgingSites(ctx context.Context, id int64) ([]*muster.LodgingSite, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := exerciseIn(ctx, db.read, a, muster.PermReadRoster, id); err != nil {
		return nil, err
	}
	return lodgingSites(ctx, db.read, id)
}

func lodgingSites(ctx context.Context, q querier, id int64) ([]*muster.LodgingSite, error) {
	rows, err := q.QueryContext(ctx, `SELECT s.id, s.name, s.capacity,
		(SELECT count(*) FROM exercise_participants p WHERE p.exercise_id = s.exercise_id AND p.site_id = s.id)
		FROM exercise_sites s WHERE s.exercise_id = $1 ORDER BY s.name, s.id`, id)
	if err != nil {
		return nil, fmt.Errorf("sites of exercise %d: %w", id, err)
	}
	defer rows.Close()
	out := []*muster.LodgingSite{}
	for rows.Next() {
		var s muster.LodgingSite
		if err := rows.Scan(&s.ID, &s.Name, &s.Capacity, &s.Occupied); err != nil {
			return nil, err
		}
		out = append(out, &s)
	}
	return out, rows.Err()
}

// lockSite reads a site of the exercise for a write that depends on its
// occupancy. The no-op update takes the row's lock on PostgreSQL, so that
// two concurrent assignments cannot both fill the last beds; SQLite's
// writes are serial already.
func lockSite(ctx context.Context, tx *Tx, id, siteID int64) (*muster.LodgingSite, error) {
	if _, err := tx.ExecContext(ctx, `UPDATE exercise_sites SET capacity = capacity WHERE id = $1 AND exercise_id = $2`, siteID, id); err != nil {
		return nil, fmt.Errorf("lock site: %w", err)
	}
	s := &muster.LodgingSite{ID: siteID}
	err := tx.QueryRowContext(ctx, `SELECT s.name, s.capacity,
		(SELECT count(*) FROM exercise_participants p WHERE p.exercise_id = s.exercise_id AND p.site_id = s.id)
		FROM exercise_sites s WHERE s.id = $1 AND s.exercise_id = $2`, siteID, id).Scan(&s.Name, &s.Capacity, &s.Occupied)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fieldError(muster.ENOTFOUND, "site", "exercise %d has no lodging site %d", id, siteID)
	}
	return s, err
}

// AssignLodging moves participants to a site (or to none), all or none:
// every service number that is not a participant's, or is of a departed
// one, is reported (a unit's departed participants are left out), and a move
// that would put more participants in the site than it has beds is refused
// (ECONFLICT naming the site and its capacity).
func (db *DB) AssignLodging(ctx context.Context, id int64, in muster.LodgingInput) (int, error) {
	if err := in.Validate(); err != nil {
		return 0, err
	}
	var moved int
	err := db.writeTx(ctx, func(tx *Tx) error {
		if _, err := exerciseIn(ctx, tx, tx.actor, muster.PermCheckIn, id); err != nil {
			return err
		}
		var site *muster.LodgingSite
		if in.Site != 0 {
			var err error
			if site, err = lockSite(ctx, tx, id, in.Site); err != nil {
				return err
			}
		}
		list, err := tx.lodgingParticipants(ctx, id, in)
		if err != nil {
			return err
		}
		var ids []any
		var numbers []string
		var details []muster.ErrorDetail
		for _, r := range list {
			if r.siteID == in.Site {
				continue
			}
			if r.departedAt != "" && in.Site != 0 {
				if in.Unit != "" {
					continue // a unit's bed is for those still here
				}
				details = append(details, muster.ErrorDetail{Field: "service_numbers", Message: fmt.Sprintf("%s departed at %s and needs no bed", r.ServiceNumber, tx.db.clock(parseTime(r.departedAt)))})
				continue
			}
			ids, numbers = append(ids, r.memberID), append(numbers, r.ServiceNumber)
		}
		if len(details) > 0 {
			return bulkError("No one was assigned", details)
		}
		if site != nil && site.Occupied+len(ids) > site.Capacity {
			return fieldError(muster.ECONFLICT, "site", "%s has %d beds, %d taken: %d more do not fit; no one was assigned",
				site.Name, site.Capacity, site.Occupied, len(ids))
		}
		var target any
		if site != nil {
			target = site.ID
		}
		for chunk := range slices.Chunk(ids, 500) {
			var w where
			w.add("exercise_id = ?", id)
			w.add("member_id IN ("+marks(len(chunk))+")", chunk...)
			if _, err := tx.ExecContext(ctx, `UPDATE exercise_participants SET site_id = `+w.next(target)+w.sql(), w.args...); err != nil {
				return fmt.Errorf("assign lodging: %w", err)
			}
		}
		moved = len(ids)
		if moved == 0 {
			return nil
		}
		return tx.audit(ctx, "exercise.lodging.assign", "exercise", strconv.FormatInt(id, 10), nil,
			map[string]any{"site": in.Site, "service_numbers": numbers})
	})
	return moved, err
}

// lodgingParticipants returns the participants an assignment names: those
// of the unit's subtree, or those with the service numbers (every one that
// does not take part reported, EUNPROCESSABLE).
func (tx *Tx) lodgingParticipants(ctx context.Context, id int64, in muster.LodgingInput) ([]*receptionRow, error) {
	var w where
	w.add("p.exercise_id = ?", id)
	if in.Unit != "" {
		u, err := findUnit(ctx, tx, in.Unit)
		if muster.ErrorCode(err) == muster.ENOTFOUND {
			return nil, fieldError(muster.EINVALID, "unit", "unit %s does not exist", in.Unit)
		} else if err != nil {
			return nil, err
		}
		if err := checkScope(ctx, tx, tx.actor, u.ID, "Unit "+u.Code); err != nil {
			return nil, err
		}
		w.inSubtree("p.unit_id", u.ID)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+receptionColumns+w.sql()+` ORDER BY m.service_number`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("lodging participants: %w", err)
	}
	defer rows.Close()
	byNumber := map[string]*receptionRow{}
	var all []*receptionRow
	for rows.Next() {
		r, err := scanReceptionRow(rows)
		if err != nil {
			return nil, err
		}
		byNumber[r.ServiceNumber] = r
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if in.Unit != "" {
		if len(all) == 0 {
			return nil, fieldError(muster.EUNPROCESSABLE, "unit", "no participant of exercise %d belongs to %s", id, in.Unit)
		}
		return all, nil
	}
	var out []*receptionRow
	var details []muster.ErrorDetail
	seen := map[string]bool{}
	for i, sn := range in.ServiceNumbers {
		sn = strings.TrimSpace(sn)
		r, ok := byNumber[sn]
		switch {
		case !ok:
			details = append(details, muster.ErrorDetail{Field: fmt.Sprintf("service_numbers[%d]", i), Message: fmt.Sprintf("%s does not take part in exercise %d", sn, id)})
		case !seen[sn]:
			seen[sn] = true
			out = append(out, r)
		}
	}
	if len(details) > 0 {
		return nil, bulkError("No one was assigned", details)
	}
	return out, nil
}
