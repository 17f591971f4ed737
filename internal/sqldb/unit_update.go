package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// UpdateUnit changes a unit's name, target strength, kind or parent. Moving
// a unit moves its whole subtree; a move under its own subtree is refused.
func (db *DB) UpdateUnit(ctx context.Context, code string, upd muster.UnitUpdate) (*muster.Unit, error) {
	var out *muster.Unit
	err := db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermWriteUnits); err != nil {
			return err
		}
		before, err := findUnit(ctx, tx, code)
		if err != nil {
			return err
		}
		if err := checkScope(ctx, tx, tx.actor, before.ID, "Unit "+code); err != nil {
			return err
		}
		after, err := tx.updateUnit(ctx, before, upd)
		if err != nil {
			return err
		}
		out = after
		return tx.audit(ctx, "unit.update", "unit", code, before, after)
	})
	return out, err
}

// updateUnit applies upd to the unit u (already scope-checked).
func (tx *Tx) updateUnit(ctx context.Context, u *muster.Unit, upd muster.UnitUpdate) (*muster.Unit, error) {
	after := upd.Apply(*u)
	if err := after.Validate(); err != nil {
		return nil, err
	}
	moved := after.Parent != u.Parent
	if moved {
		if after.Parent == "" {
			root, err := tx.rootCode(ctx)
			if err != nil {
				return nil, err
			}
			return nil, fieldError(muster.EINVALID, "parent", "required; the force's root is %s", root)
		}
		parent, err := findUnit(ctx, tx, after.Parent)
		if err != nil {
			return nil, fieldError(muster.EINVALID, "parent", "unit %s does not exist", after.Parent)
		}
		if err := checkFieldScope(ctx, tx, tx.actor, parent.ID, "parent", "unit "+after.Parent); err != nil {
			return nil, err
		}
		var cycle int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM unit_tree WHERE ancestor_id = $1 AND unit_id = $2`, u.ID, parent.ID).Scan(&cycle); err != nil {
			return nil, err
		}
		if cycle > 0 {
			return nil, fieldError(muster.ECONFLICT, "parent", "%s lies under %s; a unit cannot be moved under its own subunit", parent.Code, u.Code)
		}
		after.ParentID = parent.ID
	}
	if err := tx.checkKindFits(ctx, &after); err != nil {
		return nil, err
	}
	after.UpdatedAt = tx.now
	_, err := tx.ExecContext(ctx, `UPDATE units SET name = $1, target_strength = $2, kind = $3, parent_id = $4, updated_at = $5 WHERE id = $6`,
		after.Name, after.TargetStrength, after.Kind, nullID(after.ParentID), formatTime(tx.now), u.ID)
	if err != nil {
		return nil, fmt.Errorf("update unit: %w", err)
	}
	if moved {
		if err := tx.moveSubtree(ctx, u.ID, after.ParentID); err != nil {
			return nil, err
		}
	}
	return &after, nil
}

// checkKindFits checks that u's kind lies below its parent's and above its
// children's.
func (tx *Tx) checkKindFits(ctx context.Context, u *muster.Unit) error {
	if u.ParentID != 0 {
		var parentCode string
		var parentKind muster.UnitKind
		if err := tx.QueryRowContext(ctx, `SELECT code, kind FROM units WHERE id = $1`, u.ParentID).Scan(&parentCode, &parentKind); err != nil {
			return err
		}
		if u.Kind.Rank() <= parentKind.Rank() {
			return fieldError(muster.EINVALID, "kind", "a %s cannot be placed under a %s (%s)", u.Kind, parentKind, parentCode)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT code, kind FROM units WHERE parent_id = $1`, u.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var kind muster.UnitKind
		if err := rows.Scan(&code, &kind); err != nil {
			return err
		}
		if kind.Rank() <= u.Kind.Rank() {
			return fieldError(muster.EINVALID, "kind", "%s cannot become a %s: its child %s is a %s", u.Code, u.Kind, code, kind)
		}
	}
	return rows.Err()
}

// moveSubtree re-links the closure rows of unit's subtree under newParent.
func (tx *Tx) moveSubtree(ctx context.Context, unitID, newParentID int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM unit_tree
		WHERE unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = $1)
		AND ancestor_id NOT IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = $1)`, unitID)
	if err != nil {
		return fmt.Errorf("unlink subtree: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO unit_tree (ancestor_id, unit_id, depth)
		SELECT p.ancestor_id, c.unit_id, p.depth + c.depth + 1
		FROM unit_tree p, unit_tree c WHERE p.unit_id = $1 AND c.ancestor_id = $2`, newParentID, unitID)
	if err != nil {
		return fmt.Errorf("link subtree: %w", err)
	}
	return nil
}
