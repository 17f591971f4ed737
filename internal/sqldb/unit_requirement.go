package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

var _ muster.UnitRequirementService = (*DB)(nil)

// FindUnitRequirements reads the unit's requirements, by qualification code.
func (db *DB) FindUnitRequirements(ctx context.Context, unit string) ([]muster.UnitRequirement, error) {
	u, err := db.FindUnit(ctx, unit) // checks roster.read and scope
	if err != nil {
		return nil, err
	}
	return unitRequirements(ctx, db.read, u.ID)
}

// SetUnitRequirements replaces the unit's requirements in one transaction.
func (db *DB) SetUnitRequirements(ctx context.Context, unit string, list []muster.UnitRequirement) ([]muster.UnitRequirement, error) {
	if err := muster.ValidateRequirements(list); err != nil {
		return nil, err
	}
	var out []muster.UnitRequirement
	err := db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermWriteUnits); err != nil {
			return err
		}
		u, err := findUnit(ctx, tx, unit)
		if err != nil {
			return err
		}
		if err := checkScope(ctx, tx, tx.actor, u.ID, "Unit "+unit); err != nil {
			return err
		}
		ids := make([]int64, len(list))
		for i, r := range list {
			if ids[i], err = qualificationID(ctx, tx, r.Qualification, fmt.Sprintf("requirements[%d].qualification", i)); err != nil {
				return err
			}
		}
		before, err := unitRequirements(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM unit_requirements WHERE unit_id = $1`, u.ID); err != nil {
			return fmt.Errorf("clear requirements: %w", err)
		}
		for i, r := range list {
			if _, err := tx.ExecContext(ctx, `INSERT INTO unit_requirements (unit_id, qualification_id, needed) VALUES ($1, $2, $3)`,
				u.ID, ids[i], r.Needed); err != nil {
				return fmt.Errorf("requirement %s: %w", r.Qualification, err)
			}
		}
		if out, err = unitRequirements(ctx, tx, u.ID); err != nil {
			return err
		}
		return tx.audit(ctx, "unit.requirements", "unit", unit, before, out)
	})
	return out, err
}

// unitRequirements reads one unit's requirements, by qualification code.
func unitRequirements(ctx context.Context, q querier, unitID int64) ([]muster.UnitRequirement, error) {
	rows, err := q.QueryContext(ctx, `SELECT q.code, r.needed FROM unit_requirements r JOIN qualifications q ON q.id = r.qualification_id
		WHERE r.unit_id = $1 ORDER BY q.code`, unitID)
	if err != nil {
		return nil, fmt.Errorf("unit requirements: %w", err)
	}
	defer rows.Close()
	out := []muster.UnitRequirement{}
	for rows.Next() {
		var r muster.UnitRequirement
		if err := rows.Scan(&r.Qualification, &r.Needed); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
