package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/muster-force/muster"
)

// Meals counts, for every day of the exercise, the participants expected
// (see muster.MealDay) and adds the day's extra portions.
func (db *DB) Meals(ctx context.Context, id int64) ([]*muster.MealDay, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	e, err := exerciseIn(ctx, db.read, a, muster.PermReadRoster, id)
	if err != nil {
		return nil, err
	}
	tx, err := db.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	days := make([]*muster.MealDay, e.Days())
	index := map[string]int{}
	for i := range days {
		days[i] = &muster.MealDay{Date: e.Start.AddDays(i)}
		index[days[i].Date.String()] = i
	}
	// marked[member][day] is the participant's attendance mark of the day:
	// 0 none, 1 present, 2 absent.
	marked := map[int64][]int8{}
	rows, err := tx.QueryContext(ctx, `SELECT member_id, day, present FROM exercise_attendance WHERE exercise_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("attendance for meals: %w", err)
	}
	for rows.Next() {
		var member int64
		var day string
		var present int
		if err := rows.Scan(&member, &day, &present); err != nil {
			rows.Close()
			return nil, err
		}
		if i, ok := index[day]; ok {
			if marked[member] == nil {
				marked[member] = make([]int8, len(days))
			}
			marked[member][i] = int8(2 - present)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT p.member_id, p.arrived_at, p.departed_at, COALESCE(cm.answer, '')
		FROM exercise_participants p LEFT JOIN callup_members cm ON cm.callup_id = p.callup_id AND cm.member_id = p.member_id
		WHERE p.exercise_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("participants for meals: %w", err)
	}
	for rows.Next() {
		var member int64
		var arrived, departed, answer string
		if err := rows.Scan(&member, &arrived, &departed, &answer); err != nil {
			rows.Close()
			return nil, err
		}
		from, to := 0, len(days)-1 // the days expected without a mark
		switch {
		case arrived != "":
			from = dayIndex(e, arrived, 0, len(days))
			if departed != "" {
				to = dayIndex(e, departed, -1, len(days)-1)
			}
		case answer == string(muster.AnswerNo):
			from = len(days)
		}
		marks := marked[member]
		for i, d := range days {
			present := i >= from && i <= to
			if marks != nil && marks[i] != 0 {
				present = marks[i] == 1
			}
			if present {
				d.Expected++
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT day, breakfast, lunch, dinner, note FROM exercise_meals WHERE exercise_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("meal adjustments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var day, note string
		var extra muster.Meals
		if err := rows.Scan(&day, &extra.Breakfast, &extra.Lunch, &extra.Dinner, &note); err != nil {
			return nil, err
		}
		if i, ok := index[day]; ok {
			days[i].Extra, days[i].Note = extra, note
		}
	}
	for _, d := range days {
		d.Breakfast, d.Lunch, d.Dinner = d.Expected+d.Extra.Breakfast, d.Expected+d.Extra.Lunch, d.Expected+d.Extra.Dinner
	}
	return days, rows.Err()
}

// dayIndex returns the index in the exercise of the day (UTC) of the
// stored time t, or early for a day before the exercise and late for one
// after it.
func dayIndex(e *muster.Exercise, t string, early, late int) int {
	d := muster.DateOf(parseTime(t))
	switch {
	case d.Before(e.Start):
		return early
	case d.After(e.End):
		return late
	}
	return int(d.Time().Sub(e.Start.Time()).Hours() / 24)
}

// AdjustMeals sets a day's extra portions; all zero and no note removes
// them. The change is audited with the adjustment before and after.
func (db *DB) AdjustMeals(ctx context.Context, id int64, adj muster.MealAdjustment) error {
	if err := adj.Validate(); err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		e, err := exerciseIn(ctx, tx, tx.actor, muster.PermCallUp, id)
		if err != nil {
			return err
		}
		if !e.Contains(adj.Date) {
			return fieldError(muster.EINVALID, "date", "%s is not a day of exercise %d (%s – %s)", adj.Date, id, e.Start, e.End)
		}
		day := adj.Date.String()
		var before *muster.MealAdjustment
		var old muster.MealAdjustment
		err = tx.QueryRowContext(ctx, `SELECT breakfast, lunch, dinner, note FROM exercise_meals WHERE exercise_id = $1 AND day = $2`, id, day).
			Scan(&old.Breakfast, &old.Lunch, &old.Dinner, &old.Note)
		if err == nil {
			old.Date, before = adj.Date, &old
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		after := &adj
		if adj.Meals == (muster.Meals{}) && adj.Note == "" {
			after = nil
			_, err = tx.ExecContext(ctx, `DELETE FROM exercise_meals WHERE exercise_id = $1 AND day = $2`, id, day)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO exercise_meals (exercise_id, day, breakfast, lunch, dinner, note, changed_by, changed_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (exercise_id, day) DO UPDATE SET breakfast = excluded.breakfast,
				lunch = excluded.lunch, dinner = excluded.dinner, note = excluded.note, changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
				id, day, adj.Breakfast, adj.Lunch, adj.Dinner, adj.Note, tx.actor.Label(), formatTime(tx.now))
		}
		if err != nil {
			return fmt.Errorf("adjust meals: %w", err)
		}
		if before == nil && after == nil {
			return nil
		}
		return tx.audit(ctx, "exercise.meals.adjust", "exercise", strconv.FormatInt(id, 10)+"/"+day, before, after)
	})
}
