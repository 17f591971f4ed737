package sqldb

import "github.com/muster-force/muster"

// rollUp adds every unit's totals into its parent's, bottom up, and returns
// each unit's depth below the first. units must be in tree order (as
// FindUnits returns them, the subtree's root first), so that walking them
// backwards meets every child before its parent; add(child, parent) adds
// one unit's totals into its parent's.
func rollUp(units []*muster.Unit, add func(child, parent int64)) map[int64]int {
	level := map[int64]int{}
	if len(units) == 0 {
		return level
	}
	level[units[0].ID] = 0
	for _, u := range units[1:] {
		level[u.ID] = level[u.ParentID] + 1
	}
	for i := len(units) - 1; i > 0; i-- {
		if _, ok := level[units[i].ParentID]; ok {
			add(units[i].ID, units[i].ParentID)
		}
	}
	return level
}
