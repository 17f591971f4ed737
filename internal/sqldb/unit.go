package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"

	"github.com/muster-force/muster"
)

var _ muster.UnitService = (*DB)(nil)

const unitColumns = `u.id, u.code, u.name, COALESCE(p.code, ''), COALESCE(u.parent_id, 0), u.kind, u.target_strength, u.created_at, u.updated_at
	FROM units u LEFT JOIN units p ON p.id = u.parent_id`

func scanUnit(row interface{ Scan(...any) error }) (*muster.Unit, error) {
	var u muster.Unit
	var created, updated string
	err := row.Scan(&u.ID, &u.Code, &u.Name, &u.Parent, &u.ParentID, &u.Kind, &u.TargetStrength, &created, &updated)
	if err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = parseTime(created), parseTime(updated)
	return &u, nil
}

// findUnit reads a unit by code without a scope check.
func findUnit(ctx context.Context, q querier, code string) (*muster.Unit, error) {
	u, err := scanUnit(q.QueryRowContext(ctx, `SELECT `+unitColumns+` WHERE u.code = $1`, code))
	if err != nil {
		return nil, notFound(err, "Unit %s does not exist.", code)
	}
	return u, nil
}

// FindUnit returns the unit with the code, if it is in the actor's subtree.
func (db *DB) FindUnit(ctx context.Context, code string) (*muster.Unit, error) {
	a, err := actorAllowed(ctx, muster.PermReadRoster)
	if err != nil {
		return nil, err
	}
	u, err := findUnit(ctx, db.read, code)
	if err != nil {
		return nil, err
	}
	if err := checkScope(ctx, db.read, a, u.ID, "Unit "+code); err != nil {
		return nil, err
	}
	return u, nil
}

// FindUnits returns the units of the filter in tree order.
func (db *DB) FindUnits(ctx context.Context, f muster.UnitFilter) ([]*muster.Unit, error) {
	a, err := actorAllowed(ctx, muster.PermReadRoster)
	if err != nil {
		return nil, err
	}
	var rootID int64
	if f.Under != "" {
		root, err := db.FindUnit(ctx, f.Under)
		if err != nil {
			return nil, err
		}
		rootID = root.ID
	} else if !unrestricted(a) {
		rootID = a.UnitID
	}
	var rows *sql.Rows
	if rootID == 0 {
		rows, err = db.read.QueryContext(ctx, `SELECT `+unitColumns)
	} else {
		maxDepth := f.Depth
		if maxDepth <= 0 {
			maxDepth = 1 << 20
		}
		rows, err = db.read.QueryContext(ctx, `SELECT `+unitColumns+` JOIN unit_tree t ON t.unit_id = u.id
			WHERE t.ancestor_id = $1 AND t.depth <= $2`, rootID, maxDepth)
	}
	if err != nil {
		return nil, fmt.Errorf("find units: %w", err)
	}
	defer rows.Close()
	var units []*muster.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, err
		}
		if f.Kind == "" || u.Kind == f.Kind {
			units = append(units, u)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return treeOrder(units), nil
}

// treeOrder sorts units depth first, siblings by code; units whose parent
// is not in the list are treated as roots.
func treeOrder(units []*muster.Unit) []*muster.Unit {
	present := make(map[int64]bool, len(units))
	children := make(map[int64][]*muster.Unit)
	for _, u := range units {
		present[u.ID] = true
	}
	var roots []*muster.Unit
	for _, u := range units {
		if present[u.ParentID] {
			children[u.ParentID] = append(children[u.ParentID], u)
		} else {
			roots = append(roots, u)
		}
	}
	byCode := func(list []*muster.Unit) {
		sort.Slice(list, func(i, j int) bool { return list[i].Code < list[j].Code })
	}
	out := make([]*muster.Unit, 0, len(units))
	var walk func(list []*muster.Unit)
	walk = func(list []*muster.Unit) {
		byCode(list)
		for _, u := range list {
			out = append(out, u)
			walk(children[u.ID])
		}
	}
	walk(roots)
	return out
}

// CreateUnit adds a unit under its parent. Only the force's first unit,
// its root, has none, and only an actor who sees the whole tree may create
// it.
func (db *DB) CreateUnit(ctx context.Context, u *muster.Unit) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermWriteUnits); err != nil {
			return err
		}
		if err := tx.insertUnit(ctx, u); err != nil {
			return err
		}
		return tx.audit(ctx, "unit.create", "unit", u.Code, nil, u)
	})
}

// insertUnit checks the parent and writes the unit and its tree rows.
func (tx *Tx) insertUnit(ctx context.Context, u *muster.Unit) error {
	if u.Parent == "" {
		root, err := tx.rootCode(ctx)
		if err != nil {
			return err
		}
		if root != "" {
			return fieldError(muster.EINVALID, "parent", "required; the force's root is %s", root)
		}
		if !unrestricted(tx.actor) {
			return fieldError(muster.EFORBIDDEN, "parent", "required: only an administrator of the whole force may create its root")
		}
		u.ParentID = 0
	} else {
		parent, err := findUnit(ctx, tx, u.Parent)
		if err != nil {
			return fieldError(muster.EINVALID, "parent", "unit %s does not exist", u.Parent)
		}
		if err := checkFieldScope(ctx, tx, tx.actor, parent.ID, "parent", "unit "+u.Parent); err != nil {
			return err
		}
		if u.Kind.Rank() <= parent.Kind.Rank() {
			return fieldError(muster.EINVALID, "kind", "a %s cannot be placed under a %s (%s)", u.Kind, parent.Kind, parent.Code)
		}
		u.ParentID = parent.ID
	}
	u.CreatedAt, u.UpdatedAt = tx.now, tx.now
	err := tx.QueryRowContext(ctx, `INSERT INTO units (code, name, parent_id, kind, target_strength, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		u.Code, u.Name, nullID(u.ParentID), u.Kind, u.TargetStrength, formatTime(tx.now), formatTime(tx.now)).Scan(&u.ID)
	if isUniqueViolation(err) {
		return fieldError(muster.ECONFLICT, "code", "unit %s already exists", u.Code)
	} else if err != nil {
		return fmt.Errorf("insert unit: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO unit_tree (ancestor_id, unit_id, depth)
		SELECT ancestor_id, CAST($1 AS BIGINT), depth + 1 FROM unit_tree WHERE unit_id = $2
		UNION ALL SELECT CAST($1 AS BIGINT), CAST($1 AS BIGINT), 0`, u.ID, u.ParentID)
	if err != nil {
		return fmt.Errorf("insert unit tree: %w", err)
	}
	return nil
}

// rootCode returns the code of the force's root, the unit without a
// parent, or "" while there is none.
func (tx *Tx) rootCode(ctx context.Context) (string, error) {
	var code string
	err := tx.QueryRowContext(ctx, `SELECT code FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("find the root unit: %w", err)
	}
	return code, nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }
