package web

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/muster-force/muster/internal/nodetest"

	"github.com/muster-force/muster/internal/sqldbtest"
)

// icalScript parses the iCalendar file on stdin with ical.js, resolved
// from the working directory (internal/testdeps), and prints its events.
const icalScript = `
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { readFileSync } from "node:fs";
const ICAL = (await import(pathToFileURL(join(process.cwd(), "node_modules", "ical.js", "dist", "ical.js")).href)).default;
const cal = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
console.log(JSON.stringify({
	version: cal.getFirstPropertyValue("version"),
	prodid: cal.getFirstPropertyValue("prodid"),
	events: cal.getAllSubcomponents("vevent").map((v) => {
		const e = new ICAL.Event(v);
		return { uid: e.uid, summary: e.summary, location: e.location, description: e.description,
			start: e.startDate.toString(), end: e.endDate.toString(), allDay: e.startDate.isDate && e.endDate.isDate,
			stamp: v.getFirstPropertyValue("dtstamp") ? v.getFirstPropertyValue("dtstamp").toString() : "" };
	}),
}));
`

// icalEvent is what ical.js read of one event.
type icalEvent struct {
	UID, Summary, Location, Description, Start, End, Stamp string
	AllDay                                                 bool
}

// parseICS parses an iCalendar file with the npm package ical.js. Without
// node or the package (see scripts/test-deps) it skips, unless
// MUSTER_REQUIRE_NODE=1. It also checks the line rules ical.js forgives:
// CRLF endings and at most 75 octets a line, folded on rune boundaries.
func parseICS(t *testing.T, text string) (version, prodID string, events []icalEvent) {
	t.Helper()
	for i, l := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
		if len(l) > 75 || !utf8.ValidString(l) || strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d breaks RFC 5545 3.1: %q", i+1, l)
		}
	}
	node, deps := nodetest.Node(t, "the calendar with ical.js", "ical.js")
	script := filepath.Join(t.TempDir(), "ical.mjs")
	if err := os.WriteFile(script, []byte(icalScript), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), node, script)
	cmd.Dir = deps
	cmd.Stdin = strings.NewReader(text)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ical.js cannot parse the calendar: %v\n%s", err, text)
	}
	var res struct {
		Version, ProdID string
		Events          []icalEvent
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return res.Version, res.ProdID, res.Events
}

func TestCalendarFeeds(t *testing.T) {
	db := sqldbtest.Open(t, "sqlite") // the feeds' SQL runs on both in internal/sqldb
	e := newExerciseEnv(t, db)
	long := "Сборы территориальной обороны Гомельской области: приём, размещение; обеспечение, подготовка"
	var a, b struct{ ID int64 }
	e.run([]apiScenario{
		{name: "long title", method: "POST", path: "/api/v1/exercises", who: "commander@GOM", status: 201, check: wantJSON(&a),
			body: exerciseBody(set("title", long), set("start", "2027-01-08"), set("end", "2027-01-31"))},
		{name: "other region", method: "POST", path: "/api/v1/exercises", who: "admin@TD", status: 201, check: wantJSON(&b),
			body: exerciseBody(set("unit", "BRE"), set("start", "2027-03-01"), set("end", "2027-03-01"))},
	})
	rec := e.api("GET", "/api/v1/units/GOM/calendar.ics", "viewer@TD", nil)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/calendar") {
		t.Fatalf("calendar.ics = %d %s %s", rec.Code, rec.Header(), rec.Body)
	}
	version, prodID, events := parseICS(t, rec.Body.String())
	if version != "2.0" || prodID == "" || len(events) != 1 {
		t.Fatalf("version %q, prodid %q, events %+v", version, prodID, events)
	}
	ev := events[0]
	if ev.Summary != long || ev.Start != "2027-01-08" || ev.End != "2027-02-01" || !ev.AllDay ||
		ev.UID != "exercise-1@example.com" || ev.Location != "Mozyr training ground" ||
		!strings.Contains(ev.Description, "With: an army engineering battalion") || ev.Stamp == "" {
		t.Fatalf("event = %+v", ev)
	}
	if rec := e.api("GET", "/api/v1/units/GOM/calendar.ics", "clerk@BRE-PIN", nil); rec.Code != 403 {
		t.Fatalf("another region's calendar = %d", rec.Code)
	}

	// A feed at a secret address, read without credentials, until revoked.
	var feed calendarFeedCreated
	e.run([]apiScenario{
		{name: "feed of TD", method: "POST", path: "/api/v1/calendar-feeds", who: "viewer@TD", body: map[string]any{"unit": "TD"}, status: 201, check: wantJSON(&feed)},
		{name: "both", method: "POST", path: "/api/v1/calendar-feeds", who: "viewer@TD", body: map[string]any{"unit": "TD", "service_number": "G1"}, status: 400},
		{name: "foreign member", method: "POST", path: "/api/v1/calendar-feeds", who: "clerk@BRE-PIN", body: map[string]any{"service_number": "G1"}, status: 403},
	})
	path, ok := strings.CutPrefix(feed.URL, "http://example.com")
	if !ok || !strings.HasPrefix(path, calendarPath+"msc_") {
		t.Fatalf("feed url %q", feed.URL)
	}
	get := func(p string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		return rec
	}
	rec = get(path)
	if rec.Code != 200 {
		t.Fatalf("feed = %d %s", rec.Code, rec.Body)
	}
	if _, _, events := parseICS(t, rec.Body.String()); len(events) != 2 || events[0].UID != ev.UID || events[1].End != "2027-03-02" {
		t.Fatalf("feed events = %+v", events)
	}
	if rec := get(calendarPath + "msc_guessed.ics"); rec.Code != 404 {
		t.Fatalf("guessed feed = %d", rec.Code)
	}
	e.run([]apiScenario{{name: "revoke", method: "DELETE", path: "/api/v1/calendar-feeds/1", who: "viewer@TD", status: 204}})
	if rec := get(path); rec.Code != 404 {
		t.Fatalf("revoked feed = %d", rec.Code)
	}
}
