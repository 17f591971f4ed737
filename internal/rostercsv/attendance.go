package rostercsv

import (
	"io"
	"strconv"
	"strings"

	muster "github.com/muster-force/muster"
)

// The attendance sheet columns in order; the constants index them.
const (
	colMarkServiceNumber = iota
	colMarkDate
	colMarkPresent
	colMarkHours
	colMarkRole
	numMarkColumns
)

var markTable = &table{
	kind:     "attendance",
	columns:  []string{"service_number", "date", "present", "hours", "role"},
	required: []string{"service_number", "date", "present"},
}

// MarkReader reads an attendance sheet: service_number,date,present,hours
// and optionally role, one row per member and day. It implements
// muster.MarkSource.
type MarkReader struct {
	rows *rows
}

var _ muster.MarkSource = (*MarkReader)(nil)

// NewMarkReader reads the header of an attendance sheet from r. name is
// the file name used in messages. service_number, date and present are
// required; hours defaults to 0 and role to the participant's role.
func NewMarkReader(r io.Reader, name string) (*MarkReader, error) {
	rs, err := openRows(r, name, markTable)
	if err != nil {
		return nil, err
	}
	return &MarkReader{rows: rs}, nil
}

// Next returns the mark of the next row, with the problems found in it, or
// io.EOF after the last row.
func (mr *MarkReader) Next() (*muster.MarkRecord, error) {
	fields, line, problem, err := mr.rows.next()
	if err != nil {
		return nil, err
	}
	rec := &muster.MarkRecord{Line: line}
	if problem != nil {
		rec.Problems = []muster.ErrorDetail{*problem}
		return rec, nil
	}
	var bad [numMarkColumns]bool
	rec.Problems = mr.rows.setFields(line, fields, rec.Problems, bad[:], func(c int, v string) []string {
		return one(setMark(&rec.Mark, c, v))
	})
	bad[colMarkHours] = bad[colMarkHours] || bad[colMarkPresent] // hours are checked against present
	for _, d := range rec.Mark.Validate() {
		if c := markTable.index(d.Field); c >= 0 && !bad[c] {
			d.Line = line
			rec.Problems = append(rec.Problems, d)
		}
	}
	mr.rows.sortProblems(rec.Problems)
	return rec, nil
}

// setMark sets column c of m to v and returns what is wrong with v.
func setMark(m *muster.Mark, c int, v string) string {
	switch c {
	case colMarkServiceNumber:
		m.ServiceNumber = v
	case colMarkDate:
		if v == "" {
			return "" // Validate reports it as required
		}
		d, err := muster.ParseDate(v)
		if err != nil {
			return muster.DateProblem(v) + ": " + quote(v)
		}
		m.Date = d
	case colMarkPresent:
		switch strings.ToLower(v) {
		case "1", "true", "yes", "y", "present", "x":
			m.Present = true
		case "0", "false", "no", "n", "absent", "":
			m.Present = false
		default:
			return "must be 1 or 0 (also true/false, yes/no, present/absent): " + quote(v)
		}
	case colMarkHours:
		if v == "" {
			return ""
		}
		h, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
		if err != nil {
			return "not a number of hours: " + quote(v)
		}
		m.Hours = h
	case colMarkRole:
		m.Role = muster.ParticipantRole(v)
	}
	return ""
}
