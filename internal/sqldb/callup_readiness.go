package sqldb

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/answertoken"
)

// Readiness counts the call-up's targeted members in the unit's subtree
// from the call-up's counts by group, kept in memory while answers come
// in (readiness_cache.go), and rolls them up the unit tree, as
// UnitStrengths does. See readinessCallUp for who may read which unit.
func (db *DB) Readiness(ctx context.Context, id int64, unit string, depth int) (*muster.Readiness, error) {
	c, unit, err := db.readinessCallUp(ctx, id, unit)
	if err != nil {
		return nil, err
	}
	// FindUnits checks the unit against the actor's subtree.
	units, err := db.FindUnits(ctx, muster.UnitFilter{Under: unit})
	if err != nil {
		return nil, err
	}
	root := units[0]
	if root.ID != c.UnitID {
		in, err := withinUnit(ctx, db.read, c.UnitID, root.ID)
		if err != nil {
			return nil, err
		}
		if !in {
			return nil, fieldError(muster.EINVALID, "unit", "%s is outside the call-up's unit %s", unit, c.Unit)
		}
	}
	byUnit := make(map[int64]*muster.Readiness, len(units))
	for _, u := range units {
		byUnit[u.ID] = &muster.Readiness{Unit: u.Code, Name: u.Name, Target: u.TargetStrength, Children: []*muster.Readiness{}}
	}
	whole := root.ID == c.UnitID
	// Members a re-alert added from a pool outside the call-up's unit
	// count in the call-up's totals, in no child.
	var outside muster.Readiness
	var quals []*muster.QualificationReadiness
	err = db.readinessCounts(ctx, id, func(b *readinessBase) {
		for g, n := range b.units {
			r := byUnit[g.unit]
			if r == nil && !whole {
				continue // outside the subtree asked for
			} else if r == nil {
				r = &outside
			}
			tally(r, g, n)
		}
		if len(c.Requirements) > 0 {
			only := byUnit
			if whole {
				only = nil // the whole call-up: no subtree test
			}
			quals = qualificationReadiness(c, b.quals, only)
		}
	})
	if err != nil {
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
	r.Qualifications = quals
	return r, nil
}

// readinessCallUp returns the call-up and the unit whose readiness to
// count ("" asks for the default). An actor whose subtree holds the
// call-up's unit reads any unit of the call-up, its own unit by default.
// An actor whose unit lies inside the call-up's subtree (a district's
// clerk at a region's call-up, who checks the district's members in)
// reads the units of its own subtree, its own unit by default; Readiness
// refuses the others through FindUnits. Any other actor gets EFORBIDDEN.
func (db *DB) readinessCallUp(ctx context.Context, id int64, unit string) (*muster.CallUp, string, error) {
	a, err := actorAllowed(ctx, muster.PermReadRoster)
	if err != nil {
		return nil, "", err
	}
	c, err := findCallUp(ctx, db.read, id)
	if err != nil {
		return nil, "", err
	}
	whole, err := inScope(ctx, db.read, a, c.UnitID)
	if err != nil {
		return nil, "", err
	}
	if whole {
		if unit == "" {
			unit = c.Unit
		}
		return c, unit, nil
	}
	inside, err := withinUnit(ctx, db.read, c.UnitID, a.UnitID)
	if err != nil {
		return nil, "", err
	}
	if !inside {
		return nil, "", muster.Errorf(muster.EFORBIDDEN, "Call-up %d is outside your unit (%s).", id, a.Unit)
	}
	if unit == "" {
		unit = a.Unit
	}
	return c, unit, nil
}

// tally adds a group's members into r's counts.
func tally(r *muster.Readiness, g readinessGroup, c readinessCount) {
	r.Targeted += c.n
	r.CheckedIn += c.checkedIn
	if g.delivered {
		r.Delivered += c.n
	}
	switch muster.AnswerKind(g.answer) {
	case muster.AnswerYes:
		r.Yes += c.n
	case muster.AnswerLate:
		r.Late += c.n
	case muster.AnswerNo:
		r.No += c.n
	}
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
// and channel order, with the member's response link. A response link is
// the member's only credential, so the actor needs PermCheckIn (the staff
// who work the call-up at the desk: they hand out the paper notices and
// check members in), not only roster.read, and the call-up's unit in its
// subtree.
func (db *DB) Notices(ctx context.Context, id int64, baseURL string, fn func(muster.Notice) error) error {
	a, err := actorAllowed(ctx, muster.PermCheckIn)
	if err != nil {
		return err
	}
	c, err := findCallUp(ctx, db.read, id)
	if err != nil {
		return err
	}
	if err := checkScope(ctx, db.read, a, c.UnitID, "Call-up "+strconv.FormatInt(id, 10)); err != nil {
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
