package web

import (
	"net/http/httptest"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// reportEnv is an exerciseEnv whose server also runs reports, with GOM's
// exercise of 8–10 January 2027: G1 present 8 and 7.5 hours, G2 taking
// part and never marked.
func reportEnv(t *testing.T, db *sqldb.DB) *exerciseEnv {
	t.Helper()
	e := newExerciseEnv(t, db)
	e.s.Reports = db
	ctx := sqldbtest.System()
	day := func(s string) muster.Date { d, _ := muster.ParseDate(s); return d }
	x := &muster.Exercise{Title: "Сборы", Unit: "GOM", Start: day("2027-01-08"), End: day("2027-01-10")}
	if err := db.CreateExercise(ctx, x); err != nil {
		t.Fatal(err)
	}
	if err := db.AddParticipants(ctx, x.ID, muster.ParticipantsInput{ServiceNumbers: []string{"G1", "G2"}, Role: muster.RoleTrainee}); err != nil {
		t.Fatal(err)
	}
	marks := []muster.Mark{{ServiceNumber: "G1", Date: day("2027-01-08"), Present: true, Hours: 8},
		{ServiceNumber: "G1", Date: day("2027-01-09"), Present: true, Hours: 7.5}}
	if _, err := db.MarkAttendance(ctx, x.ID, marks); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestParticipationAPI(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := reportEnv(t, db)
		var rep, own muster.ParticipationReport
		const csvFile = "unit,name,level,exercises,members,participants,share,days_present,hours\n" +
			"TD,Territorial Defence,0,1,3,2,0.6667,2,15.5\n" +
			"BRE,Брестская область,1,0,1,0,0.0000,0,0\n" +
			"GOM,Гомельская область,1,1,2,2,1.0000,2,15.5\n"
		wantCSV := func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Body.String() != csvFile || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
				rec.Header().Get("Content-Disposition") != `attachment; filename="participation-TD-2027.csv"` {
				t.Errorf("CSV %s\n%s", rec.Header(), rec.Body)
			}
		}
		e.run([]apiScenario{
			{name: "report", method: "GET", path: "/api/v1/reports/participation?unit=TD&year=2027", who: "viewer@TD", status: 200, check: wantJSON(&rep)},
			{name: "the caller's unit by default", method: "GET", path: "/api/v1/reports/participation?year=2027&depth=0", who: "commander@GOM-MOZ", status: 200, check: wantJSON(&own)},
			{name: "CSV", method: "GET", path: "/api/v1/reports/participation?unit=TD&year=2027&format=csv", who: "viewer@TD", status: 200, check: wantCSV},
			{name: "outside the subtree", method: "GET", path: "/api/v1/reports/participation?unit=GOM&year=2027", who: "clerk@BRE-PIN", status: 403, code: muster.EFORBIDDEN},
			{name: "unknown unit", method: "GET", path: "/api/v1/reports/participation?unit=NOPE&year=2027", who: "viewer@TD", status: 404, code: muster.ENOTFOUND},
			{name: "bad year", method: "GET", path: "/api/v1/reports/participation?unit=TD&year=27x", who: "viewer@TD", status: 400, field: "year"},
			{name: "bad depth", method: "GET", path: "/api/v1/reports/participation?unit=TD&depth=11", who: "viewer@TD", status: 400, field: "depth"},
			{name: "bad format", method: "GET", path: "/api/v1/reports/participation?unit=TD&format=xls", who: "viewer@TD", status: 400, field: "format"},
			{name: "unknown parameter", method: "GET", path: "/api/v1/reports/participation?from=2027-01-01", who: "viewer@TD", status: 400, field: "from"},
			{name: "signed out", method: "GET", path: "/api/v1/reports/participation?unit=TD", status: 401},
		})
		if len(rep.Units) != 3 || rep.Units[2].Unit != "GOM" || rep.Units[2].Hours != 15.5 || rep.Units[2].DaysPresent != 2 || rep.Units[0].Participants != 2 {
			t.Errorf("report = %+v", rep)
		}
		if own.Unit != "GOM-MOZ" || len(own.Units) != 1 || own.Units[0].Participants != 2 || own.Units[0].DaysPresent != 2 || own.Units[0].Exercises != 0 {
			t.Errorf("own report = %+v", own)
		}
		req := httptest.NewRequest("GET", "/api/v1/reports/participation?unit=TD&year=2027", nil)
		req.Header.Set("Accept", "text/csv")
		req.Header.Set("Authorization", "Bearer "+e.tokens["viewer@TD"])
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		wantCSV(t, rec)
	})
}

func TestParticipationPage(t *testing.T) {
	db := sqldbtest.Open(t, "sqlite") // the storage runs on both in internal/sqldb and above
	e := reportEnv(t, db)
	viewer := e.signedIn("orlova", muster.RoleViewer, "GOM")
	wantPage(t, viewer.get("/exercises?year=2027"), 200, `href="/reports/participation?year=2027"`)
	wantPage(t, viewer.get("/reports/participation?year=2027&depth=2"), 200,
		"Participation in exercises 2027 · GOM", `<svg role="img" aria-labelledby="chart-title chart-desc"`,
		`<title id="chart-title">`, "per unit of GOM; the table below gives the numbers.",
		`<rect x="140" y="4" width="360"`, // GOM: 2 of 2 members took part
		`<th scope="row" class="nowrap"><a href="/reports/participation?unit=GOM-MOZ-1&year=2027&depth=2">GOM-MOZ-1</a></th>`,
		`<td class="num">100%</td>`, `<td class="num">15.5</td>`,
		`href="/api/v1/reports/participation?unit=GOM&year=2027&depth=2&format=csv"`)
	wantPage(t, viewer.get("/reports/participation?unit=BRE&year=2027"), 403, "outside your unit")
	wantPage(t, viewer.get("/reports/participation?year=twenty"), 400, "year")
}
