package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/muster-force/muster"
)

// refs caches what member writes look up: units by code (and whether each
// is in the actor's subtree) and qualifications by code.
type refs struct {
	units map[string]unitRef
	quals map[string]int64
}

type unitRef struct {
	id      int64
	inScope bool
}

// loadRefs reads every unit and qualification once for a batch of writes.
func loadRefs(ctx context.Context, q querier, a *muster.Actor) (*refs, error) {
	r := &refs{units: map[string]unitRef{}, quals: map[string]int64{}}
	scope := map[int64]bool{}
	if !unrestricted(a) {
		rows, err := q.QueryContext(ctx, `SELECT unit_id FROM unit_tree WHERE ancestor_id = $1`, a.UnitID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			scope[id] = true
		}
		rows.Close()
	}
	rows, err := q.QueryContext(ctx, `SELECT id, code FROM units`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var ref unitRef
		var code string
		if err := rows.Scan(&ref.id, &code); err != nil {
			rows.Close()
			return nil, err
		}
		ref.inScope = unrestricted(a) || scope[ref.id]
		r.units[code] = ref
	}
	rows.Close()
	qrows, err := q.QueryContext(ctx, `SELECT id, code FROM qualifications`)
	if err != nil {
		return nil, err
	}
	defer qrows.Close()
	for qrows.Next() {
		var id int64
		var code string
		if err := qrows.Scan(&id, &code); err != nil {
			return nil, err
		}
		r.quals[code] = id
	}
	return r, qrows.Err()
}

// check returns the problems of a member's references: an unknown unit or
// qualification, or a unit outside the actor's subtree.
func (r *refs) check(m *muster.Member) []muster.ErrorDetail {
	var out []muster.ErrorDetail
	if p := r.unitProblem(m.Unit); p != "" {
		out = append(out, muster.ErrorDetail{Field: "unit", Message: p})
	} else {
		m.UnitID = r.units[m.Unit].id
	}
	for _, q := range m.Qualifications {
		if p := r.qualificationProblem(q.Code); p != "" {
			out = append(out, muster.ErrorDetail{Field: "qualifications", Message: p})
		}
	}
	for _, as := range m.Assignments {
		if u, ok := r.units[as.Unit]; !ok || !u.inScope {
			out = append(out, muster.ErrorDetail{Field: "assignments", Message: fmt.Sprintf("unknown unit %q, or outside your unit", as.Unit)})
		}
	}
	return out
}

// unitProblem says what is wrong with a reference to the unit of code: it
// is unknown or outside the actor's subtree; "" when nothing.
func (r *refs) unitProblem(code string) string {
	switch u, ok := r.units[code]; {
	case !ok:
		return fmt.Sprintf("unknown unit %q", code)
	case !u.inScope:
		return fmt.Sprintf("unit %s is outside your unit", code)
	}
	return ""
}

// qualificationProblem says that the qualification of code is unknown, or
// returns "".
func (r *refs) qualificationProblem(code string) string {
	if _, ok := r.quals[code]; !ok {
		return fmt.Sprintf("unknown qualification %q", code)
	}
	return ""
}

// memberWriter writes members inside one transaction with prepared and
// multi-row statements, for single changes and bulk imports alike.
type memberWriter struct {
	tx      *Tx
	refs    *refs
	stmt    map[string]*sql.Stmt
	members *bulkInserter
	quals   *bulkInserter
	// memberRows and qualRows are the rows of the next inserts, kept
	// between them for their memory.
	memberRows, qualRows packedValues
}

var memberStatements = map[string]string{
	"update": `UPDATE members SET family_name = $1, given_name = $2, search_key = $3, birth_date = $4, unit_id = $5, position = $6,
		status = $7, phone = $8, email = $9, employer = $10, updated_at = $11 WHERE id = $12`,
	"deleteQuals":  `DELETE FROM member_qualifications WHERE member_id = $1`,
	"deleteAssign": `DELETE FROM member_assignments WHERE member_id = $1`,
	"insertAssign": `INSERT INTO member_assignments (member_id, unit_id, position, since) VALUES ($1, $2, $3, $4)`,
	"history":      `INSERT INTO member_status_history (member_id, status, at, actor) VALUES ($1, $2, $3, $4)`,
	"countHistory": `SELECT count(*) FROM member_status_history WHERE member_id = $1`,
}

func (tx *Tx) newMemberWriter(ctx context.Context, r *refs) (*memberWriter, error) {
	w := &memberWriter{tx: tx, refs: r, stmt: map[string]*sql.Stmt{},
		members: tx.newBulkInserter("members", "id", "service_number", "family_name", "given_name", "search_key", "birth_date",
			"unit_id", "position", "status", "phone", "email", "employer", "created_at", "updated_at"),
		quals: tx.newBulkInserter("member_qualifications", "member_id", "qualification_id", "expires_on", "unit_id"),
	}
	for name, text := range memberStatements {
		s, err := tx.PrepareContext(ctx, text)
		if err != nil {
			w.close()
			return nil, fmt.Errorf("prepare %s: %w", name, err)
		}
		w.stmt[name] = s
	}
	return w, nil
}

func (w *memberWriter) close() {
	for _, s := range w.stmt {
		s.Close()
	}
	w.members.close()
	w.quals.close()
}

// create inserts checked members, setting their ids. The caller has made
// sure their service numbers are new.
func (w *memberWriter) create(ctx context.Context, members ...*muster.Member) error {
	return w.createKeyed(ctx, members, nil)
}

// createKeyed is create with the members' search keys computed already
// (keys[i] is members[i]'s), as an import computes them on its reading
// goroutine; nil keys are computed here.
func (w *memberWriter) createKeyed(ctx context.Context, members []*muster.Member, keys []string) error {
	if len(members) == 0 {
		return nil
	}
	ids, err := w.tx.allocateIDs(ctx, "members", len(members))
	if err != nil {
		return err
	}
	now := formatTime(w.tx.now)
	w.memberRows.reset()
	w.qualRows.reset()
	for i, m := range members {
		m.ID, m.CreatedAt, m.UpdatedAt = ids[i], w.tx.now, w.tx.now
		var key string
		if keys != nil {
			key = keys[i]
		} else {
			key = muster.SearchKey(m.FamilyName, m.GivenName)
		}
		r := &w.memberRows
		r.integer(m.ID)
		r.str(m.ServiceNumber)
		r.str(m.FamilyName)
		r.str(m.GivenName)
		r.str(key)
		r.str(m.BirthDate.String())
		r.integer(m.UnitID)
		r.str(m.Position)
		r.str(string(m.Status))
		r.str(m.Phone)
		r.str(m.Email)
		r.str(m.Employer)
		r.str(now)
		r.str(now)
		w.appendQualifications(&w.qualRows, m)
	}
	if err := w.members.insert(ctx, &w.memberRows); err != nil {
		if isUniqueViolation(err) {
			return muster.Errorf(muster.ECONFLICT, "A member with this service number already exists.")
		}
		return err
	}
	if err := w.quals.insert(ctx, &w.qualRows); err != nil {
		return err
	}
	for _, m := range members {
		if err := w.writeAssignments(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// update writes after over before (same member, both checked); it reports
// whether anything changed, and writes nothing when nothing did.
func (w *memberWriter) update(ctx context.Context, before, after *muster.Member) (bool, error) {
	after.ID, after.CreatedAt = before.ID, before.CreatedAt
	qualsChanged := !slices.Equal(sortedQuals(before.Qualifications), sortedQuals(after.Qualifications))
	assignChanged := !slices.Equal(before.Assignments, after.Assignments)
	rowChanged := before.FamilyName != after.FamilyName || before.GivenName != after.GivenName ||
		before.BirthDate != after.BirthDate || before.UnitID != after.UnitID || before.Position != after.Position ||
		before.Status != after.Status || before.Phone != after.Phone || before.Email != after.Email || before.Employer != after.Employer
	if !rowChanged && !qualsChanged && !assignChanged {
		after.UpdatedAt = before.UpdatedAt
		return false, nil
	}
	after.UpdatedAt = w.tx.now
	_, err := w.stmt["update"].ExecContext(ctx, after.FamilyName, after.GivenName, muster.SearchKey(after.FamilyName, after.GivenName),
		after.BirthDate.String(), after.UnitID, after.Position, after.Status, after.Phone, after.Email, after.Employer,
		formatTime(w.tx.now), after.ID)
	if err != nil {
		return false, fmt.Errorf("update member: %w", err)
	}
	if qualsChanged || before.UnitID != after.UnitID {
		if _, err := w.stmt["deleteQuals"].ExecContext(ctx, after.ID); err != nil {
			return false, err
		}
		w.qualRows.reset()
		w.appendQualifications(&w.qualRows, after)
		if err := w.quals.insert(ctx, &w.qualRows); err != nil {
			return false, err
		}
	}
	if assignChanged {
		if _, err := w.stmt["deleteAssign"].ExecContext(ctx, after.ID); err != nil {
			return false, err
		}
		if err := w.writeAssignments(ctx, after); err != nil {
			return false, err
		}
	}
	if before.Status != after.Status {
		if err := w.recordStatus(ctx, before, after); err != nil {
			return false, err
		}
	}
	return true, nil
}

// recordStatus appends a status change; the first change also records the
// status the member was created with.
func (w *memberWriter) recordStatus(ctx context.Context, before, after *muster.Member) error {
	var n int
	if err := w.stmt["countHistory"].QueryRowContext(ctx, after.ID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		if _, err := w.stmt["history"].ExecContext(ctx, after.ID, before.Status, formatTime(before.CreatedAt), "created"); err != nil {
			return err
		}
	}
	_, err := w.stmt["history"].ExecContext(ctx, after.ID, after.Status, formatTime(w.tx.now), w.tx.actor.Label())
	return err
}

// appendQualifications appends the member_qualifications rows of m.
func (w *memberWriter) appendQualifications(rows *packedValues, m *muster.Member) {
	for _, q := range m.Qualifications {
		rows.integer(m.ID)
		rows.integer(w.refs.quals[q.Code])
		rows.str(expiresOn(q.Expires))
		rows.integer(m.UnitID)
	}
}

func (w *memberWriter) writeAssignments(ctx context.Context, m *muster.Member) error {
	for _, a := range m.Assignments {
		if a.Since.IsZero() {
			return muster.Errorf(muster.EINVALID, "assignments: since is required")
		}
		_, err := w.stmt["insertAssign"].ExecContext(ctx, m.ID, w.refs.units[a.Unit].id, a.Position, a.Since.String())
		if isUniqueViolation(err) {
			return muster.Errorf(muster.EINVALID, "assignments: unit %s listed twice", a.Unit)
		} else if err != nil {
			return fmt.Errorf("insert assignment: %w", err)
		}
	}
	return nil
}

// sortedQuals returns the qualifications sorted by code, for comparison.
func sortedQuals(qs []muster.MemberQualification) []muster.MemberQualification {
	out := slices.Clone(qs)
	slices.SortFunc(out, func(a, b muster.MemberQualification) int {
		switch {
		case a.Code < b.Code:
			return -1
		case a.Code > b.Code:
			return 1
		}
		return 0
	})
	return out
}
