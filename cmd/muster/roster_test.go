package main

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// exportedMember is the part of a JSON-exported member the tests read.
type exportedMember struct {
	ServiceNumber  string `json:"service_number"`
	FamilyName     string `json:"family_name"`
	Unit           string `json:"unit"`
	Status         string `json:"status"`
	Phone          string `json:"phone"`
	Qualifications []struct {
		Code string `json:"code"`
	} `json:"qualifications"`
}

// exportJSON runs "export members -format json" with more flags and
// returns the members, failing unless the output is one JSON array.
func (h *harness) exportJSON(flags ...string) []exportedMember {
	h.t.Helper()
	out := h.ok("", append([]string{"export", "members", "-format", "json"}, flags...)...)
	var ms []exportedMember
	if !json.Valid([]byte(out)) || json.Unmarshal([]byte(out), &ms) != nil || !strings.HasPrefix(out, "[") {
		h.t.Fatalf("export -format json %v is not a JSON array:\n%s", flags, out)
	}
	return ms
}

// serviceNumbers returns the service numbers of ms, sorted.
func serviceNumbers(ms []exportedMember) []string {
	var sns []string
	for _, m := range ms {
		sns = append(sns, m.ServiceNumber)
	}
	slices.Sort(sns)
	return sns
}

// wantOut fails the test unless out is exactly want.
func wantOut(t *testing.T, what, out, want string) {
	t.Helper()
	if out != want {
		t.Errorf("%s printed %q, want %q", what, out, want)
	}
}

// tokenLine matches what token create prints: the token alone.
var tokenLine = regexp.MustCompile(`^mst_[A-Za-z0-9_-]{20,}\n$`)

// TestRoster takes the testdata force through the command line on SQLite
// and on PostgreSQL: units and members imported from a file and from
// stdin, a dry run, exports in both formats, an export of a subtree, a CSV
// export that imports back as no change, and a token that works against
// the API of a running server.
func TestRoster(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, dialect)
			units, members := testdata("units.csv"), testdata("members.csv")
			wantOut(t, "import units", h.ok("", "import", "units", units), units+": imported: 7 created, 0 updated, 0 unchanged\n")
			wantOut(t, "import units again", h.ok("", "import", "units", units), units+": imported: 0 created, 0 updated, 7 unchanged\n")
			wantOut(t, "export of no members", h.ok("", "export", "members", "-format", "json"), "[]\n")
			wantOut(t, "CSV export of no members", h.ok("", "export", "members"),
				"service_number,family_name,given_name,birth_date,unit,position,status,phone,email,employer,qualifications\n")

			before := h.snapshot()
			wantOut(t, "import -dry-run", h.ok("", "import", "members", "-dry-run", members),
				members+": dry run, nothing changed: 5 created, 0 updated, 0 unchanged\n")
			if h.snapshot() != before {
				t.Fatal("import -dry-run changed the database")
			}
			wantOut(t, "import members", h.ok("", "import", "members", members), members+": imported: 5 created, 0 updated, 0 unchanged\n")
			wantOut(t, "import members -", h.ok(readTestdata(t, "members_more.csv"), "import", "members", "-"),
				"stdin: imported: 1 created, 1 updated, 0 unchanged\n")

			all := h.exportJSON()
			if got, want := serviceNumbers(all), []string{"BY10000001", "BY10000002", "BY30000001", "BY30000002", "BY30000003", "BY30000004"}; !slices.Equal(got, want) {
				t.Fatalf("exported %v, want %v", got, want)
			}
			for _, m := range all {
				// The file on stdin had no phone or qualifications columns:
				// the update kept them.
				if m.ServiceNumber == "BY30000002" && (m.Status != "active" || m.Phone != "+375447654321" || len(m.Qualifications) != 1) {
					t.Errorf("BY30000002 after a partial update: %+v", m)
				}
				if m.ServiceNumber == "BY30000004" && m.FamilyName != "Петров, мл." {
					t.Errorf("BY30000004's family name is %q", m.FamilyName)
				}
			}
			for unit, want := range map[string][]string{
				"GOM":       {"BY30000001", "BY30000002", "BY30000003", "BY30000004"},
				"GOM-MOZ-1": {"BY30000001", "BY30000002", "BY30000003"},
				"BRE-PIN":   {"BY10000001", "BY10000002"},
			} {
				if got := serviceNumbers(h.exportJSON("-unit", unit)); !slices.Equal(got, want) {
					t.Errorf("export -unit %s: %v, want %v", unit, got, want)
				}
			}
			gom := h.ok("", "export", "members", "-unit", "GOM")
			if n := len(lines(gom)); n != 5 || strings.Contains(gom, "BY1") {
				t.Errorf("CSV export -unit GOM has %d lines, want a header and 4 members:\n%s", n, gom)
			}

			// The CSV export imports back as no change, from a file and from stdin.
			before = h.snapshot()
			csv := h.ok("", "export", "members", "-format", "csv")
			file := writeFile(t, h.dir, "export.csv", csv)
			wantOut(t, "import of the export", h.ok("", "import", "members", file), file+": imported: 0 created, 0 updated, 6 unchanged\n")
			wantOut(t, "import - of the export", h.ok(csv, "import", "members", "-"), "stdin: imported: 0 created, 0 updated, 6 unchanged\n")
			if after := h.snapshot(); after != before {
				t.Errorf("importing the export changed the database:\n%s", diffLines(before, after))
			}

			r := h.run("", "token", "create", "-role", "clerk", "-unit", "GOM", "-name", "e2e")
			if r.code != 0 || !tokenLine.MatchString(r.stdout) || r.stderr != "" {
				t.Fatalf("token create: exit %d, stdout %q, stderr %q; want 0 and the token alone", r.code, r.stdout, r.stderr)
			}
			token := strings.TrimSpace(r.stdout)
			srv, url := startServe(t, h.dir, "-db", h.dsn)
			if n := memberTotal(t, url, token); n != 4 {
				t.Errorf("the GOM clerk's token sees %d members, want 4", n)
			}
			if code := apiGet(t, url+"api/v1/members/BY30000001", token, nil); code != http.StatusOK {
				t.Errorf("GET a member of GOM with the GOM token: %d, want 200", code)
			}
			if code := apiGet(t, url+"api/v1/members/BY10000001", token, nil); code != http.StatusForbidden && code != http.StatusNotFound {
				t.Errorf("GET a member of BRE with the GOM token: %d, want 403 or 404", code)
			}
			if code := apiGet(t, url+"api/v1/members", token+"x", nil); code != http.StatusUnauthorized {
				t.Errorf("GET with a wrong token: %d, want 401", code)
			}
			srv.signal(t, syscall.SIGTERM)
			if code := srv.wait(t); code != 0 {
				t.Errorf("serve exited %d after SIGTERM, want 0\nstderr:\n%s", code, srv.stderr)
			}

			if dialect == "postgres" {
				r := h.run("", "backup", writeFile(t, h.dir, "unused", "")+".db")
				if r.code != 1 || !strings.Contains(r.stderr, "pg_dump") {
					t.Errorf("backup of PostgreSQL: exit %d, stderr %q; want 1 and a pointer to pg_dump", r.code, r.stderr)
				}
			}
		})
	}
}
