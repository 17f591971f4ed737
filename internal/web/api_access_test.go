package web_test

import (
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestAPITokens runs against the fake access service (api_fake_access_test.go):
// it tests the handlers, not the storage of tokens.
func TestAPITokens(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newTestServer(t, db)
		var secret, location string
		run(t, srv, []scenario{
			{name: "create", method: "POST", url: "/api/v1/tokens", token: "admin-token", status: 201,
				body: map[string]any{"role": "clerk", "unit": "BRE-PIN", "name": "import-script"},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var tok struct {
						Token string
						ID    int64
						Name  string
						Role  muster.Role
						Unit  string
					}
					decode(t, rec, &tok)
					if tok.Token == "" || tok.ID == 0 || tok.Name != "import-script" || tok.Role != muster.RoleClerk || tok.Unit != "BRE-PIN" {
						t.Errorf("new token = %s", rec.Body)
					}
					secret, location = tok.Token, rec.Header().Get("Location")
				}},
			{name: "bad role", method: "POST", url: "/api/v1/tokens", token: "admin-token", status: 400, field: "role",
				body: map[string]any{"role": "general", "unit": "TD", "name": "x"}},
			{name: "no unit", method: "POST", url: "/api/v1/tokens", token: "admin-token", status: 400, field: "unit",
				body: map[string]any{"role": "viewer", "name": "x"}},
			{name: "no name", method: "POST", url: "/api/v1/tokens", token: "admin-token", status: 400, field: "name",
				body: map[string]any{"role": "viewer", "unit": "TD", "name": "  "}},
			{name: "unknown field", method: "POST", url: "/api/v1/tokens", token: "admin-token", status: 400, field: "expires",
				body: map[string]any{"role": "viewer", "unit": "TD", "name": "x", "expires": "never"}},
			{name: "clerk may not create tokens", method: "POST", url: "/api/v1/tokens", token: "clerk-gom", status: 403,
				body: map[string]any{"role": "viewer", "unit": "GOM-MOZ", "name": "x"}},
			{name: "clerk may not list tokens", method: "GET", url: "/api/v1/tokens", token: "clerk-gom", status: 403},
		})
		if location == "" {
			t.Fatal("no token created")
		}
		run(t, srv, []scenario{
			{name: "the new token works", method: "GET", url: "/api/v1/members", token: secret, status: 200, check: members(1, "B1")},
			{name: "list", method: "GET", url: "/api/v1/tokens", token: "admin-token", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				var body struct{ Tokens []muster.Token }
				decode(t, rec, &body)
				if len(body.Tokens) != 5 {
					t.Errorf("tokens = %s", rec.Body)
				}
			}},
			{name: "bad id", method: "DELETE", url: "/api/v1/tokens/abc", token: "admin-token", status: 400, field: "id"},
			{name: "unknown id", method: "DELETE", url: "/api/v1/tokens/999", token: "admin-token", status: 404},
			{name: "revoke", method: "DELETE", url: location, token: "admin-token", status: 204},
			{name: "a revoked token", method: "GET", url: "/api/v1/members", token: secret, status: 401, code: muster.EUNAUTHORIZED},
		})
	})
}

func TestAPIUsers(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newTestServer(t, db)
		user := map[string]any{"login": "ivanova", "name": "Иванова Анна", "role": "clerk", "unit": "GOM-MOZ", "password": "correct horse battery"}
		run(t, srv, []scenario{
			{name: "create", method: "POST", url: "/api/v1/users", token: "admin-token", body: user, status: 201,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if rec.Header().Get("Location") != "/api/v1/users/ivanova" {
						t.Errorf("Location %q", rec.Header().Get("Location"))
					}
					var u map[string]any
					decode(t, rec, &u)
					if u["login"] != "ivanova" || u["password"] != nil {
						t.Errorf("user = %v", u)
					}
				}},
			{name: "duplicate", method: "POST", url: "/api/v1/users", token: "admin-token", body: user, status: 409, code: muster.ECONFLICT},
			{name: "no password", method: "POST", url: "/api/v1/users", token: "admin-token", status: 400, field: "password",
				body: map[string]any{"login": "petrov", "role": "clerk", "unit": "GOM"}},
			{name: "bad role", method: "POST", url: "/api/v1/users", token: "admin-token", status: 400, field: "role",
				body: map[string]any{"login": "petrov", "role": "boss", "unit": "GOM", "password": "x"}},
			{name: "commander may not", method: "POST", url: "/api/v1/users", token: "commander-gom", body: user, status: 403},
			{name: "list", method: "GET", url: "/api/v1/users", token: "admin-token", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				var body struct{ Users []muster.User }
				decode(t, rec, &body)
				if len(body.Users) != 1 || body.Users[0].Login != "ivanova" {
					t.Errorf("users = %s", rec.Body)
				}
			}},
		})
	})
}

func TestAPIQualifications(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newTestServer(t, db)
		run(t, srv, []scenario{
			{name: "list", method: "GET", url: "/api/v1/qualifications", token: "viewer-gom", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				var body struct{ Qualifications []muster.Qualification }
				decode(t, rec, &body)
				if len(body.Qualifications) != 2 || body.Qualifications[0].Code != "MED" {
					t.Errorf("qualifications = %s", rec.Body)
				}
			}},
			{name: "create", method: "PUT", url: "/api/v1/qualifications/DRV-C", token: "admin-token", status: 201,
				body: map[string]any{"name": "Driver, class C", "validity_months": 120}},
			{name: "replace", method: "PUT", url: "/api/v1/qualifications/DRV-C", token: "admin-token", status: 200,
				body: map[string]any{"code": "DRV-C", "name": "Driver C", "validity_months": 120}},
			{name: "code mismatch", method: "PUT", url: "/api/v1/qualifications/DRV-C", token: "admin-token", status: 400, field: "code",
				body: map[string]any{"code": "DRV-D", "name": "Driver D"}},
			{name: "invalid", method: "PUT", url: "/api/v1/qualifications/DRV-C", token: "admin-token", status: 400,
				body: map[string]any{"name": "Driver", "validity_months": -1}},
			{name: "clerk may not", method: "PUT", url: "/api/v1/qualifications/DRV-C", token: "clerk-gom", status: 403,
				body: map[string]any{"name": "Driver"}},
		})
	})
}

func TestAPIAudit(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newTestServer(t, db)
		var next int64
		run(t, srv, []scenario{
			{name: "one page", method: "GET", url: "/api/v1/audit?limit=2", token: "admin-token", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				var body struct {
					Entries    []muster.AuditEntry
					NextBefore *int64 `json:"next_before"`
				}
				decode(t, rec, &body)
				if len(body.Entries) != 2 || body.NextBefore == nil || body.Entries[0].ID <= body.Entries[1].ID {
					t.Fatalf("audit page = %s", rec.Body)
				}
				next = *body.NextBefore
			}},
			{name: "by key", method: "GET", url: "/api/v1/audit?entity=member&key=G1", token: "commander-gom", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				var body struct{ Entries []muster.AuditEntry }
				decode(t, rec, &body)
				if len(body.Entries) != 1 || body.Entries[0].Action != "member.create" {
					t.Errorf("audit of G1 = %s", rec.Body)
				}
			}},
			{name: "another subtree's member", method: "GET", url: "/api/v1/audit?entity=member&key=B1", token: "commander-gom", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				var body struct{ Entries []muster.AuditEntry }
				decode(t, rec, &body)
				if len(body.Entries) != 0 {
					t.Errorf("GOM-MOZ's commander reads the audit of B1 (BRE-PIN): %s", rec.Body)
				}
			}},
			{name: "bad limit", method: "GET", url: "/api/v1/audit?limit=1000", token: "admin-token", status: 400, field: "limit"},
			{name: "bad before", method: "GET", url: "/api/v1/audit?before=0", token: "admin-token", status: 400, field: "before"},
			{name: "clerk may not", method: "GET", url: "/api/v1/audit", token: "clerk-gom", status: 403},
		})
		rec := request(t, srv, "GET", "/api/v1/audit?limit=500&before="+strconv.FormatInt(next, 10), "admin-token", nil)
		var body struct {
			Entries    []muster.AuditEntry
			NextBefore *int64 `json:"next_before"`
		}
		decode(t, rec, &body)
		if len(body.Entries) == 0 || body.Entries[0].ID >= next || body.NextBefore != nil {
			t.Errorf("next audit page = %s", rec.Body)
		}
	})
}

// TestAPIRealAccess runs the token endpoints against sqldb's access service
// rather than the fake, end to end: a token created over the API is scoped
// to its unit, and revoking it over the API locks it out.
func TestAPIRealAccess(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newTestServer(t, db)
		srv.Access = db
		admin, err := db.CreateToken(sqldbtest.System(), &muster.Token{Name: "admin", Role: muster.RoleAdmin, Unit: "TD"})
		if err != nil {
			t.Fatal(err)
		}
		var clerk, location string
		run(t, srv, []scenario{
			{name: "fixed fake tokens mean nothing here", method: "GET", url: "/api/v1/units", token: "admin-token", status: 401},
			{name: "create", method: "POST", url: "/api/v1/tokens", token: admin, status: 201,
				body: map[string]any{"role": "clerk", "unit": "GOM-MOZ", "name": "gom-script"},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var tok struct{ Token string }
					decode(t, rec, &tok)
					clerk, location = tok.Token, rec.Header().Get("Location")
				}},
		})
		run(t, srv, []scenario{
			{name: "scoped list", method: "GET", url: "/api/v1/members", token: clerk, status: 200, check: members(2, "G1", "G2")},
			{name: "outside scope", method: "GET", url: "/api/v1/members/B1", token: clerk, status: 403},
			{name: "clerk may not list tokens", method: "GET", url: "/api/v1/tokens", token: clerk, status: 403},
			{name: "list", method: "GET", url: "/api/v1/tokens", token: admin, status: 200},
			{name: "revoke", method: "DELETE", url: location, token: admin, status: 204},
			{name: "revoked", method: "GET", url: "/api/v1/members", token: clerk, status: 401, code: muster.EUNAUTHORIZED},
		})
	})
}
