// Package rostercsv reads and writes the roster CSV files of the contract:
// units (code,name,parent,kind,target_strength) and members
// (service_number,family_name,…,qualifications). Files are UTF-8 with or
// without a byte order mark, have a header row, and may list their columns
// in any order. Readers stream: they hold one row at a time, whatever the
// size of the file.
package rostercsv

import (
	"fmt"
	"strings"

	muster "github.com/muster-force/muster"
)

// table describes the columns of one kind of CSV file.
type table struct {
	kind     string   // "member" or "unit", for messages
	columns  []string // in the contract's order
	required []string
}

// index returns the position of column in t.columns, or -1.
func (t *table) index(column string) int {
	for i, c := range t.columns {
		if c == column {
			return i
		}
	}
	return -1
}

// The member columns in the contract's order; the constants index them.
const (
	colServiceNumber = iota
	colFamilyName
	colGivenName
	colBirthDate
	colUnit
	colPosition
	colStatus
	colPhone
	colEmail
	colEmployer
	colQualifications
	numMemberColumns
)

var memberTable = &table{
	kind: "member",
	columns: []string{"service_number", "family_name", "given_name", "birth_date", "unit",
		"position", "status", "phone", "email", "employer", "qualifications"},
	required: []string{"service_number"},
}

// The unit columns in the contract's order; the constants index them.
const (
	colCode = iota
	colName
	colParent
	colKind
	colTargetStrength
	numUnitColumns
)

var unitTable = &table{
	kind:     "unit",
	columns:  []string{"code", "name", "parent", "kind", "target_strength"},
	required: []string{"code"},
}

// MemberColumns returns the member columns in the contract's order.
func MemberColumns() []string { return append([]string(nil), memberTable.columns...) }

// UnitColumns returns the unit columns in the contract's order.
func UnitColumns() []string { return append([]string(nil), unitTable.columns...) }

// matchHeader maps each header cell to its column in t, or returns the
// problems of the header: unknown, duplicate, unnamed or missing columns.
func matchHeader(header []string, line int, t *table) ([]int, []muster.ErrorDetail) {
	var details []muster.ErrorDetail
	bad := func(field, msg string) {
		details = append(details, muster.ErrorDetail{Line: line, Field: field, Message: msg})
	}
	pos := make([]int, len(header))
	seen := make([]int, len(t.columns)) // 1-based header position of each column
	for i, h := range header {
		h = strings.TrimSpace(h)
		c := t.index(h)
		pos[i] = c
		switch {
		case h == "":
			bad("", fmt.Sprintf("column %d has no name", i+1))
		case c < 0:
			bad(short(h), "unknown column"+hint(h, t))
		case seen[c] > 0:
			bad(h, fmt.Sprintf("column appears twice (columns %d and %d)", seen[c], i+1))
			pos[i] = -1
		default:
			seen[c] = i + 1
		}
	}
	for _, r := range t.required {
		if seen[t.index(r)] == 0 {
			bad(r, "required column is missing")
		}
	}
	return pos, details
}

// hint suggests the column the user probably meant, or lists them all.
func hint(h string, t *table) string {
	if c := t.index(strings.ToLower(h)); c >= 0 {
		return fmt.Sprintf("; did you mean %q? (column names are lower case)", t.columns[c])
	}
	return "; the " + t.kind + " columns are " + strings.Join(t.columns, ", ")
}

// headerError returns the EUNPROCESSABLE error of a bad header of file name.
func headerError(name string, details []muster.ErrorDetail) error {
	msg := name + ": " + details[0].String()
	if n := len(details) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more problems)", n)
	}
	return &muster.Error{Code: muster.EUNPROCESSABLE, Message: msg, Details: details}
}

// short returns s, cut to at most 60 bytes on a rune boundary, for messages.
func short(s string) string {
	if len(s) <= 60 {
		return s
	}
	i := 60
	for i > 0 && !isRuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// isRuneStart reports whether b begins a UTF-8 sequence.
func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// quote returns s shortened and quoted for a message.
func quote(s string) string { return fmt.Sprintf("%q", short(s)) }
