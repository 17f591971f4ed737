package sqldb

import (
	"context"
	"fmt"
	"strings"

	"github.com/muster-force/muster"
)

var _ muster.MemberService = (*DB)(nil)

// memberFields are the columns scanMember reads, with units joined as u.
const memberFields = `m.id, m.service_number, m.family_name, m.given_name, m.birth_date, u.code, m.unit_id,
	m.position, m.status, m.phone, m.email, m.employer, m.created_at, m.updated_at`

const memberColumns = memberFields + ` FROM members m JOIN units u ON u.id = m.unit_id`

func scanMember(row interface{ Scan(...any) error }) (*muster.Member, error) {
	var m muster.Member
	var birth, created, updated string
	err := row.Scan(&m.ID, &m.ServiceNumber, &m.FamilyName, &m.GivenName, &birth, &m.Unit, &m.UnitID,
		&m.Position, &m.Status, &m.Phone, &m.Email, &m.Employer, &created, &updated)
	if err != nil {
		return nil, err
	}
	m.BirthDate, _ = muster.ParseDate(birth)
	m.CreatedAt, m.UpdatedAt = parseTime(created), parseTime(updated)
	m.Qualifications = []muster.MemberQualification{}
	return &m, nil
}

// findMember reads a member with qualifications and assignments, without a
// scope check.
func findMember(ctx context.Context, q querier, serviceNumber string) (*muster.Member, error) {
	m, err := scanMember(q.QueryRowContext(ctx, `SELECT `+memberColumns+` WHERE m.service_number = $1`, serviceNumber))
	if err != nil {
		return nil, notFound(err, "Member %s does not exist.", serviceNumber)
	}
	if err := loadMemberDetails(ctx, q, []*muster.Member{m}); err != nil {
		return nil, err
	}
	return m, nil
}

// noExpiry stands for "does not expire" in member_qualifications.expires_on,
// so that validity is one index range.
const noExpiry = "9999-12-31"

// loadMemberDetails fills in the qualifications and assignments of members.
func loadMemberDetails(ctx context.Context, q querier, members []*muster.Member) error {
	if len(members) == 0 {
		return nil
	}
	byID := make(map[int64]*muster.Member, len(members))
	ids := make([]any, len(members))
	for i, m := range members {
		byID[m.ID] = m
		ids[i] = m.ID
	}
	var w where
	w.add("mq.member_id IN ("+marks(len(ids))+")", ids...)
	rows, err := q.QueryContext(ctx, `SELECT mq.member_id, qd.code, mq.expires_on FROM member_qualifications mq
		JOIN qualifications qd ON qd.id = mq.qualification_id`+w.sql()+` ORDER BY qd.code`, w.args...)
	if err != nil {
		return fmt.Errorf("load qualifications: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var mq muster.MemberQualification
		var expires string
		if err := rows.Scan(&id, &mq.Code, &expires); err != nil {
			return err
		}
		if expires != noExpiry {
			mq.Expires, _ = muster.ParseDate(expires)
		}
		byID[id].Qualifications = append(byID[id].Qualifications, mq)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var wa where
	wa.add("ma.member_id IN ("+marks(len(ids))+")", ids...)
	arows, err := q.QueryContext(ctx, `SELECT ma.member_id, u.code, ma.position, ma.since FROM member_assignments ma
		JOIN units u ON u.id = ma.unit_id`+wa.sql()+` ORDER BY u.code`, wa.args...)
	if err != nil {
		return fmt.Errorf("load assignments: %w", err)
	}
	defer arows.Close()
	for arows.Next() {
		var id int64
		var a muster.Assignment
		var since string
		if err := arows.Scan(&id, &a.Unit, &a.Position, &since); err != nil {
			return err
		}
		a.Since, _ = muster.ParseDate(since)
		byID[id].Assignments = append(byID[id].Assignments, a)
	}
	return arows.Err()
}

// FindMember returns the member, if the actor may see it.
func (db *DB) FindMember(ctx context.Context, serviceNumber string) (*muster.Member, error) {
	a, err := actorAllowed(ctx, muster.PermReadRoster)
	if err != nil {
		return nil, err
	}
	m, err := findMember(ctx, db.read, serviceNumber)
	if err != nil {
		return nil, err
	}
	if err := checkScope(ctx, db.read, a, m.UnitID, "Member "+serviceNumber); err != nil {
		return nil, err
	}
	return m, nil
}

// MemberStatusHistory returns the member's status changes, oldest first.
func (db *DB) MemberStatusHistory(ctx context.Context, serviceNumber string) ([]muster.StatusChange, error) {
	m, err := db.FindMember(ctx, serviceNumber)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT status, at, actor FROM member_status_history WHERE member_id = $1 ORDER BY id`, m.ID)
	if err != nil {
		return nil, fmt.Errorf("status history: %w", err)
	}
	defer rows.Close()
	var out []muster.StatusChange
	for rows.Next() {
		var c muster.StatusChange
		var at string
		if err := rows.Scan(&c.Status, &at, &c.Actor); err != nil {
			return nil, err
		}
		c.At = parseTime(at)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		// No change since the member was created: the first status stands.
		out = append(out, muster.StatusChange{Status: m.Status, At: m.CreatedAt, Actor: "created"})
	}
	return out, nil
}

// looksLikeServiceNumber reports whether a search is for a service number
// rather than a name: names have no digits.
func looksLikeServiceNumber(q string) bool {
	return strings.ContainsAny(q, "0123456789")
}
