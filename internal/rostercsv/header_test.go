package rostercsv

import (
	"errors"
	"strings"
	"testing"

	muster "github.com/muster-force/muster"
)

func TestMemberHeaderErrors(t *testing.T) {
	tests := []struct {
		name, csv string
		line      int
		field     string
		message   string // substring of the first detail's message
	}{
		{"empty file", "", 1, "", "the file is empty"},
		{"only blank lines", "\n\n\r\n", 1, "", "the file is empty"},
		{"only a BOM", "\uFEFF", 1, "", "the file is empty"},
		{"missing service_number", "family_name,given_name\n", 1, "service_number", "required column is missing"},
		{"unknown column", "service_number,rank\n", 1, "rank", "unknown column; the member columns are service_number, family_name"},
		{"wrong case", "service_number,Phone\n", 1, "Phone", `did you mean "phone"?`},
		{"duplicate column", "service_number,phone, phone\n", 1, "phone", "column appears twice (columns 2 and 3)"},
		{"unnamed column", "service_number,,phone\n", 1, "", "column 2 has no name"},
		{"BOM then unknown", "\uFEFFservice_number,x\n", 1, "x", "unknown column"},
		{"header after blank lines", "\n\nservice_number,x\n", 3, "x", "unknown column"},
		{"bare quote in header", "service_\"number\n", 1, "", `malformed CSV at column 9: a quote (")`},
		{"unknown unit column", "service_number,code\n", 1, "code", "unknown column"},
		{"Windows-1251 header", "service_number,\xd4\xe0\xec\xe8\xeb\xe8\xff\nBY1,\xc8\xe2\xe0\xed\xee\xe2\n", 1, "",
			"not valid UTF-8; save the file as CSV UTF-8"},
		{"Windows-1251 header after a BOM", "\uFEFFservice_number,\xd4\xe0\xec\xe8\xeb\xe8\xff\n", 1, "", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewMemberReader(strings.NewReader(tt.csv), "m.csv")
			checkHeaderError(t, err, tt.line, tt.field, tt.message)
		})
	}
}

func TestUnitHeaderErrors(t *testing.T) {
	tests := []struct {
		name, csv string
		field     string
		message   string
	}{
		{"empty file", "", "", "the file is empty; expected a header row such as code,name,parent,kind,target_strength"},
		{"missing code", "name,kind\n", "code", "required column is missing"},
		{"missing code only", "name,kind,parent,target_strength\n", "code", "required column is missing"},
		{"member column", "code,name,kind,unit\n", "unit", "unknown column; the unit columns are code, name, parent, kind, target_strength"},
		{"duplicate", "code,name,kind,code\n", "code", "column appears twice (columns 1 and 4)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewUnitReader(strings.NewReader(tt.csv), "m.csv")
			checkHeaderError(t, err, 1, tt.field, tt.message)
		})
	}
}

func checkHeaderError(t *testing.T, err error, line int, field, message string) {
	t.Helper()
	var e *muster.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want a *muster.Error", err)
	}
	if e.Code != muster.EUNPROCESSABLE {
		t.Errorf("code = %q, want %q", e.Code, muster.EUNPROCESSABLE)
	}
	if !strings.HasPrefix(e.Message, "m.csv: line ") {
		t.Errorf("message %q does not name the file and line", e.Message)
	}
	if len(e.Details) == 0 {
		t.Fatal("no details")
	}
	d := e.Details[0]
	if d.Line != line || d.Field != field || !strings.Contains(d.Message, message) {
		t.Errorf("detail = %+v, want line %d, field %q, message containing %q", d, line, field, message)
	}
}

func TestHeaderReportsEveryProblem(t *testing.T) {
	_, err := NewMemberReader(strings.NewReader("phone,rank,phone\n"), "m.csv")
	got := muster.ErrorDetails(err)
	want := []string{"rank", "phone", "service_number"}
	if len(got) != len(want) {
		t.Fatalf("details = %+v, want fields %v", got, want)
	}
	for i, f := range want {
		if got[i].Field != f {
			t.Errorf("detail %d field = %q, want %q", i, got[i].Field, f)
		}
	}
	if msg := muster.ErrorMessage(err); !strings.HasSuffix(msg, "(and 2 more problems)") {
		t.Errorf("message = %q", msg)
	}
}

func TestColumns(t *testing.T) {
	mr, err := NewMemberReader(strings.NewReader("\uFEFF phone , service_number\n"), "m.csv")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(mr.Columns(), ","); got != "service_number,phone" {
		t.Errorf("Columns() = %s", got)
	}
	ur, err := NewUnitReader(strings.NewReader("target_strength,code\n"), "u.csv")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ur.Columns(), ","); got != "code,target_strength" {
		t.Errorf("unit Columns() = %s", got)
	}
	if got := strings.Join(MemberColumns(), ","); got != "service_number,family_name,given_name,birth_date,unit,position,status,phone,email,employer,qualifications" {
		t.Errorf("MemberColumns() = %s", got)
	}
	if got := strings.Join(UnitColumns(), ","); got != "code,name,parent,kind,target_strength" {
		t.Errorf("UnitColumns() = %s", got)
	}
}

func TestShort(t *testing.T) {
	s := short(strings.Repeat("ж", 100))
	if len(s) > 64 || !strings.HasSuffix(s, "…") || !strings.HasPrefix(s, "жжж") {
		t.Errorf("short = %q", s)
	}
	if short("abc") != "abc" {
		t.Error("short changed a short string")
	}
}
