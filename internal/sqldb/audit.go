package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/muster-force/muster"
)

var _ muster.AuditService = (*DB)(nil)

// FindAuditEntries returns audit entries, newest first, to actors who may
// read the audit log. An actor who sees the whole force (unrestricted, or
// bound to its top unit) gets every entry; any other actor only the
// entries about a thing of its subtree (see auditUnits): never those about
// users, tokens, the catalogue, imports or daily runs.
func (db *DB) FindAuditEntries(ctx context.Context, f muster.AuditFilter) ([]*muster.AuditEntry, error) {
	a, err := actorAllowed(ctx, muster.PermReadAudit)
	if err != nil {
		return nil, err
	}
	whole, err := seesWholeForce(ctx, db.read, a)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	var w where
	if f.Entity != "" {
		w.add("al.entity = ?", f.Entity)
	}
	if f.Key != "" {
		w.add("al.entity_key = ?", f.Key)
	}
	if f.Before > 0 {
		w.add("al.id < ?", f.Before)
	}
	if !whole {
		db.auditInSubtree(&w, a.UnitID)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT al.id, al.at, al.actor, al.action, al.entity, al.entity_key, al.before_json, al.after_json
		FROM audit_log al`+w.sql()+` ORDER BY al.id DESC LIMIT `+fmt.Sprint(f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("find audit entries: %w", err)
	}
	defer rows.Close()
	var out []*muster.AuditEntry
	for rows.Next() {
		var e muster.AuditEntry
		var at string
		var before, after sql.NullString
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Entity, &e.Key, &before, &after); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		if before.Valid {
			e.Before = []byte(before.String)
		}
		if after.Valid {
			e.After = []byte(after.String)
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

// auditUnits says, for each kind of audit entry that belongs to a unit,
// how to find the unit from the entry al: the tables, the match of the
// entry's key ({id} is the key's leading number: exercise entries are
// keyed "ID", "ID/DAY", "ID/SN" or "ID/SN/DAY") and the unit's column.
var auditUnits = []struct{ entities, from, match, unit string }{
	{"'member'", "members x", "x.service_number = al.entity_key", "x.unit_id"},
	{"'unit'", "units x", "x.code = al.entity_key", "x.id"},
	{"'callup'", "callups x", "x.id = {id}", "x.unit_id"},
	{"'callup_template'", "callup_templates x", "x.name = al.entity_key", "x.unit_id"},
	{"'exercise', 'exercise_participant', 'exercise_attendance'", "exercises x", "x.id = {id}", "x.unit_id"},
	{"'item'", "items x JOIN item_state s ON s.item_id = x.id", "x.serial = al.entity_key", "s.unit_id"},
	{"'armory_check'", "armory_checks x", "x.id = {id}", "x.unit_id"},
	{"'armory_discrepancy'", "armory_discrepancies x JOIN armory_checks c ON c.id = x.check_id", "x.id = {id}", "c.unit_id"},
	{"'calendar_feed'", "calendar_feeds x LEFT JOIN members m ON m.id = x.member_id", "x.id = {id}", "COALESCE(x.unit_id, m.unit_id)"},
}

// auditInSubtree adds the condition that the entry al is about a thing
// of auditUnits whose unit lies in the subtree of the unit rootID.
func (db *DB) auditInSubtree(w *where, rootID int64) {
	root := w.next(rootID)
	// The key's leading number, NULL (PostgreSQL) or 0 (SQLite) for none.
	id := db.dialect.pick(`CAST(al.entity_key AS INTEGER)`, `CAST(substring(al.entity_key from '^[0-9]{1,18}') AS BIGINT)`)
	conds := make([]string, len(auditUnits))
	for i, u := range auditUnits {
		conds[i] = "(al.entity IN (" + u.entities + ") AND EXISTS (SELECT 1 FROM " + u.from +
			" WHERE " + strings.ReplaceAll(u.match, "{id}", id) +
			" AND " + u.unit + " IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = " + root + ")))"
	}
	w.add("(" + strings.Join(conds, " OR ") + ")")
}
