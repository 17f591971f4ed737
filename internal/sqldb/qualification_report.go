package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/muster-force/muster"
)

var _ muster.CoverageService = (*DB)(nil)

// unitCoverage is one unit's counts while the report is built: its own,
// then its subtree's once rolled up. Maps are by qualification id.
type unitCoverage struct {
	members   int
	holders   map[int64]int // valid holders, not discharged
	own       map[int64]int // what the unit itself requires
	childNeed map[int64]int // the sum of its children's needed
	childGap  map[int64]int // the sum of its children's gaps
}

// needed and gap are the unit's, once its children are rolled into it.
func (c *unitCoverage) needed(q int64) int { return max(c.own[q], c.childNeed[q]) }
func (c *unitCoverage) gap(q int64) int    { return max(c.own[q]-c.holders[q], c.childGap[q], 0) }

// QualificationCoverage counts, in one snapshot, the subtree's members
// by unit and status, valid holders by qualification and unit, the
// discharged among them (few; they are taken off), and the requirements:
// four GROUP BY queries by unit, none per unit, rolled up the tree in
// memory as Participation does.
func (db *DB) QualificationCoverage(ctx context.Context, f muster.CoverageFilter) (*muster.CoverageReport, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	// FindUnits checks roster.read and the unit against the actor's subtree.
	units, err := db.FindUnits(ctx, muster.UnitFilter{Under: f.Unit})
	if err != nil {
		return nil, err
	}
	byUnit := make(map[int64]*unitCoverage, len(units))
	for _, u := range units {
		byUnit[u.ID] = &unitCoverage{holders: map[int64]int{}, own: map[int64]int{}, childNeed: map[int64]int{}, childGap: map[int64]int{}}
	}
	tx, err := db.snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	defer tx.Rollback()
	today := db.today()
	root, discharged := units[0].ID, string(muster.StatusDischarged)
	const inSubtree = " IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = $1)"
	// The whole force's members and holders are every row: without the
	// subtree's test per row they are counted in about half the time.
	whole, err := wholeForce(ctx, tx, root)
	if err != nil {
		return nil, err
	}
	var members, holders where
	current := members.next(discharged)
	holders.add("mq.expires_on >= ?", today.String())
	if !whole {
		members.inSubtree("m.unit_id", root)
		holders.inSubtree("mq.unit_id", root)
	}
	err = eachUnitCount(ctx, tx, `SELECT m.unit_id, CASE WHEN m.status = `+current+` THEN 0 ELSE 1 END, count(*) FROM members m`+
		members.sql()+` GROUP BY m.unit_id, m.status`, members.args, func(unit, current int64, n int) {
		if c := byUnit[unit]; c != nil {
			c.members += int(current) * n
		}
	})
	if err != nil {
		return nil, fmt.Errorf("coverage members: %w", err)
	}
	// In the order of the index member_qualifications_valid: no sort.
	err = eachUnitCount(ctx, tx, `SELECT mq.unit_id, mq.qualification_id, count(*) FROM member_qualifications mq`+
		holders.sql()+` GROUP BY mq.qualification_id, mq.unit_id`, holders.args, func(unit, q int64, n int) {
		if c := byUnit[unit]; c != nil {
			c.holders[q] += n
		}
	})
	if err != nil {
		return nil, fmt.Errorf("coverage holders: %w", err)
	}
	// The discharged are few; the subtree's test lets SQLite find them by
	// the index members_unit (unit_id, status) even for the whole force.
	err = eachUnitCount(ctx, tx, `SELECT mq.unit_id, mq.qualification_id, count(*) FROM members m
		JOIN member_qualifications mq ON mq.member_id = m.id
		WHERE m.unit_id`+inSubtree+` AND m.status = $2 AND mq.expires_on >= $3 GROUP BY mq.unit_id, mq.qualification_id`,
		[]any{root, discharged, today.String()}, func(unit, q int64, n int) {
			if c := byUnit[unit]; c != nil {
				c.holders[q] -= n
			}
		})
	if err != nil {
		return nil, fmt.Errorf("coverage discharged holders: %w", err)
	}
	err = eachUnitCount(ctx, tx, `SELECT r.unit_id, r.qualification_id, r.needed FROM unit_requirements r WHERE r.unit_id`+inSubtree,
		[]any{root}, func(unit, q int64, n int) {
			if c := byUnit[unit]; c != nil {
				c.own[q] = n
			}
		})
	if err != nil {
		return nil, fmt.Errorf("coverage requirements: %w", err)
	}
	codes, err := qualificationCodes(ctx, tx)
	if err != nil {
		return nil, err
	}
	level := rollUp(units, func(child, parent int64) {
		c, p := byUnit[child], byUnit[parent]
		p.members += c.members
		for q := range codes {
			p.holders[q] += c.holders[q]
			p.childNeed[q] += c.needed(q)
			p.childGap[q] += c.gap(q)
		}
	})
	// The columns: the qualifications held or needed in the subtree.
	top := byUnit[root]
	var cols []int64
	for q := range codes {
		if top.holders[q] > 0 || top.needed(q) > 0 {
			cols = append(cols, q)
		}
	}
	slices.SortFunc(cols, func(a, b int64) int { return strings.Compare(codes[a], codes[b]) })
	out := &muster.CoverageReport{Unit: units[0].Code, Date: today, Depth: f.Depth, Qualifications: []string{}, Units: []muster.UnitCoverage{}}
	for _, q := range cols {
		out.Qualifications = append(out.Qualifications, codes[q])
	}
	for _, u := range units {
		if level[u.ID] > f.Depth {
			continue
		}
		c := byUnit[u.ID]
		line := muster.UnitCoverage{Unit: u.Code, Name: u.Name, Level: level[u.ID], Members: c.members, Coverage: make([]muster.Coverage, len(cols))}
		for i, q := range cols {
			cv := muster.Coverage{Qualification: codes[q], Holders: c.holders[q], Needed: c.needed(q), Gap: c.gap(q)}
			if c.members > 0 {
				cv.Share = float64(cv.Holders) / float64(c.members)
			}
			line.Coverage[i] = cv
		}
		out.Units = append(out.Units, line)
	}
	return out, nil
}

// eachUnitCount runs a query of rows (unit_id, key, count) and passes each
// row to add.
func eachUnitCount(ctx context.Context, q querier, query string, args []any, add func(unit, key int64, n int)) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var unit, key int64
		var n int
		if err := rows.Scan(&unit, &key, &n); err != nil {
			return err
		}
		add(unit, key, n)
	}
	return rows.Err()
}

// qualificationCodes reads the catalogue's codes by id.
func qualificationCodes(ctx context.Context, tx *sql.Tx) (map[int64]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, code FROM qualifications`)
	if err != nil {
		return nil, fmt.Errorf("qualifications: %w", err)
	}
	defer rows.Close()
	codes := map[int64]string{}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return nil, err
		}
		codes[id] = code
	}
	return codes, rows.Err()
}
