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
		return c, muster.Errorf(muster.EINVALID, "cursor: not a cursor returned by this API")
	}
	return c, nil
}

// FindMembers returns one page of the members that match the filter, in
// name order, with their total.
func (db *DB) FindMembers(ctx context.Context, f muster.MemberFilter) (*muster.MemberPage, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := require(a, muster.PermReadRoster); err != nil {
		return nil, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	} else if f.Limit > MaxPageSize {
		return nil, muster.Errorf(muster.EINVALID, "limit: at most %d", MaxPageSize)
	}
	rootID := a.UnitID
	if f.Unit != "" {
		u, err := db.FindUnit(ctx, f.Unit)
		if err != nil {
			return nil, err
		}
		rootID = u.ID
	}
	var w where
	if rootID != 0 {
		// The unary + keeps SQLite from driving the query by the unit index
		// when the subtree is large; see the plan choice below.
		w.add("+m.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)", rootID)
	}
	for _, s := range f.Status {
		if !s.Valid() {
			return nil, muster.Errorf(muster.EINVALID, "status: %q is not one of applicant, active, reserve, inactive, discharged", s)
		}
	}
	if len(f.Status) > 0 {
		args := make([]any, len(f.Status))
		for i, s := range f.Status {
			args[i] = string(s)
		}
		w.add("m.status IN ("+marks(len(args))+")", args...)
	}
	var qualID int64
	if f.Qualification != "" {
		if err := db.read.QueryRowContext(ctx, `SELECT id FROM qualifications WHERE code = $1`, f.Qualification).Scan(&qualID); err != nil {
			return nil, notFoundAs(err, muster.EINVALID, "qualification: %q is not in the catalogue", f.Qualification)
		}
		w.add("EXISTS (SELECT 1 FROM member_qualifications mq WHERE mq.member_id = m.id AND mq.qualification_id = ? AND mq.expires_on >= ?)",
			qualID, db.today().String())
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		if looksLikeServiceNumber(q) {
			w.add("m.service_number >= ? AND m.service_number < ?", q, q+"\U0010FFFF")
		} else if p := muster.SearchPrefix(q); p != "" {
			w.add("m.search_key >= ? AND m.search_key < ?", p, p+"\U0010FFFF")
		}
	}
	total, err := db.countMembers(ctx, &w)
	if err != nil {
		return nil, err
	}
	page := w.clone()
	if f.Cursor != "" {
		c, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		page.add("(m.search_key > ? OR (m.search_key = ? AND m.service_number > ?))", c.Key, c.Key, c.SN)
	}
	text := `SELECT ` + memberColumns + page.sql() + ` ORDER BY m.search_key, m.service_number LIMIT ` + fmt.Sprint(f.Limit+1)
	if total < smallSubtree && rootID != 0 {
		// Few rows match: read them through the unit index and sort them,
		// instead of walking the name index past rows that do not match.
		text = strings.Replace(text, "+m.unit_id IN", "m.unit_id IN", 1)
	}
	members, keys, err := db.queryMembers(ctx, text, page.args)
	if err != nil {
		return nil, err
	}
	out := &muster.MemberPage{Members: members, Total: total}
	if len(members) > f.Limit {
		out.Members = members[:f.Limit]
		last := out.Members[f.Limit-1]
		out.NextCursor = encodeCursor(memberCursor{Key: keys[f.Limit-1], SN: last.ServiceNumber})
	}
	if err := loadMemberDetails(ctx, db.read, out.Members); err != nil {
		return nil, err
	}
	return out, nil
}

// smallSubtree is the match count under which a page is read through the
// unit index rather than the name index.
const smallSubtree = 3000

// countMembers counts the members that match w.
func (db *DB) countMembers(ctx context.Context, w *where) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM members m`+strings.Replace(w.sql(), "+m.unit_id", "m.unit_id", 1), w.args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count members: %w", err)
	}
	return n, nil
}

// queryMembers runs a member query and returns the members with their
// search keys (for the cursor).
func (db *DB) queryMembers(ctx context.Context, text string, args []any) ([]*muster.Member, []string, error) {
	text = strings.Replace(text, "SELECT "+memberColumns, "SELECT m.search_key, "+memberColumns, 1)
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
