package sqldb

import (
	"context"
	"fmt"
	"time"

	"github.com/muster-force/muster"
)

var _ muster.CallUpTemplateService = (*DB)(nil)

const templateColumns = `t.name, u.code, t.unit_id, t.report_within_s, t.callup_json, t.created_by, t.created_at, t.updated_at
	FROM callup_templates t JOIN units u ON u.id = t.unit_id`

func scanTemplate(row interface{ Scan(...any) error }) (*muster.CallUpTemplate, error) {
	var t muster.CallUpTemplate
	var seconds int64
	var body, created, updated string
	if err := row.Scan(&t.Name, &t.Unit, &t.UnitID, &seconds, &body, &t.CreatedBy, &created, &updated); err != nil {
		return nil, err
	}
	t.ReportWithin, t.CallUp = time.Duration(seconds)*time.Second, []byte(body)
	t.CreatedAt, t.UpdatedAt = parseTime(created), parseTime(updated)
	return &t, nil
}

// findTemplate reads a template without a scope check.
func findTemplate(ctx context.Context, q querier, name string) (*muster.CallUpTemplate, error) {
	t, err := scanTemplate(q.QueryRowContext(ctx, `SELECT `+templateColumns+` WHERE t.name = $1`, name))
	if err != nil {
		return nil, notFound(err, "There is no call-up template %s.", name)
	}
	return t, nil
}

// FindCallUpTemplate returns the template, if its unit is in the actor's
// subtree.
func (db *DB) FindCallUpTemplate(ctx context.Context, name string) (*muster.CallUpTemplate, error) {
	a, err := actorAllowed(ctx, muster.PermReadRoster)
	if err != nil {
		return nil, err
	}
	t, err := findTemplate(ctx, db.read, name)
	if err != nil {
		return nil, err
	}
	if err := checkScope(ctx, db.read, a, t.UnitID, "Template "+name); err != nil {
		return nil, err
	}
	return t, nil
}

// FindCallUpTemplates returns the templates of units in the actor's
// subtree, by name.
func (db *DB) FindCallUpTemplates(ctx context.Context) ([]*muster.CallUpTemplate, error) {
	a, err := actorAllowed(ctx, muster.PermReadRoster)
	if err != nil {
		return nil, err
	}
	var w where
	w.inScope("t.unit_id", a)
	rows, err := db.read.QueryContext(ctx, `SELECT `+templateColumns+w.sql()+` ORDER BY t.name`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("find templates: %w", err)
	}
	defer rows.Close()
	out := []*muster.CallUpTemplate{}
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// templateUnit resolves the template's unit and checks it against the
// actor's subtree.
func (tx *Tx) templateUnit(ctx context.Context, t *muster.CallUpTemplate) error {
	unit, err := findUnit(ctx, tx, t.Unit)
	if muster.ErrorCode(err) == muster.ENOTFOUND {
		return fieldError(muster.EINVALID, "callup.unit", "unit %s does not exist", t.Unit)
	} else if err != nil {
		return err
	}
	if err := checkScope(ctx, tx, tx.actor, unit.ID, "Unit "+t.Unit); err != nil {
		return err
	}
	t.UnitID, t.Unit = unit.ID, unit.Code
	return nil
}

// CreateCallUpTemplate stores a new template; ECONFLICT when the name is
// taken.
func (db *DB) CreateCallUpTemplate(ctx context.Context, t *muster.CallUpTemplate) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermCallUp); err != nil {
			return err
		}
		if err := tx.templateUnit(ctx, t); err != nil {
			return err
		}
		t.CreatedBy, t.CreatedAt, t.UpdatedAt = tx.actor.Label(), tx.now, tx.now
		_, err := tx.ExecContext(ctx, `INSERT INTO callup_templates (name, unit_id, report_within_s, callup_json, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6)`,
			t.Name, t.UnitID, int64(t.ReportWithin/time.Second), string(t.CallUp), t.CreatedBy, formatTime(tx.now))
		if isUniqueViolation(err) {
			return fieldError(muster.ECONFLICT, "name", "a template named %s exists already", t.Name)
		} else if err != nil {
			return fmt.Errorf("insert template: %w", err)
		}
		return tx.audit(ctx, "callup_template.create", "callup_template", t.Name, nil, t)
	})
}

// ReplaceCallUpTemplate replaces the template's unit, report-within time
// and call-up fields; the actor needs the old unit and the new in scope.
func (db *DB) ReplaceCallUpTemplate(ctx context.Context, t *muster.CallUpTemplate) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermCallUp); err != nil {
			return err
		}
		before, err := findTemplate(ctx, tx, t.Name)
		if err != nil {
			return err
		}
		if err := checkScope(ctx, tx, tx.actor, before.UnitID, "Template "+t.Name); err != nil {
			return err
		}
		if err := tx.templateUnit(ctx, t); err != nil {
			return err
		}
		t.CreatedBy, t.CreatedAt, t.UpdatedAt = before.CreatedBy, before.CreatedAt, tx.now
		_, err = tx.ExecContext(ctx, `UPDATE callup_templates SET unit_id = $1, report_within_s = $2, callup_json = $3, updated_at = $4 WHERE name = $5`,
			t.UnitID, int64(t.ReportWithin/time.Second), string(t.CallUp), formatTime(tx.now), t.Name)
		if err != nil {
			return fmt.Errorf("update template: %w", err)
		}
		return tx.audit(ctx, "callup_template.update", "callup_template", t.Name, before, t)
	})
}

// DeleteCallUpTemplate deletes the template.
func (db *DB) DeleteCallUpTemplate(ctx context.Context, name string) error {
	return db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermCallUp); err != nil {
			return err
		}
		before, err := findTemplate(ctx, tx, name)
		if err != nil {
			return err
		}
		if err := checkScope(ctx, tx, tx.actor, before.UnitID, "Template "+name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM callup_templates WHERE name = $1`, name); err != nil {
			return fmt.Errorf("delete template: %w", err)
		}
		return tx.audit(ctx, "callup_template.delete", "callup_template", name, before, nil)
	})
}
