package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/muster-force/muster"
)

var _ muster.AuditService = (*DB)(nil)

// FindAuditEntries returns audit entries, newest first, to actors who may
// read the audit log. Entries are not scoped by unit: reading the log is a
// commander's or an admin's task.
func (db *DB) FindAuditEntries(ctx context.Context, f muster.AuditFilter) ([]*muster.AuditEntry, error) {
	if _, err := actorAllowed(ctx, muster.PermReadAudit); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	var w where
	if f.Entity != "" {
		w.add("entity = ?", f.Entity)
	}
	if f.Key != "" {
		w.add("entity_key = ?", f.Key)
	}
	if f.Before > 0 {
		w.add("id < ?", f.Before)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, actor, action, entity, entity_key, before_json, after_json FROM audit_log`+
		w.sql()+` ORDER BY id DESC LIMIT `+fmt.Sprint(f.Limit), w.args...)
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
