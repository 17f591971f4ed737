package cap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/muster-force/muster"
)

var update = flag.Bool("update", false, "rewrite testdata/alert.golden.xml")

// timeForm is the only dateTime form CAP 1.2 allows.
var timeForm = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$`)

// regexpSent finds the sent element.
var regexpSent = regexp.MustCompile(`<sent>[^<]*</sent>`)

// anyTime finds everything in a document that looks like a date and time.
var anyTime = regexp.MustCompile(`\d{4}-\d\d-\d\dT[0-9:.]+(Z|[-+]\d\d:\d\d)?`)

// fixture returns a real emergency call-up; reportBy 08:00 in Minsk.
func fixture() *muster.CallUp {
	return &muster.CallUp{
		ID: 42, Title: "Flood on the Pripyat: sandbag the dam", Kind: muster.CallUpEmergency,
		Unit: "MN-01", Message: "The river is rising. Bring boots and gloves.",
		AssemblyPoint: "Depot 3, 12 Lenin St, Pinsk", ReportBy: time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC),
		Channels: []muster.Channel{muster.ChannelSMS}, CreatedAt: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC),
	}
}

func options() Options {
	return Options{
		Sender: "muster@force.example", UnitName: "1st Pinsk Company",
		SentAt:           time.Date(2026, 11, 23, 10, 15, 30, 123456789, time.UTC),
		IdentifierPrefix: "force.example.callup.", Location: time.FixedZone("MSK", 3*3600),
	}
}

func mustAlert(t *testing.T, c *muster.CallUp, o Options) ([]byte, alert) {
	t.Helper()
	doc, err := Alert(c, o)
	if err != nil {
		t.Fatal(err)
	}
	var a alert
	if err := xml.Unmarshal(doc, &a); err != nil {
		t.Fatalf("the alert does not parse: %v\n%s", err, doc)
	}
	if a.XMLName.Space != Namespace || a.XMLName.Local != "alert" {
		t.Fatalf("root element %+v", a.XMLName)
	}
	return doc, a
}

func TestAlertGolden(t *testing.T) {
	doc, _ := mustAlert(t, fixture(), options())
	const golden = "testdata/alert.golden.xml"
	if *update {
		if err := os.WriteFile(golden, doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(doc, want) {
		t.Errorf("alert differs from %s (go test -update rewrites it):\n%s", golden, doc)
	}
}

func TestAlertMapping(t *testing.T) {
	tests := []struct {
		kind                                muster.CallUpKind
		drill                               bool
		status, category, urgency, severity string
	}{
		{muster.CallUpEmergency, false, "Actual", "Security", "Immediate", "Severe"},
		{muster.CallUpMobilisation, false, "Actual", "Security", "Immediate", "Severe"},
		{muster.CallUpCivil, false, "Actual", "Safety", "Expected", "Moderate"},
		{muster.CallUpExercise, false, "Actual", "Other", "Expected", "Minor"},
		{muster.CallUpEmergency, true, "Exercise", "Security", "Immediate", "Severe"},
	}
	for _, tt := range tests {
		c := fixture()
		c.Kind, c.Drill = tt.kind, tt.drill
		_, a := mustAlert(t, c, options())
		in := a.Info
		got := []string{a.Status, in.Category, in.Urgency, in.Severity}
		want := []string{tt.status, tt.category, tt.urgency, tt.severity}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s drill=%v: status, category, urgency, severity = %v, want %v", tt.kind, tt.drill, got, want)
		}
		if (a.Note != "") != tt.drill {
			t.Errorf("%s drill=%v: note %q", tt.kind, tt.drill, a.Note)
		}
	}
	_, a := mustAlert(t, fixture(), options())
	checks := map[string][2]string{
		"identifier":  {a.Identifier, "force.example.callup.42"},
		"sender":      {a.Sender, "muster@force.example"},
		"sent":        {a.Sent, "2026-11-23T13:15:30+03:00"},
		"msgType":     {a.MsgType, "Alert"},
		"scope":       {a.Scope, "Restricted"},
		"language":    {a.Info.Language, "en"},
		"certainty":   {a.Info.Certainty, "Observed"},
		"expires":     {a.Info.Expires, "2026-11-24T08:00:00+03:00"},
		"senderName":  {a.Info.SenderName, "1st Pinsk Company"},
		"event":       {a.Info.Event, "Emergency call-up: Flood on the Pripyat: sandbag the dam"},
		"headline":    {a.Info.Headline, fixture().Title},
		"description": {a.Info.Description, fixture().Message},
		"instruction": {a.Info.Instruction, "Report to Depot 3, 12 Lenin St, Pinsk by 2026-11-24 08:00 UTC+03:00."},
		"areaDesc":    {a.Info.Area.AreaDesc, "1st Pinsk Company — Depot 3, 12 Lenin St, Pinsk"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	if !strings.Contains(a.Restriction, "1st Pinsk Company") {
		t.Errorf("restriction %q does not name the unit", a.Restriction)
	}
	o := options()
	o.SentAt = o.SentAt.Add(time.Hour)
	if _, b := mustAlert(t, fixture(), o); b.Identifier != a.Identifier {
		t.Errorf("identifier changed with the time sent: %q, then %q", a.Identifier, b.Identifier)
	}
}

// specialCallUp has Cyrillic text and every XML special character.
func specialCallUp() *muster.CallUp {
	c := fixture()
	c.Title = `Учения <срочно> & "тест" 'ночью' ]]>`
	c.Message = "Сбор по тревоге: <b>не</b> HTML & не CDATA ]]> \"кавычки\"\nвторая строка"
	c.AssemblyPoint = `ул. Ленина, 12 <двор> & "ангар" №3`
	c.Kind = muster.CallUpExercise
	return c
}

func TestAlertEscapesText(t *testing.T) {
	c := specialCallUp()
	o := options()
	o.UnitName = `Рота "Пинск" <1> & Co`
	doc, a := mustAlert(t, c, o)
	for _, raw := range []string{"<срочно>", "<b>", "<двор>", "<1>", "& "} {
		if bytes.Contains(doc, []byte(raw)) {
			t.Errorf("the document holds %q unescaped", raw)
		}
	}
	if a.Info.Headline != c.Title || a.Info.Description != c.Message {
		t.Errorf("text changed on the way: headline %q, description %q", a.Info.Headline, a.Info.Description)
	}
	if want := o.UnitName + " — " + c.AssemblyPoint; a.Info.Area.AreaDesc != want {
		t.Errorf("areaDesc = %q, want %q", a.Info.Area.AreaDesc, want)
	}
	if a.Info.Language != "ru-BY" || !strings.HasPrefix(a.Info.Event, "Сбор на учения: ") ||
		!strings.HasPrefix(a.Info.Instruction, "Прибыть в пункт сбора: ") {
		t.Errorf("Cyrillic call-up: language %q, event %q, instruction %q", a.Info.Language, a.Info.Event, a.Info.Instruction)
	}
}

func TestAlertHeadlineLength(t *testing.T) {
	c := fixture()
	c.Title = strings.Repeat("Сбор ", 40) // 200 runes, 360 bytes
	_, a := mustAlert(t, c, options())
	h := a.Info.Headline
	if n := utf8.RuneCountInString(h); n > MaxHeadline || !utf8.ValidString(h) || !strings.HasSuffix(h, "…") {
		t.Errorf("headline of %d runes: %q", n, h)
	}
	if a.Info.Event != "Экстренный сбор: "+c.Title {
		t.Errorf("event lost the full title: %q", a.Info.Event)
	}
}

// TestAlertTimes checks every time in the document: the CAP form, no Z,
// no fractional seconds in sent, UTC as -00:00.
func TestAlertTimes(t *testing.T) {
	for _, loc := range []*time.Location{nil, time.UTC, time.FixedZone("MSK", 3*3600), time.FixedZone("NST", -(3*3600 + 30*60))} {
		o := options()
		o.Location = loc
		doc, a := mustAlert(t, fixture(), o)
		found := anyTime.FindAllString(string(doc), -1)
		if len(found) != 2 {
			t.Errorf("loc %v: found times %q, want sent and expires", loc, found)
		}
		for _, s := range found {
			if strings.HasSuffix(s, "Z") || !timeForm.MatchString(s) {
				t.Errorf("loc %v: time %q is not in the CAP form", loc, s)
			}
		}
		if strings.Contains(a.Sent, ".") {
			t.Errorf("sent %q has fractional seconds", a.Sent)
		}
		if (loc == nil || loc == time.UTC) && (a.Sent != "2026-11-23T10:15:30-00:00" || a.Info.Expires != "2026-11-24T05:00:00-00:00") {
			t.Errorf("UTC: sent %q, expires %q", a.Sent, a.Info.Expires)
		}
	}
}

func TestAlertInvalid(t *testing.T) {
	tests := map[string]func(*muster.CallUp, *Options){
		"no id":         func(c *muster.CallUp, o *Options) { c.ID = 0 },
		"unknown kind":  func(c *muster.CallUp, o *Options) { c.Kind = "party" },
		"no sender":     func(c *muster.CallUp, o *Options) { o.Sender = "" },
		"sender space":  func(c *muster.CallUp, o *Options) { o.Sender = "muster force" },
		"sender amp":    func(c *muster.CallUp, o *Options) { o.Sender = "a&b" },
		"prefix comma":  func(c *muster.CallUp, o *Options) { o.IdentifierPrefix = "a,b-" },
		"bad language":  func(c *muster.CallUp, o *Options) { o.Language = "ru BY" },
		"sent year 1e4": func(c *muster.CallUp, o *Options) { o.SentAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
	}
	for name, mutate := range tests {
		c, o := fixture(), options()
		mutate(c, &o)
		_, err := Alert(c, o)
		if e := (*muster.Error)(nil); !errors.As(err, &e) || e.Code != muster.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
	}
	if _, err := Alert(nil, options()); muster.ErrorCode(err) != muster.EINVALID {
		t.Errorf("nil call-up: err = %v", err)
	}
}
