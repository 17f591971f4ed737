package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/muster-force/muster"
)

// memberQuery is a parsed and checked member filter.
type memberQuery struct {
	rootID   int64 // unit subtree; 0 for the whole force
	statuses []any
	qualID   int64
	today    string
	keyFrom  string // search key or lower-cased service number range, when searching
	keyTo    string
	byNumber bool
	cursor   *memberCursor
	limit    int
}

// memberQuery checks the filter against the actor's scope and the catalogue.
func (db *DB) memberQuery(ctx context.Context, a *muster.Actor, f muster.MemberFilter) (*memberQuery, error) {
	q := &memberQuery{rootID: a.UnitID, limit: f.Limit, today: db.today().String()}
	if q.limit <= 0 {
		q.limit = 50
	} else if q.limit > MaxPageSize {
		return nil, fieldError(muster.EINVALID, "limit", "at most %d", MaxPageSize)
	}
	if f.Unit != "" {
		u, err := db.FindUnit(ctx, f.Unit)
		if err != nil {
			return nil, err
		}
		q.rootID = u.ID
	}
	if q.rootID != 0 {
		// The subtree of the force's only top unit is everyone: no test.
		var whole bool
		err := db.read.QueryRowContext(ctx, `SELECT (SELECT parent_id FROM units WHERE id = $1) IS NULL
			AND (SELECT count(*) FROM units WHERE parent_id IS NULL) = 1`, q.rootID).Scan(&whole)
		if err != nil {
			return nil, fmt.Errorf("subtree of unit %d: %w", q.rootID, err)
		}
		if whole {
			q.rootID = 0
		}
	}
	for _, s := range f.Status {
		if !s.Valid() {
			return nil, fieldError(muster.EINVALID, "status", "%q is not one of applicant, active, reserve, inactive, discharged", s)
		}
		q.statuses = append(q.statuses, string(s))
	}
	if f.Qualification != "" {
		err := db.read.QueryRowContext(ctx, `SELECT id FROM qualifications WHERE code = $1`, f.Qualification).Scan(&q.qualID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fieldError(muster.EINVALID, "qualification", "%q is not in the catalogue", f.Qualification)
		} else if err != nil {
			return nil, err
		}
	}
	if text := strings.TrimSpace(f.Query); text != "" {
		if looksLikeServiceNumber(text) {
			// Folded as lower() folds the service numbers of
			// members_number_search: a search ignores case.
			q.byNumber, q.keyFrom = true, strings.ToLower(text)
		} else {
			q.keyFrom = muster.SearchPrefix(text)
		}
		q.keyTo = q.keyFrom + "\U0010FFFF"
	}
	if f.Cursor != "" {
		c, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		q.cursor = &c
	}
	return q, nil
}

// from returns the FROM clause: members alone, or driven by the
// qualification index (CROSS JOIN keeps that order on SQLite); withUnits
// joins units for the member's unit code.
func (q *memberQuery) from(byQualification, withUnits bool) string {
	from := "members m"
	if byQualification {
		from = "member_qualifications mq CROSS JOIN members m"
	}
	if withUnits {
		from += " JOIN units u ON u.id = m.unit_id"
	}
	return from
}

// conds returns the filter's conditions. byQualification reads valid
// holders from member_qualifications (joined as mq); otherwise a
// qualification filter is an EXISTS. byName writes the subtree test so
// that SQLite cannot use the unit index, leaving it to walk the name index.
func (q *memberQuery) conds(byQualification, byName bool) *where {
	w := &where{}
	unitCol := "m.unit_id"
	if byQualification {
		w.add("m.id = mq.member_id")
		w.add("mq.qualification_id = ? AND mq.expires_on >= ?", q.qualID, q.today)
		unitCol = "mq.unit_id"
	} else if q.qualID != 0 {
		w.add("EXISTS (SELECT 1 FROM member_qualifications mq WHERE mq.member_id = m.id AND mq.qualification_id = ? AND mq.expires_on >= ?)", q.qualID, q.today)
	}
	if byName {
		unitCol = "+" + unitCol
	}
	if q.rootID != 0 {
		w.inSubtree(unitCol, q.rootID)
	}
	if len(q.statuses) > 0 {
		w.add("m.status IN ("+marks(len(q.statuses))+")", q.statuses...)
	}
	if q.byNumber {
		w.add("lower(m.service_number) >= ? AND lower(m.service_number) < ?", q.keyFrom, q.keyTo)
	} else if q.keyFrom != "" {
		w.add("m.search_key >= ? AND m.search_key < ?", q.keyFrom, q.keyTo)
	}
	return w
}

// countQuery returns the FROM clause and conditions that count the
// filter's matches. Valid holders of a qualification in a subtree are
// counted from the qualification index alone, which carries unit_id for
// this; other filters count member rows.
func (q *memberQuery) countQuery() (string, *where) {
	if q.qualID == 0 || len(q.statuses) > 0 || q.keyFrom != "" {
		// A search counts along its narrow range of the name index.
		return q.from(false, false), q.conds(false, q.keyFrom != "")
	}
	w := &where{}
	w.add("mq.qualification_id = ? AND mq.expires_on >= ?", q.qualID, q.today)
	if q.rootID != 0 {
		w.inSubtree("mq.unit_id", q.rootID)
	}
	return "member_qualifications mq", w
}

// The ways to read a page of members.
const (
	planByName          = iota // walk the name index, skipping non-matches
	planByUnit                 // read the subtree through the unit index, then sort
	planByQualification        // read valid holders through the qualification index, then sort
)

// choosePlan picks the cheaper way to read one page: walking the name index
// reads about limit×N/total rows; reading every match and sorting reads
// total rows. A search by name or number already walks a narrow range.
func (db *DB) choosePlan(ctx context.Context, q *memberQuery, total int) (int, error) {
	if q.keyFrom != "" || (q.qualID == 0 && q.rootID == 0) {
		return planByName, nil
	}
	var n int64 // members in the roster, estimated by the highest id
	if err := db.read.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM members`).Scan(&n); err != nil {
		return 0, err
	}
	if int64(total)*int64(total) >= int64(q.limit)*n {
		return planByName, nil
	}
	if q.qualID != 0 {
		return planByQualification, nil
	}
	return planByUnit, nil
}
