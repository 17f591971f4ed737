package rostercsv

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	muster "github.com/muster-force/muster"
)

var today = muster.NewDate(2025, 6, 1)

const fullHeader = "service_number,family_name,given_name,birth_date,unit,position,status,phone,email,employer,qualifications\n"

// validRow is a row of fullHeader without problems.
var validRow = map[string]string{
	"service_number": "A-1001", "family_name": "Іваноў", "given_name": "Пётр", "birth_date": "1990-01-31",
	"unit": "MINSK-1", "position": "rifleman", "status": "active", "phone": "+375291234567",
	"email": "piotr@example.by", "employer": "МТЗ", "qualifications": "DRV-B;FA:2026-05-01",
}

// rowWith returns validRow as a CSV line with the given fields changed.
func rowWith(changes map[string]string) string {
	var cells []string
	for _, c := range memberTable.columns {
		v, ok := changes[c]
		if !ok {
			v = validRow[c]
		}
		cells = append(cells, v)
	}
	return strings.Join(cells, ",") + "\n"
}

// readMembers reads every record of src, failing the test on an error.
func readMembers(t testing.TB, src string) (*MemberReader, []*muster.MemberRecord) {
	t.Helper()
	mr, err := NewMemberReader(strings.NewReader(src), "m.csv")
	if err != nil {
		t.Fatalf("NewMemberReader: %v", err)
	}
	mr.Today = today
	var recs []*muster.MemberRecord
	for {
		rec, err := mr.Next()
		if err == io.EOF {
			return mr, recs
		} else if err != nil {
			t.Fatalf("Next: %v", err)
		}
		recs = append(recs, rec)
	}
}

func TestMemberValidRow(t *testing.T) {
	_, recs := readMembers(t, fullHeader+rowWith(nil))
	if len(recs) != 1 || recs[0].Line != 2 || recs[0].Problems != nil {
		t.Fatalf("records = %+v", recs)
	}
	want := muster.Member{
		ServiceNumber: "A-1001", FamilyName: "Іваноў", GivenName: "Пётр", BirthDate: muster.NewDate(1990, 1, 31),
		Unit: "MINSK-1", Position: "rifleman", Status: muster.StatusActive, Phone: "+375291234567",
		Email: "piotr@example.by", Employer: "МТЗ",
		Qualifications: []muster.MemberQualification{{Code: "DRV-B"}, {Code: "FA", Expires: muster.NewDate(2026, 5, 1)}},
	}
	if !reflect.DeepEqual(recs[0].Member, want) {
		t.Errorf("member = %+v\nwant     %+v", recs[0].Member, want)
	}
}

func TestMemberFieldProblems(t *testing.T) {
	tests := []struct {
		field, value string
		message      string // exact; "" accepts any message (it comes from Member.Validate)
	}{
		{"birth_date", "1990-02-30", `not a real date: "1990-02-30"`},
		{"birth_date", "31.01.1990", `not a date of the form YYYY-MM-DD: "31.01.1990"`},
		{"birth_date", "2030-01-01", "is in the future"},
		{"birth_date", "", "required"},
		{"status", "retired", `unknown status "retired"; the statuses are applicant, active, reserve, inactive, discharged`},
		{"status", "Active", `unknown status "Active"; the statuses are applicant, active, reserve, inactive, discharged`},
		{"phone", "80291234567", `not a phone number in E.164 form such as +375291234567: "80291234567"`},
		{"phone", "+375 29 123 45 67", `not a phone number in E.164 form such as +375291234567: "+375 29 123 45 67"`},
		{"email", "piotr@", `not an e-mail address: "piotr@"`},
		{"email", "piotr example.by", `not an e-mail address: "piotr example.by"`},
		{"qualifications", "DRV-B;;FA", `item 2 is empty; write CODE or CODE:YYYY-MM-DD joined by ";"`},
		{"qualifications", "DRV-B;", `item 2 is empty; write CODE or CODE:YYYY-MM-DD joined by ";"`},
		{"qualifications", "FA:2025-13-01", `expiry of FA is not a real date: "2025-13-01"`},
		{"qualifications", "FA:2025-1-01", `expiry of FA is not a date of the form YYYY-MM-DD: "2025-1-01"`},
		{"qualifications", "FA:", `expiry of FA is not a date of the form YYYY-MM-DD: ""`},
		{"qualifications", "first aid", "not a qualification code: first aid"},
		{"qualifications", " :2026-01-01", `item 1 has no code: ":2026-01-01"`},
		{"qualifications", "FA;FA:2026-01-01", "listed twice: FA"},
		{"service_number", "", ""},
		{"service_number", "A 1", ""},
		{"family_name", "", ""},
		{"given_name", " ", ""},
		{"unit", "", ""},
		{"employer", "\xc0\xaf", "not valid UTF-8; save the file as CSV UTF-8"},
		{"family_name", "Iva\x00nov", "must not contain control characters"},
		{"family_name", "Iva\tnov", "must not contain control characters"},
		{"given_name", "Piotr\x07", "must not contain control characters"},
		{"position", "rifle\x7fman", "must not contain control characters"},
		{"employer", "\"MTZ\r\nshop 3\"", "must not contain control characters"},
		{"phone", "+37529\x001234567", "must not contain control characters"},
		{"email", "piotr\x1b@example.by", "must not contain control characters"},
	}
	for _, tt := range tests {
		t.Run(tt.field+"="+tt.value, func(t *testing.T) {
			_, recs := readMembers(t, fullHeader+rowWith(nil)+rowWith(map[string]string{tt.field: tt.value}))
			if len(recs) != 2 || len(recs[0].Problems) != 0 {
				t.Fatalf("records = %+v", recs)
			}
			rec := recs[1]
			if rec.Line != 3 || len(rec.Problems) != 1 {
				t.Fatalf("record = %+v, want line 3 with one problem", rec)
			}
			p := rec.Problems[0]
			if p.Line != 3 || p.Field != tt.field || p.Message == "" || (tt.message != "" && p.Message != tt.message) {
				t.Errorf("problem = %+v\nwant line 3, field %s, message %q", p, tt.field, tt.message)
			}
		})
	}
}

func TestMemberSeveralProblems(t *testing.T) {
	_, recs := readMembers(t, fullHeader+rowWith(map[string]string{
		"birth_date": "1990-02-30", "phone": "123", "qualifications": "A:x;;B:y"}))
	var got []string
	for _, p := range recs[0].Problems {
		got = append(got, p.Field)
	}
	want := []string{"birth_date", "phone", "qualifications", "qualifications", "qualifications"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problem fields = %v, want %v (%+v)", got, want, recs[0].Problems)
	}
}

func TestMemberPartialColumns(t *testing.T) {
	mr, recs := readMembers(t, "phone,service_number\n+375291234567,A-1\n, A-2\n")
	if got := mr.Columns(); !reflect.DeepEqual(got, []string{"service_number", "phone"}) {
		t.Errorf("Columns() = %v", got)
	}
	if len(recs) != 2 {
		t.Fatalf("records = %+v", recs)
	}
	for _, rec := range recs {
		if len(rec.Problems) != 0 {
			t.Errorf("line %d: problems %+v for a file that only updates phones", rec.Line, rec.Problems)
		}
	}
	if m := recs[0].Member; m.ServiceNumber != "A-1" || m.Phone != "+375291234567" {
		t.Errorf("member = %+v", m)
	}
	if m := recs[1].Member; m.ServiceNumber != "A-2" || m.Phone != "" {
		t.Errorf("member = %+v", m)
	}
}

func TestMemberColumnOrderAndSpaces(t *testing.T) {
	cols := slicesReverse(memberTable.columns)
	var cells []string
	for _, c := range cols {
		cells = append(cells, "  "+validRow[c]+" \t")
	}
	_, recs := readMembers(t, "\uFEFF"+strings.Join(cols, " , ")+"\r\n"+strings.Join(cells, ",")+"\r\n")
	_, want := readMembers(t, fullHeader+rowWith(nil))
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("reversed, spaced, BOM, CRLF:\n%+v\nwant\n%+v", recs[0], want[0])
	}
}

func slicesReverse(s []string) []string {
	r := make([]string, len(s))
	for i, v := range s {
		r[len(s)-1-i] = v
	}
	return r
}

func TestMemberQuotedFields(t *testing.T) {
	src := "service_number,family_name,given_name,position,employer\n" +
		`A-1,"Smith, Jr.","John ""Jack""","line one` + "\n" + `line two", "ООО ""Ромашка"", Минск"` + "\n" +
		"\n" + // a blank line
		",,,,\n" + // an empty spreadsheet row
		"A-2,Ковалёва,Анна,,\n"
	_, recs := readMembers(t, src)
	if len(recs) != 2 {
		t.Fatalf("records = %+v", recs)
	}
	m := recs[0].Member
	if recs[0].Line != 2 || m.FamilyName != "Smith, Jr." || m.GivenName != `John "Jack"` ||
		m.Position != "line one\nline two" || m.Employer != `ООО "Ромашка", Минск` {
		t.Errorf("line %d: member = %+v", recs[0].Line, m)
	}
	if recs[1].Line != 6 || recs[1].Member.FamilyName != "Ковалёва" {
		t.Errorf("second record at line %d: %+v", recs[1].Line, recs[1].Member)
	}
}

func TestMemberMalformedRows(t *testing.T) {
	src := "service_number,family_name,position\n" +
		"A-1,Ivanov,\"multi\nline\nposition\"\n" + // lines 2-4: a position may not hold line breaks
		"A-2,Petrov\n" + // 5: too few fields
		"A-3,Pet\"rov,x\n" + // 6: bare quote
		"A-4,Sidorov,x,y\n" + // 7: too many fields
		"A-5,\"Kozlov\"x,y\n" + // 8: quote inside a quoted field
		"A 6,Novik,\"x y\"\n" + // 9: bad service number
		"A-7,\"never closed\n" // 10
	_, recs := readMembers(t, src)
	want := []muster.ErrorDetail{
		{Line: 5, Message: "the row has 2 fields, the header has 3"},
		{Line: 6, Message: `malformed CSV at column 8: a quote (") in a field that is not enclosed in quotes; enclose a field with quotes, commas or line breaks in quotes and double each quote inside it`},
		{Line: 7, Message: "the row has 4 fields, the header has 3"},
		{Line: 8, Message: `malformed CSV at column 12: a quoted field that does not end, or a quote (") inside it that is not doubled; enclose a field with quotes, commas or line breaks in quotes and double each quote inside it`},
		{Line: 9, Field: "service_number"},
		{Line: 10, Message: `malformed CSV at column 19: a quoted field that does not end, or a quote (") inside it that is not doubled; enclose a field with quotes, commas or line breaks in quotes and double each quote inside it`},
	}
	if len(recs) != 7 || recs[0].Line != 2 || recs[0].Member.Position != "multi\nline\nposition" {
		t.Fatalf("records = %+v", recs)
	}
	if p := recs[0].Problems; len(p) != 1 || p[0].Line != 2 || p[0].Field != "position" || p[0].Message != muster.ControlProblem {
		t.Errorf("multi-line position: problems %+v", p)
	}
	for i, w := range want {
		rec := recs[i+1]
		if rec.Line != w.Line || len(rec.Problems) != 1 {
			t.Errorf("record %d = %+v, want one problem on line %d", i+1, rec, w.Line)
			continue
		}
		p := rec.Problems[0]
		if p.Line != w.Line || p.Field != w.Field || (w.Message != "" && p.Message != w.Message) {
			t.Errorf("problem = %+v\nwant      %+v", p, w)
		}
	}
}

func TestMemberReadError(t *testing.T) {
	r := io.MultiReader(strings.NewReader(fullHeader+rowWith(nil)), errReader{})
	mr, err := NewMemberReader(r, "m.csv")
	if err != nil {
		t.Fatal(err)
	}
	if rec, err := mr.Next(); err != nil || rec.Line != 2 {
		t.Fatalf("Next = %+v, %v; want the row before the error", rec, err)
	}
	if _, err := mr.Next(); err == nil || err == io.EOF || !strings.Contains(err.Error(), "m.csv: disk on fire") {
		t.Errorf("Next = %v, want the read error", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }
