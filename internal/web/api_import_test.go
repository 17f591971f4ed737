package web_test

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// imported checks an import's counts.
func imported(created, updated, unchanged int, dry bool) func(*testing.T, *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) {
		t.Helper()
		var got struct {
			Created, Updated, Unchanged int
			DryRun                      bool `json:"dry_run"`
		}
		decode(t, rec, &got)
		if got.Created != created || got.Updated != updated || got.Unchanged != unchanged || got.DryRun != dry {
			t.Errorf("import = %s, want created %d, updated %d, unchanged %d, dry_run %v", rec.Body, created, updated, unchanged, dry)
		}
	}
}

// details checks the line and field of each detail of an error, in order.
func details(want ...string) func(*testing.T, *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) {
		t.Helper()
		var got []string
		for _, d := range decodeError(t, rec).Details {
			got = append(got, strings.TrimSuffix(strings.Join([]string{strconv.Itoa(d.Line), d.Field}, ":"), ":"))
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("details (line:field) %v, want %v\n%s", got, want, rec.Body)
		}
	}
}

// rowDetails checks each detail of an error as "line:field:message", in
// order.
func rowDetails(want ...string) func(*testing.T, *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) {
		t.Helper()
		var got []string
		for _, d := range decodeError(t, rec).Details {
			got = append(got, strconv.Itoa(d.Line)+":"+d.Field+":"+d.Message)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("details\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

const membersHeader = "service_number,family_name,given_name,birth_date,unit,position,status,phone,email,employer,qualifications\n"

func TestAPIImportMembers(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newTestServer(t, db)
		good := csvText(membersHeader +
			"G3,Жук,Алесь,1991-02-03,GOM-MOZ-1,rifleman,active,+375291112233,,,RIF:2027-06-30\n" +
			"G2,Kowalski,Jan,1990-05-17,GOM-MOZ-1,driver,reserve,,,,MED\n")
		bad := csvText(membersHeader +
			"G5,Новик,Ян,1992-02-30,GOM-MOZ-1,,active,,,,\n" + // line 2: no such date
			"G6,Новик,Ян,1992-02-03,GOM-MOZ-1,,active,,,,\n" + // line 3: fine
			"G7,Новик,Ян,1992-02-03,GOM-MOZ-1,,retired,,,,\n" + // line 4: unknown status
			"G8,Новик,Ян,1992-02-03,BRE-PIN,,active,,,,\n") // line 5: outside a clerk of GOM-MOZ
		run(t, srv, []scenario{
			{name: "dry run", method: "POST", url: "/api/v1/members/import?dry_run=true", token: "clerk-gom", body: good, status: 200, check: imported(1, 1, 0, true)},
			{name: "dry run kept nothing", method: "GET", url: "/api/v1/members/G3", token: "clerk-gom", status: 404},
			{name: "import", method: "POST", url: "/api/v1/members/import", token: "clerk-gom", body: good, status: 200, check: imported(1, 1, 0, false)},
			{name: "imported", method: "GET", url: "/api/v1/members/G3", token: "clerk-gom", status: 200},
			{name: "again: unchanged", method: "POST", url: "/api/v1/members/import", token: "clerk-gom", body: good, status: 200, check: imported(0, 0, 2, false)},
			{name: "bad rows", method: "POST", url: "/api/v1/members/import", token: "clerk-gom", body: bad, status: 422, code: muster.EUNPROCESSABLE,
				check: details("2:birth_date", "4:status", "5:unit")},
			{name: "nothing of a bad file kept", method: "GET", url: "/api/v1/members/G6", token: "admin-token", status: 404},
			{name: "one detail per bad row", method: "POST", url: "/api/v1/members/import", token: "clerk-gom", status: 422, code: muster.EUNPROCESSABLE,
				body: csvText(membersHeader +
					"G5,Новик,,1992-02-30,NOPE,,active,80291234567,,,PILOT\n" + // line 2: five problems
					"G6,Новик,Ян,1992-02-03,GOM-MOZ-1,,active,,,,\n" + // line 3: fine
					"G7,Новик,Ян,1992-02-03,GOM-MOZ-1,,retired,,,,\n"), // line 4: one problem
				check: rowDetails(
					`2:given_name:given_name: required, at most 100 characters; birth_date: not a real date: "1992-02-30"; `+
						`phone: not a phone number in E.164 form such as +375291234567: "80291234567"; unit: unknown unit "NOPE"; `+
						`qualifications: unknown qualification "PILOT"`,
					`4:status:status: unknown status "retired"; the statuses are applicant, active, reserve, inactive, discharged`)},
			{name: "a row into BRE-PIN", method: "POST", url: "/api/v1/members/import", token: "clerk-gom", status: 422,
				body: csvText("service_number,unit\nB1,GOM-MOZ-1\n"), check: details("2:service_number")},
			{name: "B1 untouched", method: "GET", url: "/api/v1/members?unit=BRE-PIN", token: "admin-token", status: 200, check: members(1, "B1")},
			{name: "bad header", method: "POST", url: "/api/v1/members/import", token: "clerk-gom", status: 422,
				body: csvText("service_number,Family_Name\nG9,x\n"), check: details("1:Family_Name")},
			{name: "empty file", method: "POST", url: "/api/v1/members/import", token: "clerk-gom", status: 422, body: csvText("")},
			{name: "viewer may not import", method: "POST", url: "/api/v1/members/import", token: "viewer-gom", body: good, status: 403},
			{name: "JSON instead of CSV", method: "POST", url: "/api/v1/members/import", token: "clerk-gom", status: 400, field: "Content-Type",
				body: `[{"service_number": "G9"}]`},
			{name: "no Content-Type", method: "POST", url: "/api/v1/members/import", token: "clerk-gom", status: 400, field: "Content-Type",
				body: rawBody{"", string(good)}},
			{name: "Latin-1", method: "POST", url: "/api/v1/members/import", token: "clerk-gom", status: 400, field: "Content-Type",
				body: rawBody{"text/csv; charset=iso-8859-1", string(good)}},
			{name: "bad dry_run", method: "POST", url: "/api/v1/members/import?dry_run=maybe", token: "clerk-gom", status: 400, field: "dry_run", body: good},
		})
		// Over the import limit: 413, and nothing kept.
		srv.MaxImportBytes = 64
		big := csvText(membersHeader + "G9,Новик,Ян,1992-02-03,GOM-MOZ-1,,active,,,,\n" + strings.Repeat("G9,Новик,Ян,1992-02-03,GOM-MOZ-1,,active,,,,\n", 10))
		run(t, srv, []scenario{
			{name: "too large", method: "POST", url: "/api/v1/members/import", token: "clerk-gom", body: big, status: 413, code: muster.ETOOLARGE},
			{name: "nothing of a large file kept", method: "GET", url: "/api/v1/members/G9", token: "clerk-gom", status: 404},
		})
	})
}

// TestAPIImportTooLargeStreamed sends a body of unknown length, so that the
// limit is hit while the rows are being read, not up front.
func TestAPIImportTooLargeStreamed(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newTestServer(t, db)
		srv.MaxImportBytes = 200
		body := membersHeader + strings.Repeat("G9,Новик,Ян,1992-02-03,GOM-MOZ-1,,active,,,,\n", 20)
		req := httptest.NewRequest("POST", "/api/v1/members/import", strings.NewReader(body))
		req.ContentLength = -1
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Authorization", "Bearer clerk-gom")
		rec := httptest.NewRecorder()
		srv.h.ServeHTTP(rec, req)
		if rec.Code != 413 || decodeError(t, rec).Code != muster.ETOOLARGE {
			t.Fatalf("streamed large import = %d %s", rec.Code, rec.Body)
		}
	})
}

func TestAPIImportUnits(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newTestServer(t, db)
		good := csvText("code,name,parent,kind,target_strength\nGOM-MOZ-2,2-я рота,GOM-MOZ,unit,80\nGOM-MOZ-2-1,1-й взвод,GOM-MOZ-2,subunit,30\n")
		run(t, srv, []scenario{
			{name: "import", method: "POST", url: "/api/v1/units/import", token: "commander-gom", body: good, status: 200, check: imported(2, 0, 0, false)},
			{name: "again", method: "POST", url: "/api/v1/units/import", token: "commander-gom", body: good, status: 200, check: imported(0, 0, 2, false)},
			{name: "bad rows", method: "POST", url: "/api/v1/units/import", token: "commander-gom", status: 422,
				body: csvText("code,name,parent,kind\nGOM-MOZ-3,3-я рота,GOM-MOZ,battalion\nGOM-MOZ-4,4-я рота,GOM-MOZ,unit\n"), check: details("2:kind")},
			{name: "nothing of a bad file kept", method: "GET", url: "/api/v1/units/GOM-MOZ-4", token: "admin-token", status: 404},
			{name: "clerk may not import units", method: "POST", url: "/api/v1/units/import", token: "clerk-gom", body: good, status: 403},
			{name: "wrong Content-Type", method: "POST", url: "/api/v1/units/import", token: "commander-gom", status: 400, field: "Content-Type",
				body: rawBody{"application/vnd.ms-excel", string(good)}},
		})
	})
}

func TestAPIExportRoundTrip(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newTestServer(t, db)
		rec := request(t, srv, "GET", "/api/v1/members/export", "admin-token", nil)
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
			t.Fatalf("export = %d %q %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
		if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="members.csv"` {
			t.Errorf("Content-Disposition %q", cd)
		}
		exported := rec.Body.String()
		if lines := strings.Split(strings.TrimSpace(exported), "\n"); len(lines) != 4 || lines[0]+"\n" != membersHeader {
			t.Fatalf("export:\n%s", exported)
		}
		run(t, srv, []scenario{
			{name: "import the export", method: "POST", url: "/api/v1/members/import", token: "admin-token", body: csvText(exported), status: 200, check: imported(0, 0, 3, false)},
			{name: "JSON export of a subtree", method: "GET", url: "/api/v1/members/export?unit=GOM&format=json", token: "clerk-gom", status: 403},
			{name: "JSON export", method: "GET", url: "/api/v1/members/export?unit=GOM-MOZ&format=json", token: "clerk-gom", status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var list []muster.Member
					decode(t, rec, &list)
					if len(list) != 2 || list[0].ServiceNumber != "G1" || list[1].ServiceNumber != "G2" || len(list[0].Qualifications) != 2 {
						t.Errorf("JSON export = %s", rec.Body)
					}
					if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="members-GOM-MOZ.json"` {
						t.Errorf("Content-Disposition %q", cd)
					}
				}},
			{name: "clerk exports BRE", method: "GET", url: "/api/v1/members/export?unit=BRE", token: "clerk-gom", status: 403, code: muster.EFORBIDDEN},
			{name: "unknown unit", method: "GET", url: "/api/v1/members/export?unit=NOPE", token: "admin-token", status: 404},
			{name: "bad format", method: "GET", url: "/api/v1/members/export?format=xlsx", token: "admin-token", status: 400, field: "format"},
		})
		// An empty subtree exports a header alone, and an empty JSON array.
		run(t, srv, []scenario{
			{name: "create empty unit", method: "POST", url: "/api/v1/units", token: "admin-token", status: 201,
				body: map[string]any{"code": "EMPTY", "name": "Empty", "parent": "TD", "kind": "region"}},
			{name: "empty CSV", method: "GET", url: "/api/v1/members/export?unit=EMPTY", token: "admin-token", status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if rec.Body.String() != membersHeader {
						t.Errorf("empty export %q", rec.Body)
					}
				}},
			{name: "empty JSON", method: "GET", url: "/api/v1/members/export?unit=EMPTY&format=json", token: "admin-token", status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if strings.TrimSpace(rec.Body.String()) != "[]" {
						t.Errorf("empty export %q", rec.Body)
					}
				}},
		})
	})
}
