package sqldb

import (
	"context"
	"fmt"
	"strings"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/answertoken"
)

// Readiness counts the call-up's targeted members in the unit's subtree
// with one GROUP BY over callup_members, which carries each member's unit
// (its covering index makes the count one index range), and rolls the
// counts up the unit tree in memory, as UnitStrengths does.
func (db *DB) Readiness(ctx context.Context, id int64, unit string, depth int) (*muster.Readiness, error) {
	c, err := db.FindCallUp(ctx, id)
	if err != nil {
		return nil, err
	}
	if unit == "" {
		unit = c.Unit
	}
	// FindUnits checks the unit against the actor's subtree.
	units, err := db.FindUnits(ctx, muster.UnitFilter{Under: unit})
	if err != nil {
		return nil, err
	}
	root := units[0]
	if root.ID != c.UnitID {
		// The call-up's subtree, tested as the scope of an actor bound to it.
		in, err := inScope(ctx, db.read, &muster.Actor{UnitID: c.UnitID}, root.ID)
		if err != nil {
			return nil, err
		}
		if !in {
			return nil, fieldError(muster.EINVALID, "unit", "%s is outside the call-up's unit %s", unit, c.Unit)
		}
	}
	var w where
	w.add("callup_id = ?", id)
	if root.ID != c.UnitID {
		w.add("unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)", root.ID)
	}
	// Grouped in the order of the covering index, so that no sort is needed.
	rows, err := db.read.QueryContext(ctx, `SELECT unit_id, answer, delivered, count(*), sum(CASE WHEN checked_in_at <> '' THEN 1 ELSE 0 END)
		FROM callup_members`+w.sql()+` GROUP BY unit_id, answer, delivered`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("readiness counts: %w", err)
	}
	defer rows.Close()
	byUnit := make(map[int64]*muster.Readiness, len(units))
	for _, u := range units {
		byUnit[u.ID] = &muster.Readiness{Unit: u.Code, Name: u.Name, Target: u.TargetStrength, Children: []*muster.Readiness{}}
	}
	// Members a re-alert added from a pool outside the call-up's unit
	// count in the call-up's totals, in no child.
	var outside muster.Readiness
	for rows.Next() {
		var unitID int64
		var answer string
		var delivered, n, checkedIn int
		if err := rows.Scan(&unitID, &answer, &delivered, &n, &checkedIn); err != nil {
			return nil, err
		}
		r := byUnit[unitID]
		if r == nil {
			r = &outside
		}
		r.Targeted += n
		r.CheckedIn += checkedIn
		if delivered != 0 {
			r.Delivered += n
		}
		switch muster.AnswerKind(answer) {
		case muster.AnswerYes:
			r.Yes += n
		case muster.AnswerLate:
			r.Late += n
		case muster.AnswerNo:
			r.No += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	level := rollUp(units, func(child, parent int64) { addReadiness(byUnit[parent], byUnit[child]) })
	addReadiness(byUnit[root.ID], &outside)
	for _, u := range units {
		r := byUnit[u.ID]
		r.NoAnswer = r.Targeted - r.Yes - r.Late - r.No
		if u.ID != root.ID && level[u.ID] <= depth {
			p := byUnit[u.ParentID]
			p.Children = append(p.Children, r) // in tree order: by code
		}
	}
	r := byUnit[root.ID]
	if len(c.Requirements) > 0 {
		under := root.ID
		if root.ID == c.UnitID {
			under = 0 // the whole call-up: no subtree test
		}
		if r.Qualifications, err = qualificationCounts(ctx, db.read, c, under); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// addReadiness adds r's counts into p's.
func addReadiness(p, r *muster.Readiness) {
	p.Target += r.Target
	p.Targeted += r.Targeted
	p.Delivered += r.Delivered
	p.Yes += r.Yes
	p.Late += r.Late
	p.No += r.No
	p.CheckedIn += r.CheckedIn
}

// Notices calls fn for each delivery of the call-up, in service-number
// and channel order, with the member's response link.
func (db *DB) Notices(ctx context.Context, id int64, baseURL string, fn func(muster.Notice) error) error {
	c, err := db.FindCallUp(ctx, id)
	if err != nil {
		return err
	}
	key, err := db.answerTokenKey(ctx)
	if err != nil {
		return err
	}
	baseURL = strings.TrimRight(baseURL, "/")
	rows, err := db.read.QueryContext(ctx, `SELECT m.id, m.service_number, m.family_name, m.given_name, d.channel
		FROM deliveries d JOIN members m ON m.id = d.member_id WHERE d.callup_id = $1 AND d.purpose = 'notice'
		ORDER BY m.service_number, d.channel`, c.ID)
	if err != nil {
		return fmt.Errorf("notices: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var memberID int64
		var n muster.Notice
		var family, given string
		if err := rows.Scan(&memberID, &n.ServiceNumber, &family, &given, &n.Channel); err != nil {
			return err
		}
		n.Name = family + " " + given
		token := answertoken.Sign(key, c.ID, memberID)
		if token == "" {
			return fmt.Errorf("notices: member %d or call-up %d has an id too large for a response token", memberID, c.ID)
		}
		n.ResponseURL = baseURL + "/r/" + token
		if err := fn(n); err != nil {
			return err
		}
	}
	return rows.Err()
}
