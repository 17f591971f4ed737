package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// DeliveryStatuses counts the call-up's deliveries by channel and status,
// for staff who follow the dispatch (and for tests), if the call-up's unit
// is in the actor's subtree.
func (db *DB) DeliveryStatuses(ctx context.Context, id int64) (map[muster.Channel]map[muster.DeliveryStatus]int, error) {
	if _, err := db.FindCallUp(ctx, id); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT channel, status, count(*) FROM deliveries WHERE callup_id = $1 GROUP BY channel, status`, id)
	if err != nil {
		return nil, fmt.Errorf("delivery statuses: %w", err)
	}
	defer rows.Close()
	out := map[muster.Channel]map[muster.DeliveryStatus]int{}
	for rows.Next() {
		var ch muster.Channel
		var status muster.DeliveryStatus
		var n int
		if err := rows.Scan(&ch, &status, &n); err != nil {
			return nil, err
		}
		if out[ch] == nil {
			out[ch] = map[muster.DeliveryStatus]int{}
		}
		out[ch][status] = n
	}
	return out, rows.Err()
}
