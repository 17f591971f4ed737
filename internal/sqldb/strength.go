package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// UnitStrengths returns the unit and the units down to depth levels below
// it, each with its subtree's target and member counts by status. Members
// are counted once per unit in one GROUP BY over the (unit_id, status)
// index and rolled up the tree in memory.
func (db *DB) UnitStrengths(ctx context.Context, code string, depth int) ([]muster.UnitStrength, error) {
	root, err := db.FindUnit(ctx, code)
	if err != nil {
		return nil, err
	}
	units, err := db.FindUnits(ctx, muster.UnitFilter{Under: code})
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT m.unit_id, m.status, count(*) FROM members m
		WHERE m.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = $1) GROUP BY m.unit_id, m.status`, root.ID)
	if err != nil {
		return nil, fmt.Errorf("strength counts: %w", err)
	}
	defer rows.Close()
	type counts struct {
		target   int
		byStatus map[string]int
	}
	byUnit := make(map[int64]*counts, len(units))
	for _, u := range units {
		byUnit[u.ID] = &counts{target: u.TargetStrength, byStatus: map[string]int{}}
	}
	for rows.Next() {
		var unitID int64
		var status string
		var n int
		if err := rows.Scan(&unitID, &status, &n); err != nil {
			return nil, err
		}
		if c := byUnit[unitID]; c != nil {
			c.byStatus[status] += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	level := rollUp(units, func(child, parent int64) {
		c, p := byUnit[child], byUnit[parent]
		p.target += c.target
		for s, n := range c.byStatus {
			p.byStatus[s] += n
		}
	})
	var out []muster.UnitStrength
	for _, u := range units {
		if level[u.ID] > depth {
			continue
		}
		c := byUnit[u.ID]
		s := muster.UnitStrength{Unit: u, Target: c.target, Active: c.byStatus[string(muster.StatusActive)], ByStatus: c.byStatus}
		for st, n := range c.byStatus {
			if st != string(muster.StatusDischarged) {
				s.Members += n
			}
		}
		out = append(out, s)
	}
	return out, nil
}
