package web_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// members checks a member page: the service numbers in order and the total.
func members(total int, want ...string) func(*testing.T, *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) {
		t.Helper()
		var page struct {
			Members    []map[string]any `json:"members"`
			Total      int              `json:"total"`
			NextCursor *string          `json:"next_cursor"`
		}
		decode(t, rec, &page)
		var got []string
		for _, m := range page.Members {
			got = append(got, m["service_number"].(string))
			if _, ok := m["qualifications"].([]any); !ok {
				t.Errorf("member %v: qualifications is not an array", m["service_number"])
			}
		}
		if strings.Join(got, " ") != strings.Join(want, " ") || page.Total != total {
			t.Errorf("members %v (total %d), want %v (total %d)", got, page.Total, want, total)
		}
		if !strings.Contains(rec.Body.String(), `"next_cursor":`) {
			t.Errorf("no next_cursor in %s", rec.Body)
		}
	}
}

func TestAPIListMembers(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newTestServer(t, db)
		run(t, srv, []scenario{
			{name: "all in name order", method: "GET", url: "/api/v1/members", token: "admin-token", status: 200, check: members(3, "G1", "G2", "B1")},
			{name: "clerk sees own subtree", method: "GET", url: "/api/v1/members", token: "clerk-gom", status: 200, check: members(2, "G1", "G2")},
			{name: "unit", method: "GET", url: "/api/v1/members?unit=BRE", token: "admin-token", status: 200, check: members(1, "B1")},
			{name: "status", method: "GET", url: "/api/v1/members?status=reserve", token: "admin-token", status: 200, check: members(1, "G2")},
			{name: "status repeated", method: "GET", url: "/api/v1/members?status=reserve&status=active", token: "admin-token", status: 200, check: members(3, "G1", "G2", "B1")},
			{name: "status comma-separated", method: "GET", url: "/api/v1/members?status=inactive,active", token: "admin-token", status: 200, check: members(2, "G1", "B1")},
			{name: "qualification valid today", method: "GET", url: "/api/v1/members?qualification=MED", token: "admin-token", status: 200, check: members(1, "G2")},
			{name: "cyrillic prefix", method: "GET", url: "/api/v1/members?q=" + url.QueryEscape("иван"), token: "admin-token", status: 200, check: members(1, "G1")},
			{name: "latin finds cyrillic", method: "GET", url: "/api/v1/members?q=shevch", token: "admin-token", status: 200, check: members(1, "B1")},
			{name: "filters combine", method: "GET", url: "/api/v1/members?unit=GOM&status=active", token: "admin-token", status: 200, check: members(1, "G1")},
			{name: "bad status", method: "GET", url: "/api/v1/members?status=active,retired", token: "admin-token", status: 400, code: muster.EINVALID, field: "status"},
			{name: "limit zero", method: "GET", url: "/api/v1/members?limit=0", token: "admin-token", status: 400, field: "limit", check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if e := decodeError(t, rec); e.Message != "limit: must be a whole number from 1 to 500" {
					t.Errorf("message %q", e.Message)
				}
			}},
			{name: "limit too big", method: "GET", url: "/api/v1/members?limit=501", token: "admin-token", status: 400, field: "limit"},
			{name: "limit not a number", method: "GET", url: "/api/v1/members?limit=ten", token: "admin-token", status: 400, field: "limit"},
			{name: "limit twice", method: "GET", url: "/api/v1/members?limit=1&limit=2", token: "admin-token", status: 400, field: "limit"},
			{name: "bad cursor", method: "GET", url: "/api/v1/members?cursor=xyz", token: "admin-token", status: 400, code: muster.EINVALID, field: "cursor"},
			{name: "garbage cursor", method: "GET", url: "/api/v1/members?cursor=garbage", token: "admin-token", status: 400, code: muster.EINVALID, field: "cursor"},
			{name: "unknown qualification", method: "GET", url: "/api/v1/members?qualification=NOPE", token: "admin-token", status: 400, code: muster.EINVALID, field: "qualification"},
			{name: "service number in lower case", method: "GET", url: "/api/v1/members?q=b1", token: "admin-token", status: 200, check: members(1, "B1")},
			{name: "service number in mixed case", method: "GET", url: "/api/v1/members?q=g1", token: "admin-token", status: 200, check: members(1, "G1")},
			{name: "unknown parameter", method: "GET", url: "/api/v1/members?stauts=active", token: "admin-token", status: 400, field: "stauts"},
			{name: "clerk lists BRE", method: "GET", url: "/api/v1/members?unit=BRE", token: "clerk-gom", status: 403, code: muster.EFORBIDDEN},
			{name: "unknown unit", method: "GET", url: "/api/v1/members?unit=NOPE", token: "admin-token", status: 404},
		})
	})
}

func TestAPIMembersPaging(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newTestServer(t, db)
		var got []string
		cursor := ""
		for page := 0; ; page++ {
			if page > 3 {
				t.Fatal("paging does not end")
			}
			u := "/api/v1/members?limit=2"
			if cursor != "" {
				u += "&cursor=" + url.QueryEscape(cursor)
			}
			rec := request(t, srv, "GET", u, "admin-token", nil)
			if rec.Code != 200 {
				t.Fatalf("page %d: %d %s", page, rec.Code, rec.Body)
			}
			var body struct {
				Members    []muster.Member
				Total      int
				NextCursor *string `json:"next_cursor"`
			}
			decode(t, rec, &body)
			if body.Total != 3 {
				t.Errorf("page %d: total %d, want 3", page, body.Total)
			}
			for _, m := range body.Members {
				got = append(got, m.ServiceNumber)
			}
			if body.NextCursor == nil {
				if !strings.Contains(rec.Body.String(), `"next_cursor":null`) {
					t.Errorf("last page: next_cursor is not null: %s", rec.Body)
				}
				break
			}
			cursor = *body.NextCursor
		}
		if strings.Join(got, " ") != "G1 G2 B1" {
			t.Errorf("paged through %v, want G1 G2 B1", got)
		}
	})
}

func TestAPIMember(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newTestServer(t, db)
		newMember := map[string]any{"service_number": "G3", "family_name": "Жук", "given_name": "Алесь", "birth_date": "1991-02-03",
			"unit": "GOM-MOZ-1", "status": "applicant", "phone": "+375291112233", "qualifications": []any{map[string]any{"code": "RIF", "expires": "2027-01-01"}}}
		run(t, srv, []scenario{
			{name: "get", method: "GET", url: "/api/v1/members/G1", token: "clerk-gom", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				var m map[string]any
				decode(t, rec, &m)
				if m["service_number"] != "G1" || m["family_name"] != "Иванов" || m["birth_date"] != "1990-05-17" || m["unit"] != "GOM-MOZ-1" {
					t.Errorf("member = %v", m)
				}
				if q, _ := m["qualifications"].([]any); len(q) != 2 {
					t.Errorf("qualifications = %v", m["qualifications"])
				}
			}},
			{name: "clerk reads B1", method: "GET", url: "/api/v1/members/B1", token: "clerk-gom", status: 403, code: muster.EFORBIDDEN},
			{name: "unknown member", method: "GET", url: "/api/v1/members/NOPE", token: "admin-token", status: 404, code: muster.ENOTFOUND},
			{name: "create", method: "POST", url: "/api/v1/members", token: "clerk-gom", body: newMember, status: 201, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if loc := rec.Header().Get("Location"); loc != "/api/v1/members/G3" {
					t.Errorf("Location %q", loc)
				}
			}},
			{name: "create duplicate", method: "POST", url: "/api/v1/members", token: "clerk-gom", body: newMember, status: 409, code: muster.ECONFLICT},
			{name: "viewer may not create", method: "POST", url: "/api/v1/members", token: "viewer-gom", status: 403,
				body: map[string]any{"service_number": "G4", "family_name": "A", "given_name": "B", "birth_date": "1990-01-01", "unit": "GOM-MOZ-1", "status": "active"}},
			{name: "create outside scope", method: "POST", url: "/api/v1/members", token: "clerk-gom", status: 403,
				body: map[string]any{"service_number": "G4", "family_name": "A", "given_name": "B", "birth_date": "1990-01-01", "unit": "BRE-PIN", "status": "active"}},
			{name: "create invalid", method: "POST", url: "/api/v1/members", token: "clerk-gom", status: 400, code: muster.EINVALID, field: "phone",
				body: map[string]any{"service_number": "G4", "family_name": "A", "given_name": "B", "birth_date": "1990-01-01", "unit": "GOM-MOZ-1", "status": "active", "phone": "12"}},
			{name: "create bad date", method: "POST", url: "/api/v1/members", token: "clerk-gom", status: 400, code: muster.EINVALID, field: "birth_date",
				body: map[string]any{"service_number": "G4", "family_name": "A", "given_name": "B", "birth_date": "1990-02-30", "unit": "GOM-MOZ-1", "status": "active"}},
			{name: "create read-only field", method: "POST", url: "/api/v1/members", token: "clerk-gom", status: 400, field: "created_at",
				body: map[string]any{"service_number": "G4", "created_at": "2020-01-01T00:00:00Z"}},
			{name: "update", method: "PATCH", url: "/api/v1/members/G3", token: "clerk-gom", body: map[string]any{"status": "active", "position": "rifleman"}, status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var m muster.Member
					decode(t, rec, &m)
					if m.Status != muster.StatusActive || m.Position != "rifleman" || m.FamilyName != "Жук" || len(m.Qualifications) != 1 {
						t.Errorf("updated member = %+v", m)
					}
				}},
			{name: "update bad expiry", method: "PATCH", url: "/api/v1/members/G3", token: "clerk-gom", status: 400, field: "qualifications",
				body: map[string]any{"position": "x", "qualifications": []any{map[string]any{"code": "RIF", "expires": 2027}}}},
			{name: "update with null body", method: "PATCH", url: "/api/v1/members/G3", token: "clerk-gom", body: "null", status: 400, field: "body"},
			{name: "update unknown field", method: "PATCH", url: "/api/v1/members/G3", token: "clerk-gom", body: map[string]any{"rank": "sergeant"}, status: 400, field: "rank"},
			{name: "update outside scope", method: "PATCH", url: "/api/v1/members/B1", token: "clerk-gom", body: map[string]any{"position": "x"}, status: 403},
			{name: "move outside scope", method: "PATCH", url: "/api/v1/members/G3", token: "clerk-gom", body: map[string]any{"unit": "BRE-PIN"}, status: 403},
			{name: "history", method: "GET", url: "/api/v1/members/G3/history", token: "clerk-gom", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				var body struct{ History []muster.StatusChange }
				decode(t, rec, &body)
				if n := len(body.History); n == 0 || body.History[n-1].Status != muster.StatusActive {
					t.Errorf("history = %+v", body.History)
				}
			}},
			{name: "history outside scope", method: "GET", url: "/api/v1/members/B1/history", token: "clerk-gom", status: 403},
		})
	})
}
