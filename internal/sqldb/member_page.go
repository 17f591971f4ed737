package sqldb

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/muster-force/muster"
)

// MaxPageSize caps the members returned in one page.
const MaxPageSize = 500

// memberCursor is where a page ends: the last member's sort key.
type memberCursor struct {
	Key string `json:"k"`
	SN  string `json:"s"`
}

func encodeCursor(c memberCursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (memberCursor, error) {
	var c memberCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.SN == "" {
		return c, fieldError(muster.EINVALID, "cursor", "not a cursor returned by this API")
	}
	return c, nil
}

// FindMembers returns one page of the members that match the filter, in
// name order, with their total.
func (db *DB) FindMembers(ctx context.Context, f muster.MemberFilter) (*muster.MemberPage, error) {
	a, err := actorAllowed(ctx, muster.PermReadRoster)
	if err != nil {
		return nil, err
	}
	q, err := db.memberQuery(ctx, a, f)
	if err != nil {
		return nil, err
	}
	from, cw := q.countQuery()
	total, err := db.count(ctx, from, cw)
	if err != nil {
		return nil, err
	}
	plan, err := db.choosePlan(ctx, q, total)
	if err != nil {
		return nil, err
	}
	w := q.conds(plan == planByQualification, plan == planByName)
	// Members come in name order; a search by service number lists them
	// in number order (case folded, as it searches), along the index it
	// searches.
	order := "m.search_key, m.service_number"
	if q.byNumber {
		order = "lower(m.service_number), m.service_number"
		if q.cursor != nil {
			sn := q.cursor.SN
			w.add("(lower(m.service_number) > ? OR (lower(m.service_number) = ? AND m.service_number > ?))", strings.ToLower(sn), strings.ToLower(sn), sn)
		}
	} else if q.cursor != nil {
		w.add("(m.search_key > ? OR (m.search_key = ? AND m.service_number > ?))", q.cursor.Key, q.cursor.Key, q.cursor.SN)
	}
	text := `SELECT m.search_key, ` + memberFields + ` FROM ` + q.from(plan == planByQualification, true) + w.sql() +
		` ORDER BY ` + order + ` LIMIT ` + fmt.Sprint(q.limit+1)
	members, keys, err := db.queryMembers(ctx, text, w.args)
	if err != nil {
		return nil, err
	}
	out := &muster.MemberPage{Members: members, Total: total}
	if len(members) > q.limit {
		out.Members = members[:q.limit]
		last := out.Members[q.limit-1]
		out.NextCursor = encodeCursor(memberCursor{Key: keys[q.limit-1], SN: last.ServiceNumber})
	}
	if err := loadMemberDetails(ctx, db.read, out.Members); err != nil {
		return nil, err
	}
	return out, nil
}

// count returns the number of rows of from that match w.
func (db *DB) count(ctx context.Context, from string, w *where) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM `+from+w.sql(), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count members: %w", err)
	}
	return n, nil
}

// queryMembers runs a member query and returns the members with their
// search keys (for the cursor).
func (db *DB) queryMembers(ctx context.Context, text string, args []any) ([]*muster.Member, []string, error) {
	rows, err := db.read.QueryContext(ctx, text, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("find members: %w", err)
	}
	defer rows.Close()
	var members []*muster.Member
	var keys []string
	for rows.Next() {
		var key string
		m, err := scanMember(scanPrefix{rows, &key})
		if err != nil {
			return nil, nil, err
		}
		members = append(members, m)
		keys = append(keys, key)
	}
	return members, keys, rows.Err()
}

// scanPrefix scans leading columns into extra destinations before handing
// the rest to a row scanner.
type scanPrefix struct {
	rows interface{ Scan(...any) error }
	dst  *string
}

func (s scanPrefix) Scan(dest ...any) error {
	return s.rows.Scan(append([]any{s.dst}, dest...)...)
}
