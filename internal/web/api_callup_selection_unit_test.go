package web

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestSelectPerUnitAPIAndPage: G1 (GOM-MOZ-1) alone answers yes. Asking
// for two of GOM-MOZ-1 and one of BRE-PIN selects G1 and reports the
// shortfall, by the API and by the selection page's form.
func TestSelectPerUnitAPIAndPage(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		e.s.Selection = db
		newCall := func() string {
			id := e.createCallUp(callUpBody(set("drill", false), set("channels", []string{"sms", "paper"})))
			if rec := e.answerRequest("POST", e.responsePath(id, "G1"), "192.0.2.1", jsonType, `{"answer":"yes"}`); rec.Code != 200 {
				t.Fatalf("answer: %d %s", rec.Code, rec.Body)
			}
			return strconv.FormatInt(id, 10)
		}
		id := newCall()
		path := "/api/v1/callups/" + id + "/selection"
		picks := []map[string]any{{"unit": "GOM-MOZ-1", "count": 2}, {"unit": "BRE-PIN", "count": 1}}
		e.run([]apiScenario{
			{name: "unknown unit", method: "POST", path: path, who: "commander@TD", status: 422, code: muster.EUNPROCESSABLE, field: "per_unit[0].unit",
				body: map[string]any{"per_unit": []map[string]any{{"unit": "NOPE", "count": 1}}}},
			{name: "count 0", method: "POST", path: path, who: "commander@TD", status: 400, code: muster.EINVALID, field: "per_unit[0].count",
				body: map[string]any{"per_unit": []map[string]any{{"unit": "GOM-MOZ-1", "count": 0}}}},
			{name: "both", method: "POST", path: path, who: "commander@TD", status: 400, code: muster.EINVALID,
				body: map[string]any{"per_unit": picks, "service_numbers": []string{"G1"}}},
			{name: "outside the subtree", method: "POST", path: path, who: "commander@GOM-MOZ", status: 403, code: muster.EFORBIDDEN,
				body: map[string]any{"per_unit": picks}},
			{name: "per unit", method: "POST", path: path, who: "commander@TD", status: 200, body: map[string]any{"per_unit": picks},
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					var got muster.UnitSelection
					if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
						t.Fatal(err)
					}
					want := []muster.UnitPicked{{Unit: "GOM-MOZ-1", Count: 2, Picked: 1, Selected: 1, Short: 1}, {Unit: "BRE-PIN", Count: 1, Short: 1}}
					if !slices.Equal(got.PerUnit, want) || got.Selected != 1 || got.TotalSelected != 1 {
						t.Errorf("selection %s", rec.Body)
					}
				}},
		})

		board := "/callups/" + newCall()
		c := e.signedIn("kovalenko", muster.RoleCommander, "TD")
		wantPage(t, c.get(board+"/selection"), 200, `id="select-per-unit"`, `name="pick_unit"`, `name="pick_count"`)
		wantPage(t, c.follow(c.post(board+"/selection", c.withToken(url.Values{"pick_unit": {"GOM-MOZ-1", ""}, "pick_count": {"many", ""}}))), 200,
			"Nothing was selected. Row 1: name a unit and a whole number of members.")
		wantPage(t, c.follow(c.post(board+"/selection", c.withToken(url.Values{"pick_unit": {"GOM-MOZ-1", "BRE-PIN", ""}, "pick_count": {"2", "1", ""}}))), 200,
			"1 selected and 0 told to stand by: 1 messages queued. GOM-MOZ-1: 1 of 2, 1 short; BRE-PIN: 0 of 1, 1 short.", `value="G1" id="sel-G1" checked disabled`)
		viewer := e.signedIn("viewer", muster.RoleViewer, "TD")
		wantPage(t, viewer.get(board+"/selection"), 200, `!id="select-per-unit"`)
	})
}
