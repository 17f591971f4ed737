package web

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// escalatedBody is a call-up of TD's active and reserve members needing
// one MED, with every escalation.
func escalatedBody(change ...func(map[string]any)) map[string]any {
	return callUpBody(append([]func(map[string]any){
		set("filter", map[string]any{"status": []string{"active", "reserve"}}),
		set("requirements", []any{map[string]any{"qualification": "MED", "needed": 1}}),
		set("escalation", map[string]any{"fallback_after": "15m", "reminders": []any{"30m", 120},
			"realert": map[string]any{"after": "1h", "unit": "BRE", "filter": map[string]any{"status": []string{"active"}}}}),
	}, change...)...)
}

func escalation(v map[string]any) func(map[string]any) {
	return set("escalation", v)
}

func TestAPICallUpEscalation(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		var id string
		e.run([]apiScenario{
			{name: "unknown requirement field", method: "POST", path: "/api/v1/callups", who: "admin@TD",
				body:   escalatedBody(set("requirements", []any{map[string]any{"qualification": "MED", "needed": 1, "min": 2}})),
				status: 400, code: muster.EINVALID},
			{name: "unknown escalation field", method: "POST", path: "/api/v1/callups", who: "admin@TD",
				body: escalatedBody(escalation(map[string]any{"after": "15m"})), status: 400, code: muster.EINVALID},
			{name: "bad duration", method: "POST", path: "/api/v1/callups", who: "admin@TD",
				body: escalatedBody(escalation(map[string]any{"fallback_after": "soon"})), status: 400, code: muster.EINVALID, field: "escalation"},
			{name: "zero fallback", method: "POST", path: "/api/v1/callups", who: "admin@TD",
				body: escalatedBody(escalation(map[string]any{"fallback_after": "0s"})), status: 201},
			{name: "needed 0", method: "POST", path: "/api/v1/callups", who: "admin@TD",
				body:   escalatedBody(set("requirements", []any{map[string]any{"qualification": "MED", "needed": 0}})),
				status: 400, code: muster.EINVALID, field: "requirements[0].needed"},
			{name: "unknown qualification", method: "POST", path: "/api/v1/callups", who: "admin@TD",
				body:   escalatedBody(set("requirements", []any{map[string]any{"qualification": "PILOT", "needed": 1}})),
				status: 400, code: muster.EINVALID, field: "requirements[0].qualification"},
			{name: "repeated reminder", method: "POST", path: "/api/v1/callups", who: "admin@TD",
				body: escalatedBody(escalation(map[string]any{"reminders": []any{"30m", 30}})), status: 400, code: muster.EINVALID, field: "escalation.reminders[1]"},
			{name: "re-alert without requirements", method: "POST", path: "/api/v1/callups", who: "admin@TD",
				body: escalatedBody(set("requirements", []any{})), status: 400, code: muster.EINVALID, field: "escalation.realert"},
			{name: "pool outside the call-up's unit", method: "POST", path: "/api/v1/callups", who: "commander@GOM-MOZ",
				body: escalatedBody(set("unit", "GOM-MOZ")), status: 400, code: muster.EINVALID, field: "escalation.realert.unit"},
			{name: "pool in the creator's subtree, outside the call-up's unit", method: "POST", path: "/api/v1/callups", who: "admin@TD",
				body: escalatedBody(set("unit", "GOM")), status: 400, code: muster.EINVALID, field: "escalation.realert.unit"},
			{name: "create", method: "POST", path: "/api/v1/callups", who: "admin@TD", body: escalatedBody(), status: 201,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var c muster.CallUp
					json.Unmarshal(rec.Body.Bytes(), &c)
					id = strconv.FormatInt(c.ID, 10)
				}},
		})
		rec := e.api("GET", "/api/v1/callups/"+id, "admin@TD", nil)
		var got struct {
			Requirements []muster.Requirement `json:"requirements"`
			Escalation   struct {
				FallbackAfter string   `json:"fallback_after"`
				Reminders     []string `json:"reminders"`
				Realert       struct {
					After, Unit string
				}
			}
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != 200 {
			t.Fatalf("GET: %d %s", rec.Code, rec.Body)
		}
		esc := got.Escalation
		if !slices.Equal(got.Requirements, []muster.Requirement{{Qualification: "MED", Needed: 1}}) || esc.FallbackAfter != "15m" ||
			!slices.Equal(esc.Reminders, []string{"30m", "2h"}) || esc.Realert.After != "1h" || esc.Realert.Unit != "BRE" {
			t.Errorf("GET returned %s", rec.Body)
		}
		n, _ := strconv.ParseInt(id, 10, 64)
		rd := e.readiness(n)
		if len(rd.Qualifications) != 1 || *rd.Qualifications[0] != (muster.QualificationReadiness{Qualification: "MED", Needed: 1, Targeted: 1, NoAnswer: 1}) {
			t.Errorf("readiness qualifications %s", e.api("GET", "/api/v1/callups/"+id+"/readiness", "admin@TD", nil).Body)
		}
		// Only the accepted call-ups were written.
		if rec := e.api("GET", "/api/v1/callups", "admin@TD", nil); !json.Valid(rec.Body.Bytes()) || countCallUps(t, rec) != 2 {
			t.Errorf("call-ups after the scenarios: %s", rec.Body)
		}
	})
}

func countCallUps(t *testing.T, rec *httptest.ResponseRecorder) int {
	var list callUpList
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil {
		t.Fatal(err)
	}
	return len(list.CallUps)
}
