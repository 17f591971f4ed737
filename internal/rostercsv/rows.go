package rostercsv

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	muster "github.com/muster-force/muster"
)

// bom is the UTF-8 byte order mark that spreadsheet programs put first.
const bom = "\uFEFF"

// notUTF8 is the problem of a header or field that is not UTF-8, as in a
// file saved in a legacy code page such as Windows-1251.
const notUTF8 = "not valid UTF-8; save the file as CSV UTF-8"

// rows reads the data rows of a CSV file one at a time, after its header.
type rows struct {
	cr    *csv.Reader
	t     *table
	name  string
	width int   // number of header columns
	pos   []int // column of t for each header cell
}

// openRows reads the header of r, skipping a byte order mark, and checks it
// against t. name is the file name used in messages.
func openRows(r io.Reader, name string, t *table) (*rows, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(len(bom)); err == nil && string(b) == bom {
		br.Discard(len(bom))
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	var pe *csv.ParseError
	switch {
	case err == io.EOF:
		return nil, headerError(name, []muster.ErrorDetail{{Line: 1,
			Message: "the file is empty; expected a header row such as " + strings.Join(t.columns, ",")}})
	case errors.As(err, &pe):
		return nil, headerError(name, []muster.ErrorDetail{parseProblem(pe)})
	case err != nil:
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	line, _ := cr.FieldPos(0)
	for _, h := range header {
		if !utf8.ValidString(h) {
			// The whole file is in another encoding: one problem, rather
			// than its column names echoed as unknown columns.
			return nil, headerError(name, []muster.ErrorDetail{{Line: line, Message: notUTF8}})
		}
	}
	pos, details := matchHeader(header, line, t)
	if len(details) > 0 {
		return nil, headerError(name, details)
	}
	return &rows{cr: cr, t: t, name: name, width: len(header), pos: pos}, nil
}

// next returns the fields of the next row with content and the line it
// starts on. A malformed row comes back as a problem with nil fields. At
// the end next returns io.EOF; any other error stops the file.
func (rs *rows) next() (fields []string, line int, problem *muster.ErrorDetail, err error) {
	for {
		rec, err := rs.cr.Read()
		var pe *csv.ParseError
		switch {
		case err == nil:
			if blank(rec) {
				continue
			}
			line, _ := rs.cr.FieldPos(0)
			return rec, line, nil, nil
		case err == io.EOF:
			return nil, 0, nil, io.EOF
		case !errors.As(err, &pe):
			return nil, 0, nil, fmt.Errorf("%s: %w", rs.name, err)
		case errors.Is(pe.Err, csv.ErrFieldCount):
			if blank(rec) {
				continue
			}
			return nil, pe.StartLine, &muster.ErrorDetail{Line: pe.StartLine,
				Message: fmt.Sprintf("the row has %d fields, the header has %d", len(rec), rs.width)}, nil
		default:
			d := parseProblem(pe)
			return nil, pe.StartLine, &d, nil
		}
	}
}

// blank reports whether every field of rec is empty or spaces, as in the
// ",,,," rows spreadsheets leave at the end of a sheet.
func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// parseProblem describes a quoting error of encoding/csv.
func parseProblem(pe *csv.ParseError) muster.ErrorDetail {
	what := pe.Err.Error()
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		what = `a quote (") in a field that is not enclosed in quotes`
	case errors.Is(pe.Err, csv.ErrQuote):
		what = `a quoted field that does not end, or a quote (") inside it that is not doubled`
	}
	return muster.ErrorDetail{Line: max(pe.Line, pe.StartLine, 1), Message: fmt.Sprintf(
		"malformed CSV at column %d: %s; enclose a field with quotes, commas or line breaks in quotes and double each quote inside it",
		pe.Column, what)}
}

// setFields passes each field of the row at line, trimmed and with a
// defused formula restored (restoreFormula), to set with its column, and
// returns problems with one detail per message set gives (or for a field
// that is not UTF-8), marking the field's column in bad.
func (rs *rows) setFields(line int, fields []string, problems []muster.ErrorDetail, bad []bool, set func(c int, v string) []string) []muster.ErrorDetail {
	for i, v := range fields {
		c := rs.pos[i]
		v = restoreFormula(trimSpace(v))
		var msgs []string
		if !utf8.ValidString(v) {
			msgs = []string{notUTF8}
		} else {
			msgs = set(c, v)
		}
		for _, msg := range msgs {
			problems = append(problems, muster.ErrorDetail{Line: line, Field: rs.t.columns[c], Message: msg})
			bad[c] = true
		}
	}
	return problems
}

// trimSpace is strings.TrimSpace with a fast path for the usual field,
// which starts and ends with text: it decodes only the first and last
// characters rather than falling back to a slower scan for non-ASCII text.
func trimSpace(s string) string {
	if s == "" {
		return s
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if !unicode.IsSpace(first) && !unicode.IsSpace(last) {
		return s
	}
	return strings.TrimSpace(s)
}

// sortProblems puts a row's problems in the order of the table's columns.
func (rs *rows) sortProblems(problems []muster.ErrorDetail) {
	if len(problems) > 1 {
		slices.SortStableFunc(problems, func(a, b muster.ErrorDetail) int {
			return rs.t.index(a.Field) - rs.t.index(b.Field)
		})
	}
}

// one is a set function's answer: no message when msg is "".
func one(msg string) []string {
	if msg == "" {
		return nil
	}
	return []string{msg}
}
