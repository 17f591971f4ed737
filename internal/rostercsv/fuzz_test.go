package rostercsv

import (
	"bytes"
	"cmp"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	muster "github.com/muster-force/muster"
)

// FuzzMemberReader checks that the reader never panics, that every problem
// has a line, that records come in line order, and that a record without
// problems survives a round trip through the writer.
func FuzzMemberReader(f *testing.F) {
	f.Add([]byte(fullHeader + rowWith(nil)))
	f.Add([]byte("\uFEFFphone,service_number\n+375291234567,A-1\n"))
	f.Add([]byte("service_number,family_name,position\nA-1,\"Smith, Jr.\",\"a\nb\"\nA-2,x\"y,z\nA-3\n,,\n"))
	f.Add([]byte("service_number,qualifications\nA,FA:2025-02-30; B ;;C:\n\"unclosed\n"))
	f.Add([]byte("service_number,birth_date,status\r\nA,1990-01-01,active\r\nB,\"1990-02-30\",retired\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		mr, err := NewMemberReader(bytes.NewReader(data), "f.csv")
		if err != nil {
			if muster.ErrorCode(err) != muster.EUNPROCESSABLE {
				t.Fatalf("header error %v has code %q", err, muster.ErrorCode(err))
			}
			for _, d := range muster.ErrorDetails(err) {
				if d.Line <= 0 {
					t.Fatalf("header problem without a line: %+v", d)
				}
			}
			return
		}
		mr.Today = today
		var good []muster.Member
		last := 0
		for n := 0; ; n++ {
			rec, err := mr.Next()
			if err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if n > len(data) {
				t.Fatal("more records than bytes")
			}
			if rec.Line <= last {
				t.Fatalf("record on line %d after one on line %d", rec.Line, last)
			}
			last = rec.Line
			for _, p := range rec.Problems {
				if p.Line <= 0 || p.Message == "" {
					t.Fatalf("problem without a line or message: %+v", p)
				}
			}
			if len(rec.Problems) == 0 {
				good = append(good, rec.Member)
			}
		}
		checkRoundTrip(t, good)
	})
}

// checkRoundTrip writes members and reads them back.
func checkRoundTrip(t *testing.T, members []muster.Member) {
	var buf bytes.Buffer
	w := NewMemberWriter(&buf)
	for i := range members {
		if err := w.Write(&members[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	mr, err := NewMemberReader(&buf, "out.csv")
	if err != nil {
		t.Fatalf("reading what the writer wrote: %v", err)
	}
	byCode := func(a, b muster.MemberQualification) int { return cmp.Compare(a.Code, b.Code) }
	for i := range members {
		rec, err := mr.Next()
		if err != nil {
			t.Fatalf("reading member %d back: %v", i, err)
		}
		want := members[i]
		want.Qualifications = slices.Clone(want.Qualifications)
		slices.SortFunc(want.Qualifications, byCode)
		if !reflect.DeepEqual(rec.Member, want) {
			t.Fatalf("round trip:\nread  %+v\nwrote %+v\n%q", rec.Member, want, buf.String())
		}
	}
	if _, err := mr.Next(); err != io.EOF {
		t.Fatalf("after the last member: %v", err)
	}
}

// FuzzTrimSpace checks trimSpace against strings.TrimSpace.
func FuzzTrimSpace(f *testing.F) {
	for _, s := range []string{"", " ", "Иван", " Иван\u00a0", "x\t", "\u2003я", "\xffa", "a\xff "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := trimSpace(s), strings.TrimSpace(s); got != want {
			t.Errorf("trimSpace(%q) = %q, want %q", s, got, want)
		}
	})
}
