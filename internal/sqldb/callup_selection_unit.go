package sqldb

import (
	"context"
	"fmt"
	"strconv"

	"github.com/muster-force/muster"
)

// maxUnitPicks bounds the units of one selection by unit.
const maxUnitPicks = 100

// SelectPerUnit selects members per unit subtree (see
// muster.SelectionService) and queues the messages in one transaction,
// as Select does. Each pick reads its subtree's yes and late members not
// yet selected in the order of choice (holders of a required
// qualification, yes before late, earliest answer) and takes as many as
// the subtree still lacks.
func (db *DB) SelectPerUnit(ctx context.Context, id int64, picks []muster.UnitPick) (*muster.UnitSelection, error) {
	if err := validatePicks(picks); err != nil {
		return nil, err
	}
	sel := &muster.UnitSelection{Selection: muster.Selection{CallUp: id}, PerUnit: make([]muster.UnitPicked, len(picks))}
	err := db.selectTx(ctx, id, func(tx *Tx, c *muster.CallUp) ([]any, error) {
		chosen := map[int64]bool{}
		var ids []any
		for i, p := range picks {
			field := "per_unit[" + strconv.Itoa(i) + "].unit"
			unit, err := findUnit(ctx, tx, p.Unit)
			if muster.ErrorCode(err) == muster.ENOTFOUND {
				return nil, fieldError(muster.EUNPROCESSABLE, field, "unit %s does not exist; nothing was selected", p.Unit)
			} else if err != nil {
				return nil, err
			}
			if err := checkScope(ctx, tx, tx.actor, unit.ID, "Unit "+unit.Code); err != nil {
				return nil, err
			}
			selected, candidates, err := tx.unitCandidates(ctx, id, unit.ID)
			if err != nil {
				return nil, err
			}
			got := muster.UnitPicked{Unit: unit.Code, Count: p.Count}
			for _, m := range candidates {
				if chosen[m] {
					selected++ // chosen by an earlier pick of this request
				}
			}
			for _, m := range candidates {
				if selected >= p.Count {
					break
				}
				if !chosen[m] {
					chosen[m] = true
					ids = append(ids, m)
					got.Picked++
					selected++
				}
			}
			got.Selected, got.Short = selected, max(0, p.Count-selected)
			sel.PerUnit[i] = got
		}
		return ids, nil
	}, &sel.Selection, map[string]any{"per_unit": picks})
	if err != nil {
		return nil, err
	}
	return sel, nil
}

// validatePicks checks the picks: 1 to maxUnitPicks, each a unit code
// named once with a count from 1 to maxSelect.
func validatePicks(picks []muster.UnitPick) error {
	if len(picks) == 0 || len(picks) > maxUnitPicks {
		return fieldError(muster.EINVALID, "per_unit", "name from 1 to %d units", maxUnitPicks)
	}
	seen := map[string]bool{}
	for i, p := range picks {
		at := "per_unit[" + strconv.Itoa(i) + "]"
		switch {
		case !muster.ValidCode(p.Unit):
			return fieldError(muster.EINVALID, at+".unit", "required, a unit code")
		case seen[p.Unit]:
			return fieldError(muster.EINVALID, at+".unit", "unit %s is named twice", p.Unit)
		case p.Count < 1 || p.Count > maxSelect:
			return fieldError(muster.EINVALID, at+".count", "must be from 1 to %d", maxSelect)
		}
		seen[p.Unit] = true
	}
	return nil
}

// unitCandidates returns how many of the call-up's members in the unit's
// subtree are selected already, and the ids of those with a last answer
// of yes or late not yet selected, in the order of choice.
func (tx *Tx) unitCandidates(ctx context.Context, id, unitID int64) (selected int, ids []int64, err error) {
	const subtree = `FROM callup_members cm JOIN unit_tree ut ON ut.unit_id = cm.unit_id AND ut.ancestor_id = $2 WHERE cm.callup_id = $1`
	if err := tx.QueryRowContext(ctx, `SELECT count(*) `+subtree+` AND cm.selected_at <> ''`, id, unitID).Scan(&selected); err != nil {
		return 0, nil, fmt.Errorf("selected in the unit: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT cm.member_id `+subtree+` AND cm.answer IN ('yes', 'late') AND cm.selected_at = ''
		ORDER BY CASE WHEN cm.quals <> 0 THEN 0 ELSE 1 END, CASE WHEN cm.answer = 'yes' THEN 0 ELSE 1 END, cm.answered_at, cm.member_id`, id, unitID)
	if err != nil {
		return 0, nil, fmt.Errorf("candidates in the unit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m int64
		if err := rows.Scan(&m); err != nil {
			return 0, nil, err
		}
		ids = append(ids, m)
	}
	return selected, ids, rows.Err()
}
