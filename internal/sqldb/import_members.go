package sqldb

import (
	"context"
	"fmt"
	"slices"

	"github.com/muster-force/muster"
)

var _ muster.RosterService = (*DB)(nil)

// requiredToCreate are the columns a new member cannot do without.
var requiredToCreate = []string{"family_name", "given_name", "birth_date", "unit", "status"}

// ImportMembers upserts the members of src, all or nothing.
func (db *DB) ImportMembers(ctx context.Context, src muster.MemberSource, opt muster.ImportOptions) (*muster.ImportResult, error) {
	present := columnsOf(src.Columns())
	res := &muster.ImportResult{}
	err := db.bulkWriteTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermWriteRoster); err != nil {
			return err
		}
		refs, err := loadRefs(ctx, tx, tx.actor)
		if err != nil {
			return err
		}
		w, err := tx.newMemberWriter(ctx, refs)
		if err != nil {
			return err
		}
		defer w.close()
		bulk, err := tx.newBulkLoad(ctx)
		if err != nil {
			return err
		}
		defer bulk.close()
		imp := &memberImport{tx: tx, w: w, present: present, res: res, newBad: map[string]int{}, bulk: bulk, initial: bulk.initial()}
		batches := prefetch(ctx, src, importBatch, imp.initial)
		defer batches.stop()
		for batch := range batches.c {
			if batch.err != nil {
				return batch.err
			}
			if err := imp.batch(ctx, batch); err != nil {
				return err
			}
			if err := bulk.grew(ctx, res.Created); err != nil {
				return err
			}
		}
		if err := ctx.Err(); err != nil {
			return err // the reader stopped early: do not commit half a file
		}
		if err := imp.problems.err("file"); err != nil {
			return err
		}
		if err := bulk.finish(ctx); err != nil {
			return err
		}
		if err := tx.audit(ctx, "member.import", "import", "members", nil, res); err != nil {
			return err
		}
		if opt.DryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && err != errDryRun {
		return nil, err
	}
	if err == nil {
		db.analyzeAfterImport(ctx, res)
	}
	return res, nil
}

// analyzeAfterImport refreshes PostgreSQL's planner statistics after a
// large import, so that the next queries are planned for the new roster
// rather than an empty one; autovacuum would get there, but later. (SQLite's
// queries here carry their plan in their shape and need no statistics.)
func (db *DB) analyzeAfterImport(ctx context.Context, res *muster.ImportResult) {
	if db.dialect != postgres || res.Created+res.Updated < bulkThreshold {
		return
	}
	if _, err := db.write.ExecContext(ctx, `ANALYZE units, unit_tree, members, member_qualifications`); err != nil {
		db.Logger.Warn("analyze after import", "err", err)
	}
}

// memberImport is the state of one member import.
type memberImport struct {
	tx       *Tx
	w        *memberWriter
	present  fileColumns
	res      *muster.ImportResult
	problems problems
	seen     lineSet
	newBad   map[string]int // service numbers of new members whose rows had problems
	creates  []*muster.Member
	keys     []string       // the search keys of creates, by index
	pending  map[string]int // service numbers created in this batch, by line
	bulk     *bulkLoad
	// initial is set on a load into an empty roster on SQLite: nothing
	// exists but what the import creates, and the prefetcher finds the
	// service numbers that repeat (recordBatch.firsts).
	initial bool
}

// importBatch is how many records an import reads, looks up and writes at
// a time.
const importBatch = 512

// batch looks up the existing members of a batch of records in one query,
// checks every record, and writes the good ones.
func (imp *memberImport) batch(ctx context.Context, b recordBatch) error {
	recs := b.recs
	existing, err := imp.lookup(ctx, recs)
	if err != nil {
		return err
	}
	imp.creates, imp.keys = imp.creates[:0], imp.keys[:0]
	imp.pending = map[string]int{}
	for i, rec := range recs {
		n := len(imp.creates)
		first := 0
		if b.firsts != nil {
			first = b.firsts[i]
		}
		if err := imp.row(ctx, rec, existing[rec.Member.ServiceNumber], first); err != nil {
			return err
		}
		if len(imp.creates) > n {
			imp.keys = append(imp.keys, b.keys[i])
		}
	}
	if err := imp.w.createKeyed(ctx, imp.creates, imp.keys); err != nil {
		return err
	}
	for _, m := range imp.creates {
		imp.seen.mark(m.ID, imp.pending[m.ServiceNumber])
	}
	imp.res.Created += len(imp.creates)
	return nil
}

// lookup reads the members of the batch that exist already, by service number.
func (imp *memberImport) lookup(ctx context.Context, recs []*muster.MemberRecord) (map[string]*muster.Member, error) {
	found := map[string]*muster.Member{}
	if imp.initial {
		return found, nil // nothing exists but what the import created
	}
	var numbers []any
	for _, rec := range recs {
		if muster.ValidServiceNumber(rec.Member.ServiceNumber) {
			numbers = append(numbers, rec.Member.ServiceNumber)
		}
	}
	if len(numbers) == 0 {
		return found, nil
	}
	var w where
	w.add("m.service_number IN ("+marks(len(numbers))+")", numbers...)
	rows, err := imp.tx.QueryContext(ctx, `SELECT `+memberColumns+w.sql(), w.args...)
	if err != nil {
		return nil, fmt.Errorf("find members: %w", err)
	}
	defer rows.Close()
	var list []*muster.Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		found[m.ServiceNumber] = m
		list = append(list, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return found, loadMemberDetails(ctx, imp.tx, list)
}

// row checks one record; a good one is updated at once or queued for
// creation with the rest of its batch. first is, on an initial load, the
// earlier line that gave the same service number (or 0).
func (imp *memberImport) row(ctx context.Context, rec *muster.MemberRecord, before *muster.Member, first int) error {
	m := &rec.Member
	bad := append([]muster.ErrorDetail(nil), rec.Problems...)
	report := func() { imp.reject(rec.Line, imp.badRowRefs(m, bad)) }
	if !muster.ValidServiceNumber(m.ServiceNumber) {
		if len(bad) == 0 {
			bad = append(bad, muster.ErrorDetail{Field: "service_number", Message: "required, 1–32 letters, digits or '-'"})
		}
		report()
		return nil
	}
	if !imp.initial {
		first = imp.firstLine(before, m.ServiceNumber)
	}
	if first > 0 {
		bad = append(bad, muster.ErrorDetail{Field: "service_number", Message: fmt.Sprintf("%s appears more than once in the file (first on line %d)", m.ServiceNumber, first)})
		report()
		return nil
	}
	after := m
	if before == nil {
		bad = append(bad, imp.present.missingToCreate(requiredToCreate, "member "+m.ServiceNumber)...)
	} else {
		if !imp.w.refs.units[before.Unit].inScope {
			bad = append(bad, muster.ErrorDetail{Field: "service_number", Message: "member " + m.ServiceNumber + " belongs to a unit outside yours"})
		}
		after = imp.merge(before, m)
	}
	if len(bad) > 0 {
		imp.markBad(before, m, rec.Line)
		report()
		return nil
	}
	// A good row's references, checked on the member it makes; this also
	// sets the member's unit id.
	if bad = imp.w.refs.check(after); len(bad) > 0 {
		imp.markBad(before, m, rec.Line)
		imp.reject(rec.Line, bad)
		return nil
	}
	if before == nil {
		imp.pending[m.ServiceNumber] = rec.Line
		imp.creates = append(imp.creates, after)
		return nil
	}
	imp.seen.mark(before.ID, rec.Line)
	changed, err := imp.w.update(ctx, before, after)
	if err != nil {
		return err
	}
	if !changed {
		imp.res.Unchanged++
		return nil
	}
	imp.res.Updated++
	return imp.tx.audit(ctx, "member.update", "member", m.ServiceNumber, before, after)
}

// badRowRefs returns bad, the problems of a row, with the problems of the
// row's references added: its unit and qualifications, where the file has
// their columns and they are well-formed (a malformed one is in bad
// already). They are checked whatever else is wrong with the row, so that
// one pass reports every problem of a row.
func (imp *memberImport) badRowRefs(m *muster.Member, bad []muster.ErrorDetail) []muster.ErrorDetail {
	r := imp.w.refs
	unitBad := slices.ContainsFunc(bad, func(d muster.ErrorDetail) bool { return d.Field == "unit" })
	if imp.present["unit"] && muster.ValidCode(m.Unit) && !unitBad {
		if p := r.unitProblem(m.Unit); p != "" {
			bad = append(bad, muster.ErrorDetail{Field: "unit", Message: p})
		}
	}
	if !imp.present["qualifications"] {
		return bad
	}
	for i, q := range m.Qualifications {
		repeat := slices.ContainsFunc(m.Qualifications[:i], func(e muster.MemberQualification) bool { return e.Code == q.Code })
		if !muster.ValidCode(q.Code) || repeat {
			continue // reported as malformed or listed twice
		}
		if p := r.qualificationProblem(q.Code); p != "" {
			bad = append(bad, muster.ErrorDetail{Field: "qualifications", Message: p})
		}
	}
	return bad
}

// reject records the problems of the row at line.
func (imp *memberImport) reject(line int, bad []muster.ErrorDetail) {
	for i := range bad {
		bad[i].Line = line
	}
	imp.problems.add(bad...)
}

// markBad remembers the line of a bad row, so that a later row with the
// same service number is reported as a repeat.
func (imp *memberImport) markBad(before, m *muster.Member, line int) {
	if before != nil {
		imp.seen.mark(before.ID, line)
	} else {
		imp.newBad[m.ServiceNumber] = line
	}
}

// firstLine returns the line that already touched this member in the
// import, or 0.
func (imp *memberImport) firstLine(before *muster.Member, serviceNumber string) int {
	if before != nil {
		return imp.seen.line(before.ID)
	}
	if line, ok := imp.pending[serviceNumber]; ok {
		return line
	}
	return imp.newBad[serviceNumber]
}

// merge returns before with the columns present in the file taken from m.
func (imp *memberImport) merge(before, m *muster.Member) *muster.Member {
	after := *before
	after.Qualifications = before.Qualifications
	p := imp.present
	if p["family_name"] {
		after.FamilyName = m.FamilyName
	}
	if p["given_name"] {
		after.GivenName = m.GivenName
	}
	if p["birth_date"] {
		after.BirthDate = m.BirthDate
	}
	if p["unit"] {
		after.Unit = m.Unit
	}
	if p["position"] {
		after.Position = m.Position
	}
	if p["status"] {
		after.Status = m.Status
	}
	if p["phone"] {
		after.Phone = m.Phone
	}
	if p["email"] {
		after.Email = m.Email
	}
	if p["employer"] {
		after.Employer = m.Employer
	}
	if p["qualifications"] {
		after.Qualifications = m.Qualifications
	}
	return &after
}
