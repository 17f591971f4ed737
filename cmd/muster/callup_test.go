package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
)

// TestCallUpCreate creates a call-up from a JSON file and from stdin, on
// both databases: the id on stdout, the targeted count on stderr, the
// call-up as asked; then refuses a file with an unknown field, a bad time,
// an unknown unit and no file, each naming what is wrong and creating
// nothing.
func TestCallUpCreate(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			h := newHarness(t, dialect)
			h.ok("", "import", "units", testdata("units.csv"))
			h.ok("", "import", "members", testdata("members.csv"))
			body := `{"title":"Паводок","kind":"emergency","unit":"GOM","filter":{"status":["active"]},
				"message":"Report to the depot.","assembly_point":"Depot","report_by":"2027-01-10T08:00:00+03:00",
				"channels":["paper"],"drill":true}`
			r := h.run("", "callup", "create", writeFile(t, h.dir, "callup.json", body))
			if r.code != 0 {
				t.Fatalf("callup create: exit %d, stderr %q", r.code, r.stderr)
			}
			id, err := strconv.ParseInt(strings.TrimSpace(r.stdout), 10, 64)
			if err != nil {
				t.Fatalf("stdout %q, want the call-up's id alone", r.stdout)
			}
			c, err := h.open().FindCallUp(system(), id)
			if err != nil {
				t.Fatal(err)
			}
			// GOM's active members in members.csv: BY30000001 and BY30000003.
			if c.Title != "Паводок" || c.Unit != "GOM" || !c.Drill || c.Targeted != 2 || c.ReportBy.UTC().Format("2006-01-02T15:04") != "2027-01-10T05:00" {
				t.Errorf("call-up %+v", c)
			}
			if !strings.Contains(r.stderr, "2 members targeted") {
				t.Errorf("stderr %q, want the targeted count", r.stderr)
			}
			if out := h.ok(body, "callup", "create", "-"); strings.TrimSpace(out) != strconv.FormatInt(id+1, 10) {
				t.Errorf("from stdin: stdout %q, want id %d", out, id+1)
			}

			for _, bad := range []struct{ name, body, want string }{
				{"unknown field", `{"title":"x","colour":"red"}`, "colour: unknown field"},
				{"bad time", strings.Replace(body, "2027-01-10T08:00:00+03:00", "tomorrow", 1), "report_by: must be a time"},
				{"unknown unit", strings.Replace(body, `"GOM"`, `"NOPE"`, 1), "unit"},
				{"not an object", `title: x`, "body: must be a JSON object"},
				{"not JSON", `{"title": x}`, "body: not valid JSON at byte"},
			} {
				r := h.run(bad.body, "callup", "create", "-")
				if r.code != 1 || !strings.Contains(r.stderr, "stdin: "+bad.want) {
					t.Errorf("%s: exit %d, stderr %q; want 1 and %q", bad.name, r.code, r.stderr, "stdin: "+bad.want)
				}
			}
			if r := h.run("", "callup", "create"); r.code != 2 {
				t.Errorf("no file: exit %d, want 2", r.code)
			}
			list, err := h.open().FindCallUps(system())
			if err != nil || len(list) != 2 {
				t.Errorf("%d call-ups after the refused ones (%v), want 2", len(list), err)
			}

			// From a template: its fields, report_by six hours on; then
			// with a title from stdin overriding the template's.
			tpl := &muster.CallUpTemplate{Name: "flood", Unit: "GOM", ReportWithin: 6 * time.Hour,
				CallUp: json.RawMessage(`{"title":"Flood","kind":"civil","unit":"GOM","message":"Sandbags.","channels":["paper"],"drill":true}`)}
			if err := h.open().CreateCallUpTemplate(system(), tpl); err != nil {
				t.Fatal(err)
			}
			before := time.Now()
			fromTemplate := func(stdin string, args ...string) *muster.CallUp {
				t.Helper()
				out := h.ok(stdin, append([]string{"callup", "create", "-template", "flood"}, args...)...)
				id, err := strconv.ParseInt(strings.TrimSpace(out), 10, 64)
				if err != nil {
					t.Fatalf("stdout %q, want an id", out)
				}
				c, err := h.open().FindCallUp(system(), id)
				if err != nil {
					t.Fatal(err)
				}
				return c
			}
			c = fromTemplate("")
			if due := before.Add(6 * time.Hour); c.Title != "Flood" || c.Kind != muster.CallUpCivil || c.Targeted != 2 ||
				c.ReportBy.Before(due.Truncate(time.Second)) || c.ReportBy.After(due.Add(time.Minute)) {
				t.Errorf("from the template: %+v, want its fields and report_by six hours on", c)
			}
			if c = fromTemplate(`{"title":"Flood, second wave"}`, "-"); c.Title != "Flood, second wave" || c.Message != "Sandbags." {
				t.Errorf("with an override: title %q, message %q", c.Title, c.Message)
			}
			if r := h.run("", "callup", "create", "-template", "fire"); r.code != 1 || !strings.Contains(r.stderr, "fire") {
				t.Errorf("unknown template: exit %d, stderr %q", r.code, r.stderr)
			}
			if r := h.run(`{"colour":"red"}`, "callup", "create", "-template", "flood", "-"); r.code != 1 || !strings.Contains(r.stderr, "stdin: colour: unknown field") {
				t.Errorf("unknown override: exit %d, stderr %q", r.code, r.stderr)
			}
		})
	}
}
