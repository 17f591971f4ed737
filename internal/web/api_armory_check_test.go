package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// newCheckServer is newArmoryServer with the check campaigns and kit
// pages, the rifles R1 (issued to G1) and R2 (in store) in GOM-MOZ-1's
// armory and R3 in BRE-PIN's.
func newCheckServer(t *testing.T, db *sqldb.DB) *testServer {
	t.Helper()
	srv := newArmoryServer(t, db)
	srv.Checks, srv.Kits, srv.ArmoryReports = db, db, db
	ctx := sqldbtest.System()
	if err := db.CreateItemType(ctx, &muster.ItemType{Code: "RIFLE", Name: "AK-74M", Kind: muster.Serialised}); err != nil {
		t.Fatal(err)
	}
	for serial, armory := range map[string]string{"R1": "GOM-MOZ-1", "R2": "GOM-MOZ-1", "R3": "BRE-PIN"} {
		if err := db.CreateItem(ctx, &muster.Item{Serial: serial, Type: "RIFLE", Armory: armory}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.MoveItem(ctx, "R1", muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "G1"}); err != nil {
		t.Fatal(err)
	}
	return srv
}

// wantJSON decodes the answer and checks it with ok.
func wantJSON[T any](ok func(v T) bool) func(t *testing.T, rec *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) {
		t.Helper()
		var v T
		decode(t, rec, &v)
		if !ok(v) {
			t.Errorf("answer = %s", rec.Body)
		}
	}
}

func TestArmoryCheckAPI(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newCheckServer(t, db)
		const gom, bre = "armorer-gom", "armorer-bre"
		deadline := sqldbtest.Now.Add(48 * time.Hour).Format(time.RFC3339)
		progress := func(items, confirmed, open int) func(t *testing.T, rec *httptest.ResponseRecorder) {
			return wantJSON(func(c muster.ArmoryCheck) bool {
				return c.ID == 1 && c.Unit == "GOM-MOZ" && c.Items == items && c.Confirmed == confirmed && c.Open == open
			})
		}
		run(t, srv, []scenario{
			{name: "outside scope", method: "POST", url: "/api/v1/armory-checks", token: gom,
				body: map[string]any{"unit": "BRE-PIN", "deadline": deadline}, status: 403, code: muster.EFORBIDDEN},
			{name: "deadline passed", method: "POST", url: "/api/v1/armory-checks", token: gom,
				body: map[string]any{"unit": "GOM-MOZ", "deadline": "2026-01-01T00:00:00Z"}, status: 422, field: "deadline"},
			{name: "unknown field", method: "POST", url: "/api/v1/armory-checks", token: gom,
				body: map[string]any{"unit": "GOM-MOZ", "deadline": deadline, "when": "now"}, status: 400, field: "when"},
			{name: "create", method: "POST", url: "/api/v1/armory-checks", token: gom,
				body: map[string]any{"unit": "GOM-MOZ", "deadline": deadline, "note": "autumn"}, status: 201, check: progress(2, 0, 0)},
			{name: "get", method: "GET", url: "/api/v1/armory-checks/1", token: gom, status: 200, check: progress(2, 0, 0)},
			{name: "get outside scope", method: "GET", url: "/api/v1/armory-checks/1", token: bre, status: 403},
			{name: "get no such", method: "GET", url: "/api/v1/armory-checks/x", token: gom, status: 404},
			{name: "station, holder", method: "POST", url: "/api/v1/armory-checks/1/confirmations", token: gom,
				body: map[string]any{"service_number": "G1", "serials": []string{"R1"}}, status: 200,
				check: wantJSON(func(r muster.CheckResult) bool { return len(r.Confirmed) == 1 && len(r.Discrepancies) == 0 })},
			{name: "station, wrong holder", method: "POST", url: "/api/v1/armory-checks/1/confirmations", token: gom,
				body: map[string]any{"service_number": "G2", "serials": []string{"R2"}}, status: 200,
				check: wantJSON(func(r muster.CheckResult) bool {
					return len(r.Confirmed) == 0 && len(r.Discrepancies) == 1 && r.Discrepancies[0].Kind == muster.DiscrepancyWrongHolder
				})},
			{name: "station, no serial", method: "POST", url: "/api/v1/armory-checks/1/confirmations", token: gom,
				body: map[string]any{"serials": []string{}}, status: 422, field: "serials"},
			{name: "station outside scope", method: "POST", url: "/api/v1/armory-checks/1/confirmations", token: bre,
				body: map[string]any{"serials": []string{"R2"}}, status: 403},
			{name: "progress", method: "GET", url: "/api/v1/armory-checks/1", token: gom, status: 200, check: progress(2, 1, 1)},
			{name: "discrepancies", method: "GET", url: "/api/v1/armory-checks/1/discrepancies", token: gom, status: 200,
				check: wantJSON(func(l struct{ Discrepancies []muster.Discrepancy }) bool {
					return len(l.Discrepancies) == 1 && l.Discrepancies[0].Serial == "R2" && l.Discrepancies[0].Open
				})},
			{name: "open discrepancies report", method: "GET", url: "/api/v1/reports/armory/discrepancies?unit=GOM-MOZ", token: gom, status: 200,
				check: wantJSON(func(r muster.DiscrepancyReport) bool {
					return len(r.Discrepancies) == 1 && r.Discrepancies[0].Serial == "R2" && r.Discrepancies[0].Unit == "GOM-MOZ"
				})},
			{name: "open discrepancies report outside scope", method: "GET", url: "/api/v1/reports/armory/discrepancies?unit=GOM-MOZ",
				token: bre, status: 403},
			{name: "resolve without note", method: "POST", url: "/api/v1/armory-checks/1/discrepancies/1/resolve", token: gom,
				body: map[string]any{"note": ""}, status: 422, field: "note"},
			{name: "resolve outside scope", method: "POST", url: "/api/v1/armory-checks/1/discrepancies/1/resolve", token: bre,
				body: map[string]any{"note": "seen"}, status: 403},
			{name: "resolve", method: "POST", url: "/api/v1/armory-checks/1/discrepancies/1/resolve", token: gom,
				body: map[string]any{"note": "R2 found in store"}, status: 200,
				check: wantJSON(func(d muster.Discrepancy) bool { return !d.Open && d.Resolution == "R2 found in store" })},
			{name: "open discrepancies report, resolved", method: "GET", url: "/api/v1/reports/armory/discrepancies?unit=GOM-MOZ", token: gom,
				status: 200, check: wantJSON(func(r muster.DiscrepancyReport) bool { return len(r.Discrepancies) == 0 })},
			{name: "resolve again", method: "POST", url: "/api/v1/armory-checks/1/discrepancies/1/resolve", token: gom,
				body: map[string]any{"note": "again"}, status: 409},
			{name: "kit link outside scope", method: "GET", url: "/api/v1/members/G1/kit-link", token: bre, status: 403},
			{name: "kit link, a viewer", method: "GET", url: "/api/v1/members/G1/kit-link", token: "viewer-gom", status: 403, code: muster.EFORBIDDEN},
			{name: "kit link, a clerk", method: "GET", url: "/api/v1/members/G1/kit-link", token: "clerk-gom", status: 403, code: muster.EFORBIDDEN},
		})

		rec := request(t, srv, "GET", "/api/v1/members/G1/kit-link", gom, nil)
		var link struct{ Token, URL string }
		decode(t, rec, &link)
		if rec.Code != 200 || !strings.HasSuffix(link.URL, "/k/"+link.Token) {
			t.Fatalf("kit link = %d %s", rec.Code, rec.Body)
		}
		page := request(t, srv, "GET", "/k/"+link.Token, "", nil)
		if page.Code != 200 || !strings.Contains(page.Body.String(), "R1") || !strings.Contains(page.Body.String(), `name="s.R1"`) ||
			page.Body.Len() > 6000 || strings.Contains(page.Body.String(), "<script") {
			t.Fatalf("kit page = %d, %d bytes:\n%s", page.Code, page.Body.Len(), page.Body)
		}
		form := url.Values{"check": {"1"}, "s.R1": {"missing"}}
		rec = request(t, srv, "POST", "/k/"+link.Token, "", rawBody{"application/x-www-form-urlencoded", form.Encode()})
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "your check is recorded") || !strings.Contains(rec.Body.String(), "reported missing") {
			t.Fatalf("kit confirmation = %d:\n%s", rec.Code, rec.Body)
		}
		rec = request(t, srv, "POST", "/k/"+link.Token, "", rawBody{"application/x-www-form-urlencoded", url.Values{"check": {"1"}}.Encode()})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "at least one item") {
			t.Fatalf("empty kit confirmation = %d:\n%s", rec.Code, rec.Body)
		}
		altered := "a" + link.Token[1:]
		if altered == link.Token {
			altered = "b" + link.Token[1:]
		}
		if rec := request(t, srv, "GET", "/k/"+altered, "", nil); rec.Code != 404 {
			t.Fatalf("bad kit link = %d", rec.Code)
		}
		// The missing report outdates the station's confirmation of R1.
		run(t, srv, []scenario{{name: "missing from the kit page", method: "GET", url: "/api/v1/armory-checks/1", token: gom, status: 200,
			check: progress(2, 0, 1)}})
	})
}
