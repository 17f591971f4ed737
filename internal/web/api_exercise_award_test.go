package web

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestExerciseAwardAPI awards RIF for an exercise that ended on 2026-11-18
// (today is 2026-11-23): G1 was present on both days, G2 on one.
func TestExerciseAwardAPI(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newExerciseEnv(t, db)
		var ex, running muster.Exercise
		e.run([]apiScenario{
			{name: "plan", method: "POST", path: "/api/v1/exercises", who: "commander@GOM", status: 201, check: wantJSON(&ex),
				body: exerciseBody(set("start", "2026-11-17"), set("end", "2026-11-18"))},
			{name: "plan a running one", method: "POST", path: "/api/v1/exercises", who: "commander@GOM", status: 201, check: wantJSON(&running),
				body: exerciseBody(set("start", "2026-11-22"), set("end", "2026-11-24"))},
		})
		base := "/api/v1/exercises/" + strconv.FormatInt(ex.ID, 10)
		e.run([]apiScenario{
			{name: "participants", method: "POST", path: base + "/participants", who: "commander@GOM",
				body: map[string]any{"service_numbers": []string{"G1", "G2"}}, status: 200},
			{name: "sheet", method: "POST", path: base + "/attendance", who: "clerk@GOM",
				body: map[string]any{"service_number": "G1", "date": "2026-11-17", "present": true, "hours": 8}, status: 200},
		})
		if rec := e.csv(base+"/attendance", "clerk@GOM", "service_number,date,present,hours\nG1,2026-11-18,1,8\nG2,2026-11-18,1,8\n"); rec.Code != 200 {
			t.Fatalf("sheet = %d %s", rec.Code, rec.Body)
		}
		rif := map[string]any{"qualification": "RIF", "valid_months": 24}
		var first, again muster.AwardResult
		var list awardList
		e.run([]apiScenario{
			{name: "before the end", method: "POST", path: "/api/v1/exercises/" + strconv.FormatInt(running.ID, 10) + "/awards", who: "commander@GOM",
				body: rif, status: 409, code: muster.ECONFLICT},
			{name: "unknown qualification", method: "POST", path: base + "/awards", who: "commander@GOM",
				body: map[string]any{"qualification": "XYZ"}, status: 422, code: muster.EUNPROCESSABLE, field: "qualification"},
			{name: "bad role", method: "POST", path: base + "/awards", who: "commander@GOM",
				body: map[string]any{"qualification": "RIF", "roles": []string{"cook"}}, status: 400, field: "roles"},
			{name: "unknown field", method: "POST", path: base + "/awards", who: "commander@GOM",
				body: map[string]any{"qualification": "RIF", "months": 3}, status: 400, field: "months"},
			{name: "a clerk cannot award", method: "POST", path: base + "/awards", who: "clerk@GOM", body: rif, status: 403},
			{name: "outside the subtree", method: "POST", path: base + "/awards", who: "commander@GOM-MOZ", body: rif, status: 403},
			{name: "award", method: "POST", path: base + "/awards", who: "commander@GOM", body: rif, status: 200, check: wantJSON(&first)},
			{name: "again", method: "POST", path: base + "/awards", who: "commander@GOM", body: rif, status: 200, check: wantJSON(&again)},
			{name: "the awards", method: "GET", path: base + "/awards", who: "viewer@TD", status: 200, check: wantJSON(&list)},
			{name: "another district cannot read", method: "GET", path: base + "/awards", who: "clerk@BRE-PIN", status: 403},
		})
		// G1 held RIF until 2027-06-30: renewed to 2028-11-18; G2 missed a day.
		if first.Awarded != 0 || first.Renewed != 1 || len(first.Skipped) != 1 || first.Skipped[0].ServiceNumber != "G2" {
			t.Fatalf("first award = %+v", first)
		}
		if again.Awarded+again.Renewed != 0 || len(again.Skipped) != 2 {
			t.Fatalf("repeated award = %+v", again)
		}
		if len(list.Awards) != 1 || list.Awards[0].Expires.String() != "2028-11-18" || list.Awards[0].MinDays != 2 {
			t.Fatalf("awards = %+v", list.Awards)
		}
	})
}

// TestExerciseAwardPage awards through the exercise page's form.
func TestExerciseAwardPage(t *testing.T) {
	db := sqldbtest.Open(t, "sqlite") // the storage runs on both in internal/sqldb
	e := newUIEnv(t, db)
	e.s.Exercises, e.s.CallUps = db, db
	ctx := sqldbtest.System()
	ex := &muster.Exercise{Title: "Сборы Гомель", Unit: "GOM", Start: muster.NewDate(2026, 11, 18), End: muster.NewDate(2026, 11, 18)}
	if err := db.CreateExercise(ctx, ex); err != nil {
		t.Fatal(err)
	}
	if err := db.AddParticipants(ctx, ex.ID, muster.ParticipantsInput{ServiceNumbers: []string{"G2"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.MarkAttendance(ctx, ex.ID, []muster.Mark{{ServiceNumber: "G2", Date: ex.End, Present: true, Hours: 8}}); err != nil {
		t.Fatal(err)
	}
	path := "/exercises/" + strconv.FormatInt(ex.ID, 10)
	viewer := e.signedIn("reader", muster.RoleViewer, "GOM")
	page := viewer.get(path)
	wantPage(t, page, 200, "No qualification awarded for this exercise yet.")
	if strings.Contains(page.Body.String(), "Award a qualification") {
		t.Fatal("a viewer is offered the award form")
	}

	cmd := e.signedIn("petrov", muster.RoleCommander, "GOM")
	wantPage(t, cmd.get(path), 200, "Award a qualification", "Days present at least")
	form := url.Values{"qualification": {"RIF"}, "valid_months": {"twelve"}}
	if rec := cmd.post(path+"/awards", form); rec.Code != 403 {
		t.Fatalf("without a form token: %d", rec.Code)
	}
	wantPage(t, cmd.post(path+"/awards", cmd.withToken(form)), 400, "valid_months: must be a whole number")
	form.Set("valid_months", "12")
	form["roles"] = []string{"trainee"}
	rec := cmd.post(path+"/awards", cmd.withToken(form))
	wantPage(t, cmd.follow(rec), 200, "RIF: 1 awarded, 0 renewed, 0 skipped.", "2027-11-18", "trainee, present 1 of 1 days")
	m, err := db.FindMember(ctx, "G2")
	if err != nil || len(m.Qualifications) != 2 {
		t.Fatalf("G2 = %+v, %v", m, err)
	}
}
