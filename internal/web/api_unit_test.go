package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

func TestAPIAuth(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newTestServer(t, db)
		wantChallenge := func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Header().Get("WWW-Authenticate") == "" {
				t.Errorf("401 without WWW-Authenticate")
			}
		}
		run(t, srv, []scenario{
			{name: "no token", method: "GET", url: "/api/v1/units", status: 401, code: muster.EUNAUTHORIZED, check: wantChallenge},
			{name: "bad token", method: "GET", url: "/api/v1/units", token: "nope", status: 401, code: muster.EUNAUTHORIZED, check: wantChallenge},
			{name: "no token on unknown path", method: "GET", url: "/api/v1/nothing", status: 401, code: muster.EUNAUTHORIZED},
			{name: "unknown path", method: "GET", url: "/api/v1/nothing", token: "admin-token", status: 404, code: muster.ENOTFOUND},
			{name: "unknown method", method: "DELETE", url: "/api/v1/units", token: "admin-token", status: 404, code: muster.ENOTFOUND},
			{name: "openapi needs no token", method: "GET", url: "/api/v1/openapi.json", status: 200},
		})
		// Not Bearer.
		req := httptest.NewRequest("GET", "/api/v1/units", nil)
		req.Header.Set("Authorization", "Basic YWRtaW46YWRtaW4=")
		rec := httptest.NewRecorder()
		srv.h.ServeHTTP(rec, req)
		if rec.Code != 401 {
			t.Errorf("Basic auth = %d, want 401", rec.Code)
		}
	})
}

func TestAPIUnits(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newTestServer(t, db)
		units := func(want ...string) func(*testing.T, *httptest.ResponseRecorder) {
			return func(t *testing.T, rec *httptest.ResponseRecorder) {
				var body struct{ Units []muster.Unit }
				decode(t, rec, &body)
				var got []string
				for _, u := range body.Units {
					got = append(got, u.Code)
				}
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("units %v, want %v", got, want)
				}
			}
		}
		run(t, srv, []scenario{
			{name: "all, tree order", method: "GET", url: "/api/v1/units", token: "admin-token", status: 200,
				check: units("TD", "BRE", "BRE-PIN", "GOM", "GOM-MOZ", "GOM-MOZ-1")},
			{name: "clerk sees own subtree", method: "GET", url: "/api/v1/units", token: "clerk-gom", status: 200,
				check: units("GOM-MOZ", "GOM-MOZ-1")},
			{name: "under and depth", method: "GET", url: "/api/v1/units?under=TD&depth=1", token: "admin-token", status: 200,
				check: units("TD", "BRE", "GOM")},
			{name: "kind", method: "GET", url: "/api/v1/units?kind=district", token: "admin-token", status: 200,
				check: units("BRE-PIN", "GOM-MOZ")},
			{name: "bad kind", method: "GET", url: "/api/v1/units?kind=battalion", token: "admin-token", status: 400, code: muster.EINVALID, field: "kind"},
			{name: "bad depth", method: "GET", url: "/api/v1/units?depth=-1", token: "admin-token", status: 400, field: "depth"},
			{name: "unknown parameter", method: "GET", url: "/api/v1/units?undr=TD", token: "admin-token", status: 400, field: "undr"},
			{name: "clerk lists BRE", method: "GET", url: "/api/v1/units?under=BRE", token: "clerk-gom", status: 403, code: muster.EFORBIDDEN},
			{name: "clerk reads BRE", method: "GET", url: "/api/v1/units/BRE", token: "clerk-gom", status: 403, code: muster.EFORBIDDEN},
			{name: "get", method: "GET", url: "/api/v1/units/GOM-MOZ-1", token: "clerk-gom", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				var u map[string]any
				decode(t, rec, &u)
				if u["code"] != "GOM-MOZ-1" || u["name"] != "1-я рота" || u["parent"] != "GOM-MOZ" || u["kind"] != "unit" || u["target_strength"] != 100.0 {
					t.Errorf("unit = %v", u)
				}
			}},
			{name: "unknown unit", method: "GET", url: "/api/v1/units/NOPE", token: "admin-token", status: 404, code: muster.ENOTFOUND},
			{name: "create", method: "POST", url: "/api/v1/units", token: "commander-gom", status: 201,
				body: map[string]any{"code": "GOM-MOZ-2", "name": "2-я рота", "parent": "GOM-MOZ", "kind": "unit", "target_strength": 80},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if loc := rec.Header().Get("Location"); loc != "/api/v1/units/GOM-MOZ-2" {
						t.Errorf("Location %q", loc)
					}
				}},
			{name: "create duplicate", method: "POST", url: "/api/v1/units", token: "admin-token", status: 409, code: muster.ECONFLICT,
				body: map[string]any{"code": "GOM-MOZ-2", "name": "again", "parent": "GOM-MOZ", "kind": "unit"}},
			{name: "create outside scope", method: "POST", url: "/api/v1/units", token: "commander-gom", status: 403,
				body: map[string]any{"code": "BRE-PIN-1", "name": "x", "parent": "BRE-PIN", "kind": "unit"}},
			{name: "clerk may not create units", method: "POST", url: "/api/v1/units", token: "clerk-gom", status: 403,
				body: map[string]any{"code": "GOM-MOZ-3", "name": "x", "parent": "GOM-MOZ", "kind": "unit"}},
			{name: "second root", method: "POST", url: "/api/v1/units", token: "admin-token", status: 400, code: muster.EINVALID, field: "parent",
				body: map[string]any{"code": "HQ2", "name": "x", "kind": "command"}},
			{name: "invalid unit", method: "POST", url: "/api/v1/units", token: "admin-token", status: 400, code: muster.EINVALID, field: "kind",
				body: map[string]any{"code": "X1", "name": "x", "parent": "TD", "kind": "battalion"}},
			{name: "unknown JSON field", method: "POST", url: "/api/v1/units", token: "admin-token", status: 400, code: muster.EINVALID, field: "colour",
				body: map[string]any{"code": "X1", "name": "x", "parent": "TD", "kind": "region", "colour": "red"}},
			{name: "wrong JSON type", method: "POST", url: "/api/v1/units", token: "admin-token", status: 400, field: "target_strength",
				body: `{"code": "X1", "name": "x", "parent": "TD", "kind": "region", "target_strength": "many"}`},
			{name: "malformed JSON", method: "POST", url: "/api/v1/units", token: "admin-token", status: 400, field: "body", body: `{"code": `},
			{name: "two JSON values", method: "POST", url: "/api/v1/units", token: "admin-token", status: 400, field: "body", body: `{} {}`},
			{name: "JSON array", method: "POST", url: "/api/v1/units", token: "admin-token", status: 400, field: "body", body: `[{"code": "X1"}]`},
			{name: "empty body", method: "POST", url: "/api/v1/units", token: "admin-token", status: 400, field: "body", body: ""},
			{name: "form body", method: "POST", url: "/api/v1/units", token: "admin-token", status: 400, field: "Content-Type",
				body: rawBody{"application/x-www-form-urlencoded", "code=X1"}},
			{name: "JSON body over 1 MiB", method: "POST", url: "/api/v1/units", token: "admin-token", status: 413, code: muster.ETOOLARGE,
				body: `{"code": "X1", "name": "` + strings.Repeat("x", 1<<20) + `"}`},
			{name: "update", method: "PATCH", url: "/api/v1/units/GOM-MOZ-2", token: "commander-gom", status: 200,
				body: map[string]any{"target_strength": 90}, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var u muster.Unit
					decode(t, rec, &u)
					if u.TargetStrength != 90 || u.Name != "2-я рота" {
						t.Errorf("updated unit = %+v", u)
					}
				}},
			{name: "update unknown field", method: "PATCH", url: "/api/v1/units/GOM-MOZ-2", token: "admin-token", status: 400, field: "code",
				body: map[string]any{"code": "Y"}},
			{name: "update unknown unit", method: "PATCH", url: "/api/v1/units/NOPE", token: "admin-token", status: 404, body: map[string]any{}},
			{name: "strength", method: "GET", url: "/api/v1/units/GOM/strength?depth=2", token: "admin-token", status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var body struct{ Strengths []muster.UnitStrength }
					decode(t, rec, &body)
					if len(body.Strengths) != 4 || body.Strengths[0].Unit.Code != "GOM" || body.Strengths[0].Members != 2 ||
						body.Strengths[0].Active != 1 || body.Strengths[0].Target != 190 {
						t.Errorf("strengths = %+v", body.Strengths)
					}
				}},
			{name: "strength outside scope", method: "GET", url: "/api/v1/units/BRE/strength", token: "clerk-gom", status: 403},
			{name: "strength bad depth", method: "GET", url: "/api/v1/units/GOM/strength?depth=x", token: "admin-token", status: 400, field: "depth"},
		})
	})
}
