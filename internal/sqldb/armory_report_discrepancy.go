package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// OpenDiscrepancies lists the open discrepancies of the check campaigns
// run over units of the subtree: escalated first (their deadline has
// passed), then oldest first.
func (db *DB) OpenDiscrepancies(ctx context.Context, unit string) (*muster.DiscrepancyReport, error) {
	u, err := db.FindUnit(ctx, unit) // roster.read, and the unit in the actor's subtree
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT d.id, d.check_id, d.kind, d.serial, d.member, d.detail, d.created_at,
		d.escalated_at, d.resolved_at, d.resolved_by, d.resolution, cu.code, c.deadline
		FROM armory_discrepancies d JOIN armory_checks c ON c.id = d.check_id JOIN units cu ON cu.id = c.unit_id
		WHERE d.resolved_at = '' AND c.unit_id`+inReportTree+`
		ORDER BY CASE WHEN d.escalated_at = '' THEN 1 ELSE 0 END, d.created_at, d.id`, u.ID)
	if err != nil {
		return nil, fmt.Errorf("open discrepancies: %w", err)
	}
	defer rows.Close()
	out := &muster.DiscrepancyReport{Unit: u.Code, Discrepancies: []muster.OpenDiscrepancy{}}
	for rows.Next() {
		var o muster.OpenDiscrepancy
		var deadline string
		d, err := scanDiscrepancy(scanPlus{rows, []any{&o.Unit, &deadline}})
		if err != nil {
			return nil, err
		}
		o.Discrepancy, o.Deadline = *d, parseTime(deadline)
		out.Discrepancies = append(out.Discrepancies, o)
	}
	return out, rows.Err()
}

// scanPlus scans a row whose first columns are another scanner's and
// whose last are extra.
type scanPlus struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (s scanPlus) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra...)...) }
