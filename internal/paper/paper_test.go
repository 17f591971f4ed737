package paper

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	muster "github.com/muster-force/muster"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// minsk is a fixed UTC+3 zone, so the golden file does not depend on the
// system's time-zone database.
var minsk = time.FixedZone("Europe/Minsk", 3*60*60)

func testCallUp(drill bool) *muster.CallUp {
	return &muster.CallUp{
		ID: 7, Title: "Flood on the Pripyat", Kind: muster.CallUpEmergency, Unit: "BN2",
		Message:       "Report with field kit and two days' food.\nBring your ID card.",
		AssemblyPoint: "Drill hall, 12 Lenin St, Pinsk",
		ReportBy:      time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC),
		Channels:      []muster.Channel{muster.ChannelPaper}, Drill: drill,
	}
}

var testNotices = []muster.Notice{
	{ServiceNumber: "A-1001", Name: "Jan Kowalski", Channel: muster.ChannelPaper, ResponseURL: "https://muster.example/r/AbCdEf123"},
	{ServiceNumber: "A-1002", Name: "Алесь Лукашэвіч", Channel: muster.ChannelPaper, ResponseURL: "https://muster.example/r/ZyXwVu987"},
}

func render(t *testing.T, r *Renderer, c *muster.CallUp, notices []muster.Notice) string {
	t.Helper()
	if r == nil {
		var err error
		if r, err = New(); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := r.Write(&b, c, "2nd Battalion, Brest Region", notices, minsk); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestWriteGolden(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	r.SMSNumber = "+375 29 555 01 00"
	got := render(t, r, testCallUp(false), testNotices)
	golden := filepath.Join("testdata", "notices.html")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update to rewrite it):\n%s", golden, got)
	}
}

func TestWriteContents(t *testing.T) {
	got := render(t, nil, testCallUp(false), testNotices)
	for _, want := range []string{
		`<meta charset="utf-8">`,
		`<link rel="stylesheet" href="/static/print.css">`,
		"2nd Battalion, Brest Region", "Flood on the Pripyat", "EMERGENCY",
		"Алесь Лукашэвіч", "A-1002", "Drill hall, 12 Lenin St, Pinsk",
		"Tuesday, 24 November 2026, 08:00 (UTC&#43;03:00)",
		"https://muster.example/r/AbCdEf123", "https://muster.example/r/ZyXwVu987",
		`<svg class="qr"`, `>1<`, `>2 MINUTES<`, `>3 REASON<`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q", want)
		}
	}
	if n := strings.Count(got, `<section class="notice">`); n != len(testNotices) {
		t.Errorf("%d page blocks for %d notices", n, len(testNotices))
	}
	if n := strings.Count(got, "<svg"); n != len(testNotices) {
		t.Errorf("%d QR codes for %d notices", n, len(testNotices))
	}
	if strings.Contains(got, "DRILL") || strings.Contains(got, "<style") || strings.Contains(got, "style=") {
		t.Error("a drill marker or inline style in a real call-up's notices")
	}
}

func TestWriteDrill(t *testing.T) {
	got := render(t, nil, testCallUp(true), testNotices)
	pages := strings.Split(got, `<section class="notice">`)[1:]
	if len(pages) != len(testNotices) {
		t.Fatalf("%d pages", len(pages))
	}
	for i, p := range pages {
		if n := strings.Count(p, "EXERCISE — DRILL"); n != 2 {
			t.Errorf("page %d: %d drill markers, want 2 (top and bottom)", i+1, n)
		}
	}
}

func TestWriteEscapes(t *testing.T) {
	c := testCallUp(false)
	c.Title = `<b>Title</b>`
	c.Message = `<script>alert("x")</script>`
	c.AssemblyPoint = `"><img src=x onerror=alert(1)>`
	n := []muster.Notice{{ServiceNumber: "<i>1</i>", Name: "<script>x</script>",
		ResponseURL: `https://muster.example/r/a"><script>b</script>`}}
	got := render(t, nil, c, n)
	for _, bad := range []string{"<script", "<b>", "<img", "<i>"} {
		if strings.Contains(got, bad) {
			t.Errorf("%q is not escaped", bad)
		}
	}
	if !strings.Contains(got, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Error("the message is not shown escaped")
	}
}

func TestWriteNone(t *testing.T) {
	got := render(t, nil, testCallUp(false), nil)
	if strings.Contains(got, `class="notice"`) || !strings.Contains(got, "No paper notices.") {
		t.Errorf("no notices:\n%s", got)
	}
}
