package rostercsv

import (
	"fmt"
	"io"
	"strings"
	"time"

	muster "github.com/muster-force/muster"
)

// MemberReader reads a members CSV file. It implements muster.MemberSource.
type MemberReader struct {
	// Today bounds birth dates in the checks of muster.Member.Validate.
	// NewMemberReader sets it to the current date.
	Today muster.Date

	rows    *rows
	present [numMemberColumns]bool
}

var _ muster.MemberSource = (*MemberReader)(nil)

// NewMemberReader reads the header of a members CSV file from r. name is
// the file name used in messages. A missing, unknown, duplicate or
// unnamed column is an EUNPROCESSABLE error naming the file and column.
func NewMemberReader(r io.Reader, name string) (*MemberReader, error) {
	rs, err := openRows(r, name, memberTable)
	if err != nil {
		return nil, err
	}
	mr := &MemberReader{Today: muster.DateOf(time.Now()), rows: rs}
	for _, c := range rs.pos {
		mr.present[c] = true
	}
	return mr, nil
}

// Columns returns the member columns of the file in the contract's order.
func (mr *MemberReader) Columns() []string {
	var cols []string
	for c, ok := range mr.present {
		if ok {
			cols = append(cols, memberTable.columns[c])
		}
	}
	return cols
}

// Next returns the member of the next row, with the problems found in it,
// or io.EOF after the last row. Fields are trimmed of surrounding spaces.
// Only the columns of the file are checked, so that a file of some columns
// can update existing members.
func (mr *MemberReader) Next() (*muster.MemberRecord, error) {
	fields, line, problem, err := mr.rows.next()
	if err != nil {
		return nil, err
	}
	rec := &muster.MemberRecord{Line: line}
	if problem != nil {
		rec.Problems = []muster.ErrorDetail{*problem}
		return rec, nil
	}
	var bad [numMemberColumns]bool // columns with a parse problem
	rec.Problems = mr.rows.setFields(line, fields, rec.Problems, bad[:], func(c int, v string) []string {
		return setMember(&rec.Member, c, v)
	})
	for _, d := range muster.ErrorDetails(rec.Member.Validate(mr.Today)) {
		if c := memberTable.index(d.Field); c >= 0 && mr.present[c] && !bad[c] {
			d.Line = line
			d.Message = validateMessage(&rec.Member, c, d.Message)
			rec.Problems = append(rec.Problems, d)
		}
	}
	mr.rows.sortProblems(rec.Problems)
	return rec, nil
}

// validateMessage returns a message of Member.Validate about column c of m,
// made more specific where the reader knows better.
func validateMessage(m *muster.Member, c int, msg string) string {
	if msg == muster.ControlProblem {
		return msg
	}
	switch c {
	case colPhone:
		return "not a phone number in E.164 form such as +375291234567: " + quote(m.Phone)
	case colEmail:
		return "not an e-mail address: " + quote(m.Email)
	}
	return msg
}

// setMember sets column c of m to v and returns what is wrong with its
// syntax; Member.Validate checks the rest.
func setMember(m *muster.Member, c int, v string) []string {
	switch c {
	case colServiceNumber:
		m.ServiceNumber = v
	case colFamilyName:
		m.FamilyName = v
	case colGivenName:
		m.GivenName = v
	case colBirthDate:
		if v == "" {
			return nil
		}
		d, err := muster.ParseDate(v)
		if err != nil {
			return []string{muster.DateProblem(v) + ": " + quote(v)}
		}
		m.BirthDate = d
	case colUnit:
		m.Unit = v
	case colPosition:
		m.Position = v
	case colStatus:
		m.Status = muster.MemberStatus(v)
		if v != "" && !m.Status.Valid() {
			return []string{fmt.Sprintf("unknown status %s; the statuses are %s", quote(v), statusList())}
		}
	case colPhone:
		m.Phone = v // checked by Validate; see validateMessage
	case colEmail:
		m.Email = v
	case colEmployer:
		m.Employer = v
	case colQualifications:
		var msgs []string
		m.Qualifications, msgs = parseQualifications(v)
		return msgs
	}
	return nil
}

// statusList returns the member statuses joined by ", ".
func statusList() string {
	s := make([]string, len(muster.MemberStatuses))
	for i, st := range muster.MemberStatuses {
		s[i] = string(st)
	}
	return strings.Join(s, ", ")
}

// parseQualifications parses "CODE" or "CODE:YYYY-MM-DD" items joined by
// ";", tolerating spaces around items; "" means none.
func parseQualifications(v string) ([]muster.MemberQualification, []string) {
	if v == "" {
		return nil, nil
	}
	var qs []muster.MemberQualification
	var msgs []string
	for i, item := range strings.Split(v, ";") {
		item = strings.TrimSpace(item)
		code, expiry, hasExpiry := strings.Cut(item, ":")
		code, expiry = strings.TrimSpace(code), strings.TrimSpace(expiry)
		var q muster.MemberQualification
		switch {
		case item == "":
			msgs = append(msgs, fmt.Sprintf("item %d is empty; write CODE or CODE:YYYY-MM-DD joined by \";\"", i+1))
			continue
		case code == "":
			msgs = append(msgs, fmt.Sprintf("item %d has no code: %s", i+1, quote(item)))
			continue
		case hasExpiry:
			d, err := muster.ParseDate(expiry)
			if err != nil {
				msgs = append(msgs, fmt.Sprintf("expiry of %s is %s: %s", code, muster.DateProblem(expiry), quote(expiry)))
				continue
			}
			q.Expires = d
		}
		q.Code = code
		qs = append(qs, q)
	}
	return qs, msgs
}
