package ical

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// sample has text to escape and a long Cyrillic summary to fold.
var sample = Calendar{ProdID: "-//muster//exercises//EN", Name: "Exercises, GOM", Events: []Event{{
	UID:         "exercise-7@muster.example",
	Stamp:       time.Date(2026, 11, 23, 9, 30, 0, 0, time.FixedZone("MSK", 3*3600)),
	Start:       day("2027-01-08"),
	End:         day("2027-01-31"),
	Summary:     "Сборы территориальной обороны Гомельской области; приём, размещение и обеспечение",
	Location:    "Mozyr, training ground 2",
	Description: "Lead: head of the district executive committee\nPartners: an army engineering battalion\\",
	Categories:  []string{"GOM", "exercise"},
}}}

func TestGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := sample.Write(&buf); err != nil {
		t.Fatal(err)
	}
	golden := "testdata/sample.ics"
	if *update {
		os.WriteFile(golden, buf.Bytes(), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("calendar differs from %s (run with -update to accept):\n%s", golden, buf.String())
	}
}

func TestLines(t *testing.T) {
	var buf bytes.Buffer
	if err := sample.Write(&buf); err != nil {
		t.Fatal(err)
	}
	CheckLines(t, buf.String())
	for _, want := range []string{"DTSTART;VALUE=DATE:20270108\r\n", "DTEND;VALUE=DATE:20270201\r\n", "DTSTAMP:20261123T063000Z\r\n",
		`LOCATION:Mozyr\, training ground 2`, `committee\nPartners`, `battalion\\`, "CATEGORIES:GOM,exercise\r\n"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("no %q in\n%s", want, buf.String())
		}
	}
	unfolded := strings.ReplaceAll(buf.String(), "\r\n ", "")
	if !strings.Contains(unfolded, "SUMMARY:"+Text(sample.Events[0].Summary)+"\r\n") {
		t.Errorf("the summary does not unfold to itself:\n%s", unfolded)
	}
}

// CheckLines fails unless every line of s ends in CRLF, holds at most 75
// octets and is valid UTF-8 on its own (no sequence split by a fold).
func CheckLines(t *testing.T, s string) {
	t.Helper()
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatal("the calendar does not end in CRLF")
	}
	for i, l := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if len(l) > 75 || !utf8.ValidString(l) || strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d (%d octets): %q", i+1, len(l), l)
		}
	}
}

func TestFoldNeverSplitsARune(t *testing.T) {
	for n := 60; n < 240; n++ {
		var buf bytes.Buffer
		c := Calendar{ProdID: "x", Events: []Event{{UID: "u", Summary: strings.Repeat("я€😀a", n)[:n*2+1]}}}
		c.Events[0].Summary = strings.ToValidUTF8(c.Events[0].Summary, "")
		if err := c.Write(&buf); err != nil {
			t.Fatal(err)
		}
		CheckLines(t, buf.String())
	}
}

func TestTextDropsControls(t *testing.T) {
	if got := Text("a\x00b\x1bc;d,e\\f\r\ng"); got != `abc\;d\,e\\f\ng` {
		t.Fatalf("Text = %q", got)
	}
}
