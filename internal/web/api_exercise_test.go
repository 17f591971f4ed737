package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// exerciseEnv is a callUpEnv whose server also runs exercises, with the
// extra tokens commander@GOM, clerk@GOM and clerk@BRE-PIN.
type exerciseEnv struct{ *callUpEnv }

func newExerciseEnv(t *testing.T, db *sqldb.DB) *exerciseEnv {
	t.Helper()
	e := &exerciseEnv{newCallUpEnv(t, db)}
	e.s.Exercises = db
	for _, k := range []string{"commander@GOM", "clerk@GOM", "clerk@BRE-PIN"} {
		role, unit, _ := strings.Cut(k, "@")
		secret, err := db.CreateToken(sqldbtest.System(), &muster.Token{Name: k, Role: muster.Role(role), Unit: unit})
		if err != nil {
			t.Fatalf("token %s: %v", k, err)
		}
		e.tokens[k] = secret
	}
	return e
}

// csv sends a text/csv body as the token of who.
func (e *exerciseEnv) csv(path, who, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+e.tokens[who])
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

func exerciseBody(change ...func(map[string]any)) map[string]any {
	b := map[string]any{"title": "Сборы Гомель, январь", "unit": "GOM", "start": "2027-01-08", "end": "2027-01-10",
		"location": "Mozyr training ground", "lead": "head of the district executive committee",
		"objectives": []string{"receive the called-in troops", "restore command skills"},
		"partners":   []string{"an army engineering battalion"}}
	for _, f := range change {
		f(b)
	}
	return b
}

func wantJSON(v any) func(t *testing.T, rec *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) {
		t.Helper()
		if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
			t.Fatalf("%v: %s", err, rec.Body)
		}
	}
}

func TestExerciseAPI(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newExerciseEnv(t, db)
		var ex muster.Exercise
		e.run([]apiScenario{
			{name: "a clerk cannot plan", method: "POST", path: "/api/v1/exercises", who: "clerk@GOM", body: exerciseBody(), status: 403, code: muster.EFORBIDDEN},
			{name: "outside the subtree", method: "POST", path: "/api/v1/exercises", who: "commander@GOM-MOZ", body: exerciseBody(), status: 403, code: muster.EFORBIDDEN},
			{name: "end before start", method: "POST", path: "/api/v1/exercises", who: "commander@GOM", body: exerciseBody(set("end", "2027-01-07")), status: 400, field: "end"},
			{name: "not a date", method: "POST", path: "/api/v1/exercises", who: "commander@GOM", body: exerciseBody(set("start", "2027-02-30")), status: 400, field: "start"},
			{name: "unknown field", method: "POST", path: "/api/v1/exercises", who: "commander@GOM", body: exerciseBody(set("colour", "red")), status: 400, field: "colour"},
			{name: "plan", method: "POST", path: "/api/v1/exercises", who: "commander@GOM", body: exerciseBody(), status: 201, check: wantJSON(&ex)},
		})
		if ex.ID == 0 || ex.Partners[0] != "an army engineering battalion" {
			t.Fatalf("created %+v", ex)
		}
		base := "/api/v1/exercises/" + strconv.FormatInt(ex.ID, 10)
		var plan exerciseList
		e.run([]apiScenario{
			{name: "the plan", method: "GET", path: "/api/v1/exercises?unit=GOM&year=2027", who: "viewer@TD", status: 200, check: wantJSON(&plan)},
			{name: "bad year", method: "GET", path: "/api/v1/exercises?year=twenty", who: "viewer@TD", status: 400, field: "year"},
			{name: "another district cannot read", method: "GET", path: base, who: "clerk@BRE-PIN", status: 403},
			{name: "unknown exercise", method: "GET", path: "/api/v1/exercises/999", who: "viewer@TD", status: 404},
			{name: "unknown and foreign members", method: "POST", path: base + "/participants", who: "commander@GOM",
				body: map[string]any{"service_numbers": []string{"G1", "NOPE", "B1"}, "role": "instructor"}, status: 422, code: muster.EUNPROCESSABLE, field: "service_numbers[1]"},
			{name: "bad role", method: "POST", path: base + "/participants", who: "commander@GOM",
				body: map[string]any{"service_numbers": []string{"G1"}, "role": "cook"}, status: 400, field: "role"},
			{name: "add G2 by hand", method: "POST", path: base + "/participants", who: "commander@GOM",
				body: map[string]any{"service_numbers": []string{"G2"}, "role": "instructor"}, status: 200},
		})
		if len(plan.Exercises) != 1 || plan.Exercises[0].ID != ex.ID {
			t.Fatalf("plan = %+v", plan)
		}
		var summons summonResult
		e.run([]apiScenario{
			{name: "summon", method: "POST", path: base + "/callup", who: "commander@GOM",
				body: map[string]any{"message": "Report to the training ground.", "report_by": sqldbtest.Now.Add(48 * time.Hour).Format(time.RFC3339),
					"channels": []string{"sms"}, "drill": true}, status: 201, check: wantJSON(&summons)},
		})
		if summons.CallUp == nil || summons.CallUp.Kind != muster.CallUpExercise || summons.CallUp.Targeted != 1 || summons.Participants != 2 {
			t.Fatalf("summons = %+v", summons)
		}
		e.run([]apiScenario{
			{name: "the call-up is a call-up", method: "GET", path: "/api/v1/callups/" + strconv.FormatInt(summons.CallUp.ID, 10), who: "viewer@TD", status: 200},
			{name: "outside the exercise", method: "POST", path: base + "/attendance", who: "clerk@GOM",
				body: map[string]any{"service_number": "G1", "date": "2027-01-11", "present": true, "hours": 8}, status: 422, field: "date"},
			{name: "not a participant", method: "POST", path: base + "/attendance", who: "clerk@GOM",
				body: map[string]any{"service_number": "B1", "date": "2027-01-08", "present": true, "hours": 8}, status: 422, field: "service_number"},
			{name: "too many hours", method: "POST", path: base + "/attendance", who: "clerk@GOM",
				body: map[string]any{"service_number": "G1", "date": "2027-01-08", "present": true, "hours": 25}, status: 400, field: "hours"},
			{name: "present is required", method: "POST", path: base + "/attendance", who: "clerk@GOM",
				body: map[string]any{"service_number": "G1", "date": "2027-01-08", "hours": 8}, status: 400, field: "present"},
			{name: "present is required, absent too", method: "POST", path: base + "/attendance", who: "clerk@GOM",
				body: map[string]any{"service_number": "G1", "date": "2027-01-08"}, status: 400, field: "present"},
			{name: "present must be a boolean", method: "POST", path: base + "/attendance", who: "clerk@GOM",
				body: map[string]any{"service_number": "G1", "date": "2027-01-08", "present": nil}, status: 400, field: "present"},
			{name: "a clerk of another district", method: "POST", path: base + "/attendance", who: "clerk@BRE-PIN",
				body: map[string]any{"service_number": "G1", "date": "2027-01-08", "present": true, "hours": 8}, status: 403},
			{name: "a viewer cannot mark", method: "POST", path: base + "/attendance", who: "viewer@TD",
				body: map[string]any{"service_number": "G1", "date": "2027-01-08", "present": true, "hours": 8}, status: 403},
			{name: "mark", method: "POST", path: base + "/attendance", who: "clerk@GOM",
				body: map[string]any{"service_number": "G1", "date": "2027-01-08", "present": true, "hours": 8}, status: 200},
		})

		bad := e.csv(base+"/attendance", "clerk@GOM", "service_number,date,present,hours\nG1,2027-01-09,1,8\nG2,2027-01-12,1,8\nB1,2027-01-09,1,8\nG2,2027-01-09,maybe,8\n")
		if bad.Code != 422 {
			t.Fatalf("bad sheet = %d %s", bad.Code, bad.Body)
		}
		var body errorBody
		json.Unmarshal(bad.Body.Bytes(), &body)
		if len(body.Error.Details) != 3 || body.Error.Details[0].Line != 3 || body.Error.Details[2].Field != "present" {
			t.Fatalf("details = %+v", body.Error.Details)
		}
		good := e.csv(base+"/attendance", "clerk@GOM", "service_number,date,present,hours\nG1,2027-01-09,1,8\nG2,2027-01-09,1,6\nG2,2027-01-10,0,\nG1,2027-01-08,1,7.5\n")
		if good.Code != 200 || !strings.Contains(good.Body.String(), `"recorded":4`) {
			t.Fatalf("sheet = %d %s", good.Code, good.Body)
		}
		var sum muster.AttendanceSummary
		e.run([]apiScenario{{name: "summary", method: "GET", path: base + "/attendance", who: "viewer@TD", status: 200, check: wantJSON(&sum)}})
		got := map[string]string{}
		for _, p := range sum.Participants {
			got[p.ServiceNumber] = strconv.Itoa(p.DaysPresent) + "/" + strconv.FormatFloat(p.Hours, 'f', -1, 64)
		}
		if sum.Days != 3 || got["G1"] != "2/15.5" || got["G2"] != "1/6" {
			t.Fatalf("summary %d days, %v", sum.Days, got)
		}
		e.run([]apiScenario{
			{name: "day sheet", method: "GET", path: base + "/attendance/2027-01-09?unit=GOM-MOZ-1", who: "viewer@TD", status: 200},
			{name: "day outside", method: "GET", path: base + "/attendance/2027-02-09", who: "viewer@TD", status: 400, field: "date"},
			{name: "marked: no delete", method: "DELETE", path: base, who: "commander@GOM", status: 409},
		})
	})
}
