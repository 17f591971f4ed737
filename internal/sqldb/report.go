package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

var _ muster.ReportService = (*DB)(nil)

// participationCounts are one unit's own counts, then its subtree's once
// rolled up.
type participationCounts struct {
	exercises, members, participants, current, days int
	hours                                           float64
}

// Participation counts the exercises of the year run by the unit's
// subtree, its members, those who took part in any exercise of the year
// and their attendance: four GROUP BY queries by unit, none per unit
// (exercises; members for the strength; members again, driven by the
// year's participants; attendance), rolled up the tree in memory as
// UnitStrengths does.
func (db *DB) Participation(ctx context.Context, f muster.ParticipationFilter) (*muster.ParticipationReport, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	// FindUnits checks roster.read and the unit against the actor's subtree.
	units, err := db.FindUnits(ctx, muster.UnitFilter{Under: f.Unit})
	if err != nil {
		return nil, err
	}
	byUnit := make(map[int64]*participationCounts, len(units))
	for _, u := range units {
		byUnit[u.ID] = &participationCounts{}
	}
	// Members count wherever the exercise is run (a district's members at
	// the region's exercise), so that a unit's line is the same in every
	// report it appears in; the exercises are those the subtree runs.
	// One snapshot for the four counts. PostgreSQL plans each with its
	// values (force_custom_plan): the generic plan it switches to for a
	// statement run often (from the sixth time) was twice as slow here.
	tx, err := db.snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("participation: %w", err)
	}
	defer tx.Rollback()
	if db.dialect == postgres {
		if _, err := tx.ExecContext(ctx, `SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
			return nil, fmt.Errorf("participation: %w", err)
		}
	}
	root, from, to, discharged := units[0].ID, fmt.Sprintf("%04d-01-01", f.Year), fmt.Sprintf("%04d-12-31", f.Year), string(muster.StatusDischarged)
	const inSubtree = " IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = $1)"
	const inYear = "e.start_on <= $3 AND e.end_on >= $2"
	const notDischarged = "CASE WHEN m.status = $2 THEN 0 ELSE 1 END"
	err = eachCount(ctx, tx, byUnit, `SELECT e.unit_id, 0, count(*), 0 FROM exercises e WHERE e.unit_id`+inSubtree+` AND `+inYear+` GROUP BY e.unit_id`,
		[]any{root, from, to}, func(c *participationCounts, _ int, n int, _ float64) { c.exercises += n })
	if err != nil {
		return nil, fmt.Errorf("participation exercises: %w", err)
	}
	// Members by status over the (unit_id, status) index, as UnitStrengths
	// counts them; then participants, driven by the year's exercises.
	err = eachCount(ctx, tx, byUnit, `SELECT m.unit_id, `+notDischarged+`, count(*), 0 FROM members m
		WHERE m.unit_id`+inSubtree+` GROUP BY m.unit_id, m.status`,
		[]any{root, discharged}, func(c *participationCounts, current int, n int, _ float64) {
			c.members += current * n
		})
	if err != nil {
		return nil, fmt.Errorf("participation strength: %w", err)
	}
	err = eachCount(ctx, tx, byUnit, `SELECT m.unit_id, CASE WHEN m.status = $4 THEN 0 ELSE 1 END, count(*), 0 FROM members m
		WHERE m.unit_id`+inSubtree+` AND m.id IN (SELECT p.member_id
		FROM exercise_participants p JOIN exercises e ON e.id = p.exercise_id WHERE `+inYear+`) GROUP BY 1, 2`,
		[]any{root, from, to, discharged}, func(c *participationCounts, current int, n int, _ float64) {
			c.participants += n
			c.current += current * n
		})
	if err != nil {
		return nil, fmt.Errorf("participation members: %w", err)
	}
	// Days and hours per member first, so that members are looked up once.
	err = eachCount(ctx, tx, byUnit, `SELECT m.unit_id, 0, sum(d.days), sum(d.hours) FROM (SELECT a.member_id, count(*) AS days,
		sum(a.hours) AS hours FROM exercise_attendance a JOIN exercises e ON e.id = a.exercise_id
		WHERE `+inYear+` AND a.present = 1 AND a.day >= $2 AND a.day <= $3 GROUP BY a.member_id) d
		JOIN members m ON m.id = d.member_id WHERE m.unit_id`+inSubtree+` GROUP BY m.unit_id`,
		[]any{root, from, to}, func(c *participationCounts, _ int, n int, hours float64) {
			c.days += n
			c.hours += hours
		})
	if err != nil {
		return nil, fmt.Errorf("participation attendance: %w", err)
	}
	level := rollUp(units, func(child, parent int64) {
		c, p := byUnit[child], byUnit[parent]
		p.exercises += c.exercises
		p.members += c.members
		p.participants += c.participants
		p.current += c.current
		p.days += c.days
		p.hours += c.hours
	})
	out := &muster.ParticipationReport{Unit: units[0].Code, Year: f.Year, Depth: f.Depth, Units: []muster.Participation{}}
	for _, u := range units {
		if level[u.ID] > f.Depth {
			continue
		}
		c := byUnit[u.ID]
		p := muster.Participation{Unit: u.Code, Name: u.Name, Level: level[u.ID], Exercises: c.exercises,
			Members: c.members, Participants: c.participants, DaysPresent: c.days, Hours: c.hours}
		if c.members > 0 {
			p.Share = float64(c.current) / float64(c.members)
		}
		out.Units = append(out.Units, p)
	}
	return out, nil
}

// eachCount runs a query of rows (unit_id, key, count, sum) and passes
// each row to add with the counts of its unit.
func eachCount(ctx context.Context, q querier, byUnit map[int64]*participationCounts, query string, args []any,
	add func(c *participationCounts, key, n int, sum float64)) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var unitID int64
		var key, n int
		var sum float64
		if err := rows.Scan(&unitID, &key, &n, &sum); err != nil {
			return err
		}
		if c := byUnit[unitID]; c != nil {
			add(c, key, n, sum)
		}
	}
	return rows.Err()
}
