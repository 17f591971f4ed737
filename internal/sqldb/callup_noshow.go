package sqldb

import (
	"context"
	"fmt"
	"strings"

	"github.com/muster-force/muster"
)

// SelectionSummary counts the call-up's selection so far.
func (db *DB) SelectionSummary(ctx context.Context, id int64) (*muster.SelectionSummary, error) {
	if _, err := db.FindCallUp(ctx, id); err != nil {
		return nil, err
	}
	s, err := selectionSummary(ctx, db.read, id)
	return &s, err
}

// maxCandidates bounds a page of candidates.
const maxCandidates = 1000

// Candidates returns a page of the call-up's yes and late members, by
// service number.
func (db *DB) Candidates(ctx context.Context, id int64, f muster.CandidateFilter) ([]*muster.Candidate, error) {
	if _, err := db.FindCallUp(ctx, id); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > maxCandidates {
		f.Limit = 100
	}
	var w where
	w.add("cm.callup_id = ?", id)
	w.add("cm.answer IN ('yes', 'late')")
	if q := strings.TrimSpace(f.Q); q != "" {
		w.add(`(m.service_number LIKE ? ESCAPE '\' OR m.search_key LIKE ? ESCAPE '\')`, likePrefix(q), likePrefix(muster.SearchPrefix(q)))
	}
	if f.After != "" {
		w.add("m.service_number > ?", f.After)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT m.service_number, m.family_name, m.given_name, u.code, cm.answer, cm.eta_minutes,
		cm.selected_at, cm.standby_at
		FROM callup_members cm JOIN members m ON m.id = cm.member_id JOIN units u ON u.id = cm.unit_id`+w.sql()+`
		ORDER BY m.service_number LIMIT `+fmt.Sprint(f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("candidates: %w", err)
	}
	defer rows.Close()
	out := []*muster.Candidate{}
	for rows.Next() {
		var c muster.Candidate
		var family, given, selected, standby string
		if err := rows.Scan(&c.ServiceNumber, &family, &given, &c.Unit, &c.Answer, &c.ETAMinutes, &selected, &standby); err != nil {
			return nil, err
		}
		c.Name, c.Selected, c.Standby = family+" "+given, selected != "", standby != "" && selected == ""
		out = append(out, &c)
	}
	return out, rows.Err()
}

// likePrefix returns a LIKE pattern (escape character '\') matching
// strings that start with s.
func likePrefix(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// NoShows streams the call-up's members in the unit's subtree who have not
// checked in, once the report-by time has passed.
func (db *DB) NoShows(ctx context.Context, id int64, unit string, fn func(*muster.NoShow) error) error {
	c, err := db.FindCallUp(ctx, id)
	if err != nil {
		return err
	}
	if now := db.now(); now.Before(c.ReportBy) {
		return muster.Errorf(muster.ECONFLICT, "The no-show list is made after the report-by time (%s); until then the readiness board shows who has not answered.",
			db.clock(c.ReportBy))
	}
	var w where
	w.add("cm.callup_id = ?", id)
	w.add("cm.checked_in_at = ''")
	if unit != "" && unit != c.Unit {
		u, err := findUnit(ctx, db.read, unit)
		if err != nil {
			return err
		}
		if err := checkScope(ctx, db.read, muster.ActorFrom(ctx), u.ID, "Unit "+unit); err != nil {
			return err
		}
		if in, err := withinUnit(ctx, db.read, c.UnitID, u.ID); err != nil {
			return err
		} else if !in {
			return fieldError(muster.EINVALID, "unit", "%s is outside the call-up's unit %s", unit, c.Unit)
		}
		w.inSubtree("cm.unit_id", u.ID)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT m.service_number, m.family_name, m.given_name, u.code, m.phone,
		cm.answer, cm.eta_minutes, cm.reason, cm.answered_at, cm.selected_at
		FROM callup_members cm JOIN members m ON m.id = cm.member_id JOIN units u ON u.id = cm.unit_id`+w.sql()+`
		ORDER BY CASE WHEN cm.selected_at <> '' OR cm.answer IN ('yes', 'late') THEN 0 WHEN cm.answer = '' THEN 1 ELSE 2 END,
			u.code, m.service_number`, w.args...)
	if err != nil {
		return fmt.Errorf("no-shows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n muster.NoShow
		var family, given, answeredAt, selected string
		if err := rows.Scan(&n.ServiceNumber, &family, &given, &n.Unit, &n.Phone, &n.Answer, &n.ETAMinutes, &n.Reason,
			&answeredAt, &selected); err != nil {
			return err
		}
		n.Name, n.AnsweredAt, n.Selected = family+" "+given, parseTime(answeredAt), selected != ""
		if err := fn(&n); err != nil {
			return err
		}
	}
	return rows.Err()
}
