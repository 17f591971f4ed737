package web

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// receptionExercise plans a GOM exercise of 2027-01-08 to 2027-01-10
// with G1 and G2 added by hand, through the API, and returns its path.
func receptionExercise(t *testing.T, e *exerciseEnv) string {
	t.Helper()
	e.s.Reception = e.db
	var ex muster.Exercise
	e.run([]apiScenario{
		{name: "plan", method: "POST", path: "/api/v1/exercises", who: "commander@GOM", body: exerciseBody(), status: 201, check: wantJSON(&ex)},
	})
	base := "/api/v1/exercises/" + strconv.FormatInt(ex.ID, 10)
	e.run([]apiScenario{
		{name: "add G1 and G2", method: "POST", path: base + "/participants", who: "commander@GOM",
			body: map[string]any{"service_numbers": []string{"G1", "G2"}}, status: 200},
	})
	return base
}

func TestReceptionAPI(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newExerciseEnv(t, db)
		base := receptionExercise(t, e)
		var first, again muster.Arrival
		var tent muster.LodgingSite
		e.run([]apiScenario{
			{name: "arrive", method: "POST", path: base + "/arrivals", who: "clerk@GOM", body: map[string]any{"service_number": "G1"}, status: 200, check: wantJSON(&first)},
			{name: "arrive again", method: "POST", path: base + "/arrivals", who: "clerk@GOM", body: map[string]any{"service_number": "G1"}, status: 200, check: wantJSON(&again)},
			{name: "not a participant", method: "POST", path: base + "/arrivals", who: "clerk@GOM", body: map[string]any{"service_number": "B1"}, status: 422, field: "service_number"},
			{name: "no service number", method: "POST", path: base + "/arrivals", who: "clerk@GOM", body: map[string]any{"service_number": ""}, status: 400, field: "service_number"},
			{name: "unknown field", method: "POST", path: base + "/arrivals", who: "clerk@GOM", body: map[string]any{"service_number": "G2", "when": "now"}, status: 400, field: "when"},
			{name: "another district", method: "POST", path: base + "/arrivals", who: "clerk@BRE-PIN", body: map[string]any{"service_number": "G2"}, status: 403, code: muster.EFORBIDDEN},
			{name: "a viewer", method: "POST", path: base + "/arrivals", who: "viewer@TD", body: map[string]any{"service_number": "G2"}, status: 403},
			{name: "departs before arriving", method: "POST", path: base + "/departures", who: "clerk@GOM", body: map[string]any{"service_number": "G2"}, status: 409, field: "service_number"},

			{name: "a clerk cannot add sites", method: "POST", path: base + "/sites", who: "clerk@GOM", body: map[string]any{"name": "Tent", "capacity": 1}, status: 403},
			{name: "no beds", method: "POST", path: base + "/sites", who: "commander@GOM", body: map[string]any{"name": "Tent", "capacity": 0}, status: 400, field: "capacity"},
			{name: "a one-bed tent", method: "POST", path: base + "/sites", who: "commander@GOM", body: map[string]any{"name": "Tent", "capacity": 1}, status: 201, check: wantJSON(&tent)},
			{name: "same name", method: "POST", path: base + "/sites", who: "commander@GOM", body: map[string]any{"name": "Tent", "capacity": 5}, status: 409, field: "name"},
		})
		if first.Already || !again.Already || !again.ArrivedAt.Equal(first.ArrivedAt) || !strings.Contains(again.Message, "already arrived at") {
			t.Fatalf("arrivals %+v then %+v", first, again)
		}
		e.run([]apiScenario{
			{name: "the unit does not fit", method: "POST", path: base + "/lodging", who: "clerk@GOM", body: map[string]any{"site": tent.ID, "unit": "GOM-MOZ-1"}, status: 409, field: "site",
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if !strings.Contains(rec.Body.String(), "Tent has 1 beds") {
						t.Errorf("over capacity: %s", rec.Body)
					}
				}},
			{name: "neither list nor unit", method: "POST", path: base + "/lodging", who: "clerk@GOM", body: map[string]any{"site": tent.ID}, status: 400, field: "service_numbers"},
			{name: "still empty", method: "GET", path: base + "/sites", who: "viewer@TD", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if !strings.Contains(rec.Body.String(), `"occupied":0`) {
					t.Errorf("sites after a refused assignment: %s", rec.Body)
				}
			}},
			{name: "G1 into the tent", method: "POST", path: base + "/lodging", who: "clerk@GOM", body: map[string]any{"site": tent.ID, "service_numbers": []string{"G1"}}, status: 200,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) {
					if !strings.Contains(rec.Body.String(), `"assigned":1`) {
						t.Errorf("assignment: %s", rec.Body)
					}
				}},
			{name: "site is required", method: "POST", path: base + "/lodging", who: "clerk@GOM", body: map[string]any{"service_numbers": []string{"G1"}}, status: 400, field: "site"},

			{name: "meals outside the exercise", method: "PUT", path: base + "/meals/2027-01-11", who: "commander@GOM", body: map[string]any{"lunch": 12}, status: 400, field: "date"},
			{name: "negative portions", method: "PUT", path: base + "/meals/2027-01-09", who: "commander@GOM", body: map[string]any{"lunch": -1}, status: 400, field: "lunch"},
			{name: "not a date", method: "PUT", path: base + "/meals/tomorrow", who: "commander@GOM", body: map[string]any{"lunch": 1}, status: 400, field: "date"},
			{name: "engineers eat lunch", method: "PUT", path: base + "/meals/2027-01-09", who: "commander@GOM", body: map[string]any{"lunch": 12, "note": "engineers"}, status: 200},
			{name: "bad format", method: "GET", path: base + "/meals?format=xlsx", who: "viewer@TD", status: 400, field: "format"},
			{name: "meals for the caterer", method: "GET", path: base + "/meals?format=csv", who: "viewer@TD", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				want := "date,expected,breakfast,lunch,dinner,note\n2027-01-08,2,2,2,2,\n2027-01-09,2,2,14,2,engineers\n2027-01-10,2,2,2,2,\n"
				if got := rec.Body.String(); got != want || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
					t.Errorf("meals CSV (%s):\n%s", rec.Header().Get("Content-Type"), got)
				}
			}},

			{name: "no quantity", method: "POST", path: base + "/kit", who: "commander@GOM", body: map[string]any{"name": "helmet", "per_participant": -2}, status: 400, field: "per_participant"},
			{name: "sleeping bags", method: "POST", path: base + "/kit", who: "commander@GOM", body: map[string]any{"name": "sleeping bag", "per_participant": 1}, status: 201},
			{name: "negative kit", method: "POST", path: base + "/kit/issues", who: "clerk@GOM", body: map[string]any{"service_number": "G1", "item": "sleeping bag", "quantity": -1}, status: 400, field: "quantity"},
			{name: "unknown item", method: "POST", path: base + "/kit/issues", who: "clerk@GOM", body: map[string]any{"service_number": "G1", "item": "tent"}, status: 404, field: "item"},
			{name: "hand out", method: "POST", path: base + "/kit/issues", who: "clerk@GOM", body: map[string]any{"service_number": "G1", "item": "sleeping bag"}, status: 200},
			{name: "hand out twice", method: "POST", path: base + "/kit/issues", who: "clerk@GOM", body: map[string]any{"service_number": "G1", "item": "sleeping bag"}, status: 409},
			{name: "empty note", method: "POST", path: base + "/participants/G1/notes", who: "clerk@GOM", body: map[string]any{"text": " "}, status: 400, field: "text"},
			{name: "note", method: "POST", path: base + "/participants/G1/notes", who: "clerk@GOM", body: map[string]any{"text": "Boots size 46"}, status: 201},
			{name: "note on a stranger", method: "POST", path: base + "/participants/B1/notes", who: "clerk@GOM", body: map[string]any{"text": "x"}, status: 422, field: "service_number"},
		})
		var rec muster.Reception
		var g1 muster.ParticipantReception
		e.run([]apiScenario{
			{name: "overview", method: "GET", path: base + "/reception", who: "viewer@TD", status: 200, check: wantJSON(&rec)},
			{name: "overview outside", method: "GET", path: base + "/reception", who: "clerk@BRE-PIN", status: 403},
			{name: "G1", method: "GET", path: base + "/participants/G1/reception", who: "viewer@TD", status: 200, check: wantJSON(&g1)},
			{name: "return", method: "POST", path: base + "/kit/returns", who: "clerk@GOM", body: map[string]any{"service_number": "G1"}, status: 200},
			{name: "nothing to return", method: "POST", path: base + "/kit/returns", who: "clerk@GOM", body: map[string]any{"service_number": "G1"}, status: 409},
			{name: "depart", method: "POST", path: base + "/departures", who: "clerk@GOM", body: map[string]any{"service_number": "G1"}, status: 200},
		})
		u := rec.Total
		if len(rec.Units) != 1 || u.Participants != 2 || u.Arrived != 1 || u.NotArrived != 1 || u.Lodged["Tent"] != 1 || u.KitToHandOut["sleeping bag"] != 1 ||
			len(rec.Sites) != 1 || rec.Sites[0].Occupied != 1 || rec.Kit[0].HandedOut != 1 {
			t.Fatalf("reception = %+v, units %+v", u, rec.Units)
		}
		if g1.Arrival == nil || g1.Site == nil || g1.Site.Name != "Tent" || len(g1.Kit) != 1 || g1.Kit[0].Outstanding() != 1 || len(g1.Notes) != 1 {
			t.Fatalf("G1 = %+v", g1)
		}
	})
}
