package rostercsv

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	muster "github.com/muster-force/muster"
)

// UnitReader reads a units CSV file. It implements muster.UnitSource.
type UnitReader struct {
	rows    *rows
	present [numUnitColumns]bool
}

var _ muster.UnitSource = (*UnitReader)(nil)

// NewUnitReader reads the header of a units CSV file from r. name is the
// file name used in messages. Only the column code is required: a file of
// some columns updates those fields of existing units. A missing code, or
// an unknown, duplicate or unnamed column, is an EUNPROCESSABLE error
// naming the file and column.
func NewUnitReader(r io.Reader, name string) (*UnitReader, error) {
	rs, err := openRows(r, name, unitTable)
	if err != nil {
		return nil, err
	}
	ur := &UnitReader{rows: rs}
	for _, c := range rs.pos {
		ur.present[c] = true
	}
	return ur, nil
}

// Columns returns the unit columns of the file in the contract's order.
func (ur *UnitReader) Columns() []string {
	var cols []string
	for c, ok := range ur.present {
		if ok {
			cols = append(cols, unitTable.columns[c])
		}
	}
	return cols
}

// Next returns the unit of the next row, with the problems found in it, or
// io.EOF after the last row. Fields are trimmed of surrounding spaces.
// Only the columns of the file are checked.
func (ur *UnitReader) Next() (*muster.UnitRecord, error) {
	fields, line, problem, err := ur.rows.next()
	if err != nil {
		return nil, err
	}
	rec := &muster.UnitRecord{Line: line}
	if problem != nil {
		rec.Problems = []muster.ErrorDetail{*problem}
		return rec, nil
	}
	var bad [numUnitColumns]bool // columns with a problem already
	rec.Problems = ur.rows.setFields(line, fields, rec.Problems, bad[:], func(c int, v string) []string {
		return one(setUnit(&rec.Unit, c, v))
	})
	for _, d := range muster.ErrorDetails(rec.Unit.Validate()) {
		if c := unitTable.index(d.Field); c >= 0 && ur.present[c] && !bad[c] {
			d.Line = line
			rec.Problems = append(rec.Problems, d)
		}
	}
	ur.rows.sortProblems(rec.Problems)
	return rec, nil
}

// setUnit sets column c of u to v and returns what is wrong with v.
func setUnit(u *muster.Unit, c int, v string) string {
	switch c {
	case colCode:
		u.Code = v
	case colName:
		u.Name = v
	case colParent:
		u.Parent = v
	case colKind:
		u.Kind = muster.UnitKind(v)
		if u.Kind.Rank() < 0 {
			return fmt.Sprintf("unknown kind %s; the kinds are %s", quote(v), kindList())
		}
	case colTargetStrength:
		if v == "" {
			return ""
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return "not a whole number of 0 or more: " + quote(v)
		}
		u.TargetStrength = n
	}
	return ""
}

// kindList returns the unit kinds joined by ", ".
func kindList() string {
	s := make([]string, len(muster.UnitKinds))
	for i, k := range muster.UnitKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
