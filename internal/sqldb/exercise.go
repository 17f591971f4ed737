package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/muster-force/muster"
)

var _ muster.ExerciseService = (*DB)(nil)

const exerciseColumns = `e.id, e.title, u.code, e.unit_id, e.start_on, e.end_on, e.location, e.lead,
	e.objectives_json, e.partners_json, e.tracks_json, e.created_by, e.created_at, e.updated_at,
	(SELECT count(*) FROM exercise_participants p WHERE p.exercise_id = e.id)
	FROM exercises e JOIN units u ON u.id = e.unit_id`

func scanExercise(row interface{ Scan(...any) error }) (*muster.Exercise, error) {
	var e muster.Exercise
	var start, end, objectives, partners, tracks, created, updated string
	err := row.Scan(&e.ID, &e.Title, &e.Unit, &e.UnitID, &start, &end, &e.Location, &e.Lead,
		&objectives, &partners, &tracks, &e.CreatedBy, &created, &updated, &e.Participants)
	if err != nil {
		return nil, err
	}
	e.Start, _ = muster.ParseDate(start)
	e.End, _ = muster.ParseDate(end)
	e.CreatedAt, e.UpdatedAt = parseTime(created), parseTime(updated)
	for _, l := range []struct {
		text string
		list *[]string
	}{{objectives, &e.Objectives}, {partners, &e.Partners}, {tracks, &e.Tracks}} {
		if err := json.Unmarshal([]byte(l.text), l.list); err != nil {
			return nil, fmt.Errorf("exercise %d: %w", e.ID, err)
		}
	}
	return &e, nil
}

// findExercise reads an exercise without a scope check.
func findExercise(ctx context.Context, q querier, id int64) (*muster.Exercise, error) {
	e, err := scanExercise(q.QueryRowContext(ctx, `SELECT `+exerciseColumns+` WHERE e.id = $1`, id))
	if err != nil {
		return nil, notFound(err, "Exercise %d does not exist.", id)
	}
	return e, nil
}

// exerciseIn reads an exercise for an actor with the permission, checking
// its unit against the actor's subtree.
func exerciseIn(ctx context.Context, q querier, a *muster.Actor, p muster.Permission, id int64) (*muster.Exercise, error) {
	if err := require(a, p); err != nil {
		return nil, err
	}
	e, err := findExercise(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if err := checkScope(ctx, q, a, e.UnitID, "Exercise "+strconv.FormatInt(id, 10)); err != nil {
		return nil, err
	}
	return e, nil
}

// FindExercise returns the exercise, if its unit is in the actor's subtree.
func (db *DB) FindExercise(ctx context.Context, id int64) (*muster.Exercise, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	return exerciseIn(ctx, db.read, a, muster.PermReadRoster, id)
}

// FindExercises returns the exercises of the filter's unit subtree (within
// the actor's) that have a day in the filter's year, by start date.
func (db *DB) FindExercises(ctx context.Context, f muster.ExerciseFilter) ([]*muster.Exercise, error) {
	a, err := actorAllowed(ctx, muster.PermReadRoster)
	if err != nil {
		return nil, err
	}
	var w where
	if f.Unit != "" {
		u, err := findUnit(ctx, db.read, f.Unit)
		if err != nil {
			return nil, err
		}
		if err := checkScope(ctx, db.read, a, u.ID, "Unit "+u.Code); err != nil {
			return nil, err
		}
		w.inSubtree("e.unit_id", u.ID)
	} else {
		w.inScope("e.unit_id", a)
	}
	if f.Year != 0 {
		w.add("e.start_on <= ? AND e.end_on >= ?", fmt.Sprintf("%04d-12-31", f.Year), fmt.Sprintf("%04d-01-01", f.Year))
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+exerciseColumns+w.sql()+` ORDER BY e.start_on, e.id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("find exercises: %w", err)
	}
	defer rows.Close()
	out := []*muster.Exercise{}
	for rows.Next() {
		e, err := scanExercise(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CreateExercise plans an exercise of a unit in the actor's subtree.
func (db *DB) CreateExercise(ctx context.Context, e *muster.Exercise) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermCallUp); err != nil {
			return err
		}
		if err := tx.exerciseUnit(ctx, e); err != nil {
			return err
		}
		e.CreatedBy, e.CreatedAt, e.UpdatedAt, e.Participants = tx.actor.Label(), tx.now, tx.now, 0
		lists, err := exerciseLists(e)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO exercises (title, unit_id, start_on, end_on, location, lead,
			objectives_json, partners_json, tracks_json, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			e.Title, e.UnitID, e.Start.String(), e.End.String(), e.Location, e.Lead, lists[0], lists[1], lists[2],
			e.CreatedBy, formatTime(tx.now)).Scan(&e.ID)
		if err != nil {
			return fmt.Errorf("insert exercise: %w", err)
		}
		return tx.audit(ctx, "exercise.create", "exercise", strconv.FormatInt(e.ID, 10), nil, e)
	})
}

// exerciseUnit resolves e.Unit and checks it against the actor's subtree.
func (tx *Tx) exerciseUnit(ctx context.Context, e *muster.Exercise) error {
	u, err := findUnit(ctx, tx, e.Unit)
	if muster.ErrorCode(err) == muster.ENOTFOUND {
		return fieldError(muster.EINVALID, "unit", "unit %s does not exist", e.Unit)
	} else if err != nil {
		return err
	}
	if err := checkScope(ctx, tx, tx.actor, u.ID, "Unit "+u.Code); err != nil {
		return err
	}
	e.UnitID, e.Unit = u.ID, u.Code
	return nil
}

func exerciseLists(e *muster.Exercise) ([3]string, error) {
	var out [3]string
	for i, l := range [][]string{e.Objectives, e.Partners, e.Tracks} {
		if l == nil {
			l = []string{}
		}
		b, err := json.Marshal(l)
		if err != nil {
			return out, err
		}
		out[i] = string(b)
	}
	return out, nil
}

// UpdateExercise replaces an exercise's fields. New dates must still hold
// every day with attendance marked and must not make a participant's
// exercises overlap; a track still followed by a participant stays.
func (db *DB) UpdateExercise(ctx context.Context, e *muster.Exercise) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		before, err := exerciseIn(ctx, tx, tx.actor, muster.PermCallUp, e.ID)
		if err != nil {
			return err
		}
		if err := tx.exerciseUnit(ctx, e); err != nil {
			return err
		}
		var outside int
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM exercise_attendance WHERE exercise_id = $1 AND (day < $2 OR day > $3)`,
			e.ID, e.Start.String(), e.End.String()).Scan(&outside)
		if err != nil {
			return fmt.Errorf("attendance outside: %w", err)
		}
		if outside > 0 {
			return fieldError(muster.ECONFLICT, "start", "%d attendance marks lie outside %s – %s; correct them first", outside, e.Start, e.End)
		}
		if err := tx.checkOverlap(ctx, e, "SELECT member_id FROM exercise_participants WHERE exercise_id = ?", e.ID); err != nil {
			return err
		}
		var lost string
		for _, t := range before.Tracks {
			if !slices.Contains(e.Tracks, t) {
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM exercise_participants WHERE exercise_id = $1 AND track = $2`, e.ID, t).Scan(&n); err != nil {
					return err
				}
				if n > 0 {
					lost = t
				}
			}
		}
		if lost != "" {
			return fieldError(muster.ECONFLICT, "tracks", "participants follow the track %q; keep it", lost)
		}
		lists, err := exerciseLists(e)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE exercises SET title = $1, unit_id = $2, start_on = $3, end_on = $4, location = $5,
			lead = $6, objectives_json = $7, partners_json = $8, tracks_json = $9, updated_at = $10 WHERE id = $11`,
			e.Title, e.UnitID, e.Start.String(), e.End.String(), e.Location, e.Lead, lists[0], lists[1], lists[2], formatTime(tx.now), e.ID)
		if err != nil {
			return fmt.Errorf("update exercise %d: %w", e.ID, err)
		}
		e.CreatedBy, e.CreatedAt, e.UpdatedAt, e.Participants = before.CreatedBy, before.CreatedAt, tx.now, before.Participants
		return tx.audit(ctx, "exercise.update", "exercise", strconv.FormatInt(e.ID, 10), before, e)
	})
}

// DeleteExercise deletes an exercise and its participants, refusing one
// with attendance marked: that is a record to keep.
func (db *DB) DeleteExercise(ctx context.Context, id int64) error {
	return db.writeTx(ctx, func(tx *Tx) error {
		before, err := exerciseIn(ctx, tx, tx.actor, muster.PermCallUp, id)
		if err != nil {
			return err
		}
		var marks int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM exercise_attendance WHERE exercise_id = $1`, id).Scan(&marks); err != nil {
			return err
		}
		if marks > 0 {
			return muster.Errorf(muster.ECONFLICT, "Exercise %d has %d attendance marks; it cannot be deleted.", id, marks)
		}
		for _, q := range []string{`DELETE FROM exercise_kit_issues WHERE exercise_id = $1`, `DELETE FROM exercise_notes WHERE exercise_id = $1`,
			`DELETE FROM exercise_participants WHERE exercise_id = $1`, `DELETE FROM exercise_kit_items WHERE exercise_id = $1`,
			`DELETE FROM exercise_sites WHERE exercise_id = $1`, `DELETE FROM exercise_meals WHERE exercise_id = $1`,
			`DELETE FROM exercises WHERE id = $1`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return fmt.Errorf("delete exercise %d: %w", id, err)
			}
		}
		return tx.audit(ctx, "exercise.delete", "exercise", strconv.FormatInt(id, 10), before, nil)
	})
}
