package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// exportBatch is how many members ExportMembers reads per query.
const exportBatch = 1000

// ExportMembers calls fn for each member of the unit subtree in
// service-number order, reading in batches so memory stays flat.
func (db *DB) ExportMembers(ctx context.Context, unit string, fn func(*muster.Member) error) error {
	a, err := actorAllowed(ctx, muster.PermReadRoster)
	if err != nil {
		return err
	}
	rootID := a.UnitID
	if unit != "" {
		u, err := db.FindUnit(ctx, unit)
		if err != nil {
			return err
		}
		rootID = u.ID
	}
	after := ""
	for {
		var w where
		w.add("m.service_number > ?", after)
		if rootID != 0 {
			w.inSubtree("m.unit_id", rootID)
		}
		rows, err := db.read.QueryContext(ctx, `SELECT `+memberColumns+w.sql()+` ORDER BY m.service_number LIMIT `+fmt.Sprint(exportBatch), w.args...)
		if err != nil {
			return fmt.Errorf("export members: %w", err)
		}
		var batch []*muster.Member
		for rows.Next() {
			m, err := scanMember(rows)
			if err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := loadMemberDetails(ctx, db.read, batch); err != nil {
			return err
		}
		for _, m := range batch {
			if err := fn(m); err != nil {
				return err
			}
		}
		if len(batch) < exportBatch {
			return nil
		}
		after = batch[len(batch)-1].ServiceNumber
	}
}
