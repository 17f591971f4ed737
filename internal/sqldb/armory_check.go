package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

var _ muster.ArmoryCheckService = (*DB)(nil)

// checkRow is a campaign with the ids the service needs.
type checkRow struct {
	muster.ArmoryCheck
	unitID int64
}

// noCheck is the message of an unknown campaign.
const noCheck = "Armory check %d does not exist."

// findCheck reads a campaign and its progress without a scope check.
func findCheck(ctx context.Context, q querier, id int64) (*checkRow, error) {
	var c checkRow
	var deadline, createdAt, closedAt string
	err := q.QueryRowContext(ctx, `SELECT c.id, u.code, c.unit_id, c.deadline, c.note, c.created_by, c.created_at, c.closed_at
		FROM armory_checks c JOIN units u ON u.id = c.unit_id WHERE c.id = $1`, id).
		Scan(&c.ID, &c.Unit, &c.unitID, &deadline, &c.Note, &c.CreatedBy, &createdAt, &closedAt)
	if err != nil {
		return nil, notFound(err, noCheck, id)
	}
	c.Deadline, c.CreatedAt = parseTime(deadline), parseTime(createdAt)
	if closedAt != "" {
		t := parseTime(closedAt)
		c.ClosedAt = &t
	}
	err = q.QueryRowContext(ctx, `SELECT count(*), COALESCE(SUM(CASE WHEN confirmed_at <> '' THEN 1 ELSE 0 END), 0)
		FROM armory_check_items WHERE check_id = $1`, id).Scan(&c.Items, &c.Confirmed)
	if err != nil {
		return nil, fmt.Errorf("check %d items: %w", id, err)
	}
	err = q.QueryRowContext(ctx, `SELECT count(*), COALESCE(SUM(CASE WHEN resolved_at = '' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN resolved_at = '' AND escalated_at <> '' THEN 1 ELSE 0 END), 0)
		FROM armory_discrepancies WHERE check_id = $1`, id).Scan(&c.Discrepancies, &c.Open, &c.Escalated)
	if err != nil {
		return nil, fmt.Errorf("check %d discrepancies: %w", id, err)
	}
	return &c, nil
}

// CreateArmoryCheck starts a campaign over the armories of a unit subtree
// in the actor's scope, fixing its items: those in store or issued now.
func (db *DB) CreateArmoryCheck(ctx context.Context, in muster.ArmoryCheckInput) (*muster.ArmoryCheck, error) {
	if err := in.Validate(db.now()); err != nil {
		return nil, err
	}
	var out *checkRow
	err := db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermArmory); err != nil {
			return err
		}
		u, err := findUnit(ctx, tx, in.Unit)
		if err != nil {
			return armoryField(err, "unit", in.Unit)
		}
		if err := checkScope(ctx, tx, tx.actor, u.ID, "Unit "+in.Unit); err != nil {
			return err
		}
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO armory_checks (unit_id, deadline, note, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, u.ID, formatTime(in.Deadline.UTC()), in.Note, tx.actor.Label(), formatTime(tx.now)).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert armory check: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO armory_check_items (check_id, item_id, serial, member_id)
			SELECT $1, s.item_id, i.serial, s.member_id FROM item_state s JOIN items i ON i.id = s.item_id
			JOIN unit_tree t ON t.unit_id = s.unit_id WHERE t.ancestor_id = $2 AND s.status IN ($3, $4)`,
			id, u.ID, string(muster.InStore), string(muster.Issued))
		if err != nil {
			return fmt.Errorf("fix the items of armory check %d: %w", id, err)
		}
		if out, err = findCheck(ctx, tx, id); err != nil {
			return err
		}
		if err := tx.queueCheckRequests(ctx, out); err != nil {
			return err
		}
		return tx.audit(ctx, "armory_check.create", "armory_check", strconv.FormatInt(id, 10), nil, out.ArmoryCheck)
	})
	if err != nil {
		return nil, err
	}
	return &out.ArmoryCheck, nil
}

// FindArmoryCheck returns a campaign and its progress, if its unit is in
// the actor's subtree.
func (db *DB) FindArmoryCheck(ctx context.Context, id int64) (*muster.ArmoryCheck, error) {
	c, err := db.readableCheck(ctx, id)
	if err != nil {
		return nil, err
	}
	return &c.ArmoryCheck, nil
}

// FindArmoryChecks lists the latest campaigns in the actor's subtree,
// open ones first.
func (db *DB) FindArmoryChecks(ctx context.Context) ([]*muster.ArmoryCheck, error) {
	a, err := actorAllowed(ctx, muster.PermReadRoster)
	if err != nil {
		return nil, err
	}
	var w where
	if !unrestricted(a) {
		w.add("unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)", a.UnitID)
	}
	ids, err := queryIDs(ctx, db.read, "find armory checks", `SELECT id FROM armory_checks`+w.sql()+`
		ORDER BY CASE WHEN closed_at = '' THEN 0 ELSE 1 END, id DESC LIMIT 100`, w.args...)
	if err != nil {
		return nil, err
	}
	out := make([]*muster.ArmoryCheck, 0, len(ids))
	for _, id := range ids {
		c, err := findCheck(ctx, db.read, id)
		if err != nil {
			return nil, err
		}
		out = append(out, &c.ArmoryCheck)
	}
	return out, nil
}

// readableCheck reads a campaign for an actor with roster.read over it.
func (db *DB) readableCheck(ctx context.Context, id int64) (*checkRow, error) {
	a, err := actorAllowed(ctx, muster.PermReadRoster)
	if err != nil {
		return nil, err
	}
	c, err := findCheck(ctx, db.read, id)
	if err != nil {
		return nil, err
	}
	if err := checkScope(ctx, db.read, a, c.unitID, "Armory check "+strconv.FormatInt(id, 10)); err != nil {
		return nil, err
	}
	return c, nil
}

// writableCheck reads a campaign in tx for an actor with armory.write
// over it.
func (tx *Tx) writableCheck(ctx context.Context, id int64) (*checkRow, error) {
	if err := require(tx.actor, muster.PermArmory); err != nil {
		return nil, err
	}
	c, err := findCheck(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := checkScope(ctx, tx, tx.actor, c.unitID, "Armory check "+strconv.FormatInt(id, 10)); err != nil {
		return nil, err
	}
	return c, nil
}

// discrepancyColumns are the columns scanDiscrepancy reads.
const discrepancyColumns = `id, check_id, kind, serial, member, detail, created_at, escalated_at, resolved_at, resolved_by, resolution
	FROM armory_discrepancies`

func scanDiscrepancy(row interface{ Scan(...any) error }) (*muster.Discrepancy, error) {
	var d muster.Discrepancy
	var created, escalated, resolved string
	err := row.Scan(&d.ID, &d.CheckID, &d.Kind, &d.Serial, &d.Member, &d.Detail, &created, &escalated, &resolved, &d.ResolvedBy, &d.Resolution)
	if err != nil {
		return nil, err
	}
	d.CreatedAt, d.Open, d.Escalated = parseTime(created), resolved == "", escalated != ""
	if resolved != "" {
		t := parseTime(resolved)
		d.ResolvedAt = &t
	}
	return &d, nil
}

// FindDiscrepancies lists a campaign's discrepancies, open first, each
// group oldest first.
func (db *DB) FindDiscrepancies(ctx context.Context, checkID int64) ([]*muster.Discrepancy, error) {
	if _, err := db.readableCheck(ctx, checkID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+discrepancyColumns+` WHERE check_id = $1
		ORDER BY CASE WHEN resolved_at = '' THEN 0 ELSE 1 END, id`, checkID)
	if err != nil {
		return nil, fmt.Errorf("find discrepancies: %w", err)
	}
	defer rows.Close()
	out := []*muster.Discrepancy{}
	for rows.Next() {
		d, err := scanDiscrepancy(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ResolveDiscrepancy closes an open discrepancy with the note that says
// how it was settled.
func (db *DB) ResolveDiscrepancy(ctx context.Context, checkID, id int64, note string) (*muster.Discrepancy, error) {
	note = strings.TrimSpace(note)
	if note == "" || len(note) > 500 {
		return nil, fieldError(muster.EUNPROCESSABLE, "note", "required, at most 500 bytes: how it was settled")
	}
	var out *muster.Discrepancy
	err := db.writeTx(ctx, func(tx *Tx) error {
		if _, err := tx.writableCheck(ctx, checkID); err != nil {
			return err
		}
		var err error
		out, err = scanDiscrepancy(tx.QueryRowContext(ctx, `UPDATE armory_discrepancies SET resolved_at = $1, resolved_by = $2, resolution = $3
			WHERE id = $4 AND check_id = $5 AND resolved_at = '' RETURNING `+strings.TrimSuffix(discrepancyColumns, "FROM armory_discrepancies"),
			formatTime(tx.now), tx.actor.Label(), note, id, checkID))
		if errors.Is(err, sql.ErrNoRows) {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM armory_discrepancies WHERE id = $1 AND check_id = $2`, id, checkID).Scan(&n); err != nil {
				return fmt.Errorf("resolve discrepancy: %w", err)
			}
			if n == 0 {
				return muster.Errorf(muster.ENOTFOUND, "Discrepancy %d of armory check %d does not exist.", id, checkID)
			}
			return muster.Errorf(muster.ECONFLICT, "Discrepancy %d is resolved already.", id)
		} else if err != nil {
			return fmt.Errorf("resolve discrepancy: %w", err)
		}
		return tx.audit(ctx, "armory_check.resolve", "armory_discrepancy", strconv.FormatInt(id, 10), nil, out)
	})
	return out, err
}
