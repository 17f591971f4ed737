package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// coverageEnv is an exerciseEnv whose server also keeps requirements and
// reports coverage. The seed's GOM-MOZ-1 has G1 (RIF valid, MED expired)
// and G2 (MED for life); BRE-PIN has B1, holding nothing.
func coverageEnv(t *testing.T, db *sqldb.DB) *exerciseEnv {
	t.Helper()
	e := newExerciseEnv(t, db)
	e.s.Requirements, e.s.Coverage = db, db
	return e
}

func TestUnitRequirementsAndCoverageAPI(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := coverageEnv(t, db)
		var stored, read requirementsBody
		var rep muster.CoverageReport
		put := func(list ...map[string]any) map[string]any {
			return map[string]any{"requirements": append([]map[string]any{}, list...)}
		}
		rif3 := map[string]any{"qualification": "RIF", "needed": 3}
		const csvFile = "unit,name,level,members,qualification,holders,share,needed,gap\n" +
			"GOM,Гомельская область,0,2,MED,1,0.5000,0,0\n" +
			"GOM,Гомельская область,0,2,RIF,1,0.5000,3,2\n" +
			"GOM-MOZ,Мозырский район,1,2,MED,1,0.5000,0,0\n" +
			"GOM-MOZ,Мозырский район,1,2,RIF,1,0.5000,3,2\n"
		wantCSV := func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Body.String() != csvFile || rec.Header().Get("Content-Disposition") != `attachment; filename="qualifications-GOM-2026-11-23.csv"` {
				t.Errorf("CSV %s\n%s", rec.Header(), rec.Body)
			}
		}
		e.run([]apiScenario{
			{name: "set", method: "PUT", path: "/api/v1/units/GOM-MOZ-1/requirements", who: "commander@GOM", body: put(rif3), status: 200, check: wantJSON(&stored)},
			{name: "read", method: "GET", path: "/api/v1/units/GOM-MOZ-1/requirements", who: "clerk@GOM", status: 200, check: wantJSON(&read)},
			{name: "unknown qualification", method: "PUT", path: "/api/v1/units/GOM-MOZ-1/requirements", who: "commander@GOM",
				body: put(rif3, map[string]any{"qualification": "NOPE", "needed": 1}), status: 400, code: muster.EINVALID, field: "requirements[1].qualification"},
			{name: "none needed", method: "PUT", path: "/api/v1/units/GOM-MOZ-1/requirements", who: "commander@GOM",
				body: put(map[string]any{"qualification": "MED", "needed": 0}), status: 400, field: "requirements[0].needed"},
			{name: "no list", method: "PUT", path: "/api/v1/units/GOM-MOZ-1/requirements", who: "commander@GOM", body: map[string]any{}, status: 400, field: "requirements"},
			{name: "unknown field", method: "PUT", path: "/api/v1/units/GOM-MOZ-1/requirements", who: "commander@GOM", body: map[string]any{"requirements": []any{}, "unit": "X"}, status: 400},
			{name: "clerk may not", method: "PUT", path: "/api/v1/units/GOM-MOZ-1/requirements", who: "clerk@GOM", body: put(), status: 403, code: muster.EFORBIDDEN},
			{name: "the district's commander clears them", method: "PUT", path: "/api/v1/units/GOM-MOZ-1/requirements", who: "commander@GOM-MOZ", body: put(), status: 200},
			{name: "read outside", method: "GET", path: "/api/v1/units/GOM-MOZ-1/requirements", who: "clerk@BRE-PIN", status: 403, code: muster.EFORBIDDEN},
			{name: "unknown unit", method: "GET", path: "/api/v1/units/NOPE/requirements", who: "viewer@TD", status: 404, code: muster.ENOTFOUND},
			{name: "set again", method: "PUT", path: "/api/v1/units/GOM-MOZ-1/requirements", who: "admin@TD", body: put(rif3), status: 200},
			{name: "report", method: "GET", path: "/api/v1/reports/qualifications?unit=TD&depth=1", who: "viewer@TD", status: 200, check: wantJSON(&rep)},
			{name: "CSV", method: "GET", path: "/api/v1/reports/qualifications?unit=GOM&depth=1&format=csv", who: "viewer@TD", status: 200, check: wantCSV},
			{name: "report outside", method: "GET", path: "/api/v1/reports/qualifications?unit=GOM", who: "clerk@BRE-PIN", status: 403, code: muster.EFORBIDDEN},
			{name: "bad depth", method: "GET", path: "/api/v1/reports/qualifications?depth=x", who: "viewer@TD", status: 400, field: "depth"},
			{name: "unknown parameter", method: "GET", path: "/api/v1/reports/qualifications?year=2027", who: "viewer@TD", status: 400, field: "year"},
			{name: "signed out", method: "GET", path: "/api/v1/reports/qualifications", status: 401},
		})
		if len(stored.Requirements) != 1 || stored.Requirements[0] != (muster.UnitRequirement{Qualification: "RIF", Needed: 3}) || read.Unit != "GOM-MOZ-1" || len(read.Requirements) != 1 {
			t.Errorf("stored %+v, read %+v", stored, read)
		}
		if len(rep.Units) != 3 || rep.Units[0].Unit != "TD" || rep.Units[0].Members != 3 || len(rep.Qualifications) != 2 ||
			rep.Units[0].Coverage[1] != (muster.Coverage{Qualification: "RIF", Holders: 1, Share: 1.0 / 3, Needed: 3, Gap: 2}) {
			t.Errorf("report = %+v", rep)
		}
	})
}

func TestUnitRequirementsPage(t *testing.T) {
	db := sqldbtest.Open(t, "sqlite") // the storage runs on both in internal/sqldb and above
	e := coverageEnv(t, db)
	commander := e.signedIn("kozlov", muster.RoleCommander, "GOM")
	viewer := e.signedIn("orlova", muster.RoleViewer, "GOM")
	wantPage(t, commander.get("/units/GOM-MOZ-1"), 200, "Required qualifications", `action="/units/GOM-MOZ-1/requirements"`, `name="csrf_token"`)
	form := map[string][]string{"qualification": {"rif", "MED", "", ""}, "needed": {"3", "1", "", ""}}
	rec := commander.post("/units/GOM-MOZ-1/requirements", commander.withToken(form))
	wantPage(t, commander.follow(rec), 200, "Requirements of GOM-MOZ-1 saved: 2.", `value="RIF"`, `value="3"`)
	bad := commander.post("/units/GOM-MOZ-1/requirements", commander.withToken(map[string][]string{"qualification": {"RIF", "NOPE"}, "needed": {"2", "x"}}))
	wantPage(t, bad, 400, "Row 2: needed", `value="NOPE"`)
	if got, _ := db.FindUnitRequirements(sqldbtest.System(), "GOM-MOZ-1"); len(got) != 2 || got[1].Needed != 3 {
		t.Errorf("after the refused form: %+v", got)
	}
	noToken := commander.post("/units/GOM-MOZ-1/requirements", form)
	wantPage(t, noToken, 403)
	page := viewer.get("/units/GOM-MOZ-1")
	wantPage(t, page, 200, "Required qualifications", "<li>RIF: 3</li>")
	if body := page.Body.String(); strings.Contains(body, `action="/units/GOM-MOZ-1/requirements"`) {
		t.Error("a viewer gets the requirements form")
	}
	wantPage(t, viewer.get("/reports/qualifications?unit=GOM-MOZ"), 200,
		"Qualification coverage · GOM-MOZ", `<svg role="img" aria-labelledby="chart-title chart-desc"`,
		"Members holding each qualification, GOM-MOZ", `<rect x="140" y="32" width="180"`, // RIF: 1 of 2 members
		"short 2", `href="/api/v1/reports/qualifications?unit=GOM-MOZ&depth=2&format=csv"`)
	wantPage(t, viewer.get("/reports/qualifications?unit=BRE"), 403, "outside your unit")
}
