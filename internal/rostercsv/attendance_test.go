package rostercsv

import (
	"bytes"
	"io"
	"strings"
	"testing"

	muster "github.com/muster-force/muster"
)

func readMarks(t *testing.T, src string) []*muster.MarkRecord {
	t.Helper()
	mr, err := NewMarkReader(strings.NewReader(src), "sheet.csv")
	if err != nil {
		t.Fatalf("header: %v", err)
	}
	var out []*muster.MarkRecord
	for {
		rec, err := mr.Next()
		if err == io.EOF {
			return out
		} else if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

func TestMarkRows(t *testing.T) {
	recs := readMarks(t, "\uFEFFhours,present,date,service_number,role\n8,yes,2027-01-08,G1,instructor\n,0,2027-01-09, G2 ,\n\n7.5,1,2027-01-09,G3,\n6,5,1,2027-01-09,G4,\n")
	if len(recs) != 4 {
		t.Fatalf("%d records", len(recs))
	}
	m := recs[0].Mark
	if len(recs[0].Problems) > 0 || m.ServiceNumber != "G1" || !m.Present || m.Hours != 8 || m.Date.String() != "2027-01-08" || m.Role != muster.RoleInstructor {
		t.Fatalf("row 2: %+v %v", m, recs[0].Problems)
	}
	if m := recs[1].Mark; len(recs[1].Problems) > 0 || m.ServiceNumber != "G2" || m.Present || m.Hours != 0 {
		t.Fatalf("row 3: %+v %v", m, recs[1].Problems)
	}
	if recs[2].Line != 5 || recs[2].Mark.Hours != 7.5 {
		t.Fatalf("row 5: %+v", recs[2])
	}
	if p := recs[3].Problems; len(p) != 1 || p[0].Line != 6 || !strings.Contains(p[0].Message, "the row has 6 fields") {
		t.Fatalf("row 6: %+v", p)
	}
}

func TestMarkProblems(t *testing.T) {
	for _, tc := range []struct{ row, want string }{
		{",2027-01-08,1,8", "line 2: service_number: required"},
		{"G1,08.01.2027,1,8", `line 2: date: not a date of the form YYYY-MM-DD: "08.01.2027"`},
		{"G1,2027-02-29,1,8", `line 2: date: not a real date: "2027-02-29"`},
		{"G1,,1,8", "line 2: date: required, a date such as 2027-01-08"},
		{"G1,2027-01-08,maybe,8", `line 2: present: must be 1 or 0 (also true/false, yes/no, present/absent): "maybe"`},
		{"G1,2027-01-08,1,eight", `line 2: hours: not a number of hours: "eight"`},
		{"G1,2027-01-08,1,24.5", "line 2: hours: must be from 0 to 24"},
		{"G1,2027-01-08,1,NaN", "line 2: hours: must be from 0 to 24"},
		{"G1,2027-01-08,0,2", "line 2: hours: must be 0 for a member marked absent"},
		{"G1,2027-01-08,1,8,cook", "line 2: role: must be trainee, instructor or staff"},
	} {
		recs := readMarks(t, "service_number,date,present,hours,role\n"+tc.row+strings.Repeat(",", 4-strings.Count(tc.row, ","))+"\n")
		var got []string
		for _, p := range recs[0].Problems {
			got = append(got, p.String())
		}
		if strings.Join(got, "; ") != tc.want {
			t.Errorf("%s: %v, want %s", tc.row, got, tc.want)
		}
	}
}

func TestMarkHeader(t *testing.T) {
	_, err := NewMarkReader(strings.NewReader("service_number,day,present\n"), "sheet.csv")
	details := muster.ErrorDetails(err)
	if muster.ErrorCode(err) != muster.EUNPROCESSABLE || len(details) != 2 || details[0].Field != "day" || details[1].Field != "date" {
		t.Fatalf("%v %+v", err, details)
	}
}

func FuzzMarkReader(f *testing.F) {
	f.Add([]byte("service_number,date,present,hours\nG1,2027-01-08,1,8\nG2,2027-01-08,0,\n"))
	f.Add([]byte("\uFEFFpresent,service_number,date\nyes,A,2027-02-30\n\"x\n"))
	f.Add([]byte("service_number,date,present,hours,role\r\nA,2027-01-01,1,1e400,staff\r\n,,,,\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		mr, err := NewMarkReader(bytes.NewReader(data), "f.csv")
		if err != nil {
			if muster.ErrorCode(err) != muster.EUNPROCESSABLE {
				t.Fatalf("header error %v has code %q", err, muster.ErrorCode(err))
			}
			return
		}
		last := 0
		for n := 0; ; n++ {
			rec, err := mr.Next()
			if err == io.EOF {
				return
			} else if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if n > len(data) || rec.Line <= last {
				t.Fatalf("record %d on line %d after line %d", n, rec.Line, last)
			}
			last = rec.Line
			for _, p := range rec.Problems {
				if p.Line <= 0 || p.Message == "" {
					t.Fatalf("problem without a line or message: %+v", p)
				}
			}
			if m := rec.Mark; len(rec.Problems) == 0 && (m.ServiceNumber == "" || m.Date.IsZero() || !(m.Hours >= 0 && m.Hours <= 24) || !m.Present && m.Hours != 0) {
				t.Fatalf("a bad mark passed: %+v", m)
			}
		}
	})
}
