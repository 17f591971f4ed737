package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

var _ muster.CallUpService = (*DB)(nil)

const callupColumns = `c.id, c.title, c.kind, u.code, c.unit_id, c.filter_json, c.message, c.assembly_point,
	c.report_by, c.channels, c.drill, c.targeted, c.created_by, c.created_at,
	c.requirements_json, c.escalation_json
	FROM callups c JOIN units u ON u.id = c.unit_id`

func scanCallUp(row interface{ Scan(...any) error }) (*muster.CallUp, error) {
	var c muster.CallUp
	var filter, reportBy, channels, created string
	var drill int
	var requirements, escalation string
	err := row.Scan(&c.ID, &c.Title, &c.Kind, &c.Unit, &c.UnitID, &filter, &c.Message, &c.AssemblyPoint,
		&reportBy, &channels, &drill, &c.Targeted, &c.CreatedBy, &created, &requirements, &escalation)
	if err != nil {
		return nil, err
	}
	if err := scanEscalation(&c, requirements, escalation); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(filter), &c.Filter); err != nil {
		return nil, fmt.Errorf("call-up %d: filter: %w", c.ID, err)
	}
	c.ReportBy, c.CreatedAt, c.Drill = parseTime(reportBy), parseTime(created), drill != 0
	c.Channels = []muster.Channel{}
	for ch := range strings.SplitSeq(channels, ",") {
		if ch != "" {
			c.Channels = append(c.Channels, muster.Channel(ch))
		}
	}
	return &c, nil
}

// findCallUp reads a call-up without a scope check.
func findCallUp(ctx context.Context, q querier, id int64) (*muster.CallUp, error) {
	c, err := scanCallUp(q.QueryRowContext(ctx, `SELECT `+callupColumns+` WHERE c.id = $1`, id))
	if err != nil {
		return nil, notFound(err, "Call-up %d does not exist.", id)
	}
	return c, nil
}

// FindCallUp returns the call-up, if its unit is in the actor's subtree.
func (db *DB) FindCallUp(ctx context.Context, id int64) (*muster.CallUp, error) {
	a, err := actorAllowed(ctx, muster.PermReadRoster)
	if err != nil {
		return nil, err
	}
	c, err := findCallUp(ctx, db.read, id)
	if err != nil {
		return nil, err
	}
	if err := checkScope(ctx, db.read, a, c.UnitID, "Call-up "+strconv.FormatInt(id, 10)); err != nil {
		return nil, err
	}
	if c.EscalationStatus, err = escalationStatus(ctx, db.read, id); err != nil {
		return nil, err
	}
	return c, nil
}

// FindCallUps returns the call-ups of units in the actor's subtree, newest
// first.
func (db *DB) FindCallUps(ctx context.Context) ([]*muster.CallUp, error) {
	a, err := actorAllowed(ctx, muster.PermReadRoster)
	if err != nil {
		return nil, err
	}
	var w where
	w.inScope("c.unit_id", a)
	rows, err := db.read.QueryContext(ctx, `SELECT `+callupColumns+w.sql()+` ORDER BY c.id DESC`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("find call-ups: %w", err)
	}
	defer rows.Close()
	out := []*muster.CallUp{}
	for rows.Next() {
		c, err := scanCallUp(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
