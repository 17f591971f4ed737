package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestArmoryReportsHTTP reads the three armory reports as JSON, as CSV
// and on their page, signed in as a viewer of GOM: R1 issued to G1 during
// the exercise Autumn (2026-11-20 to 22), R2 in store, the clock at 11-27.
func TestArmoryReportsHTTP(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		sys := sqldbtest.System()
		if err := db.CreateItemType(sys, &muster.ItemType{Code: "RIFLE", Name: "AK-74M", Kind: muster.Serialised}); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateItems(sys, []*muster.Item{{Serial: "R1", Type: "RIFLE", Armory: "GOM-MOZ-1"}, {Serial: "R2", Type: "RIFLE", Armory: "GOM-MOZ-1"}}); err != nil {
			t.Fatal(err)
		}
		start, _ := muster.ParseDate("2026-11-20")
		ex := &muster.Exercise{Title: "Autumn", Unit: "GOM-MOZ-1", Start: start, End: start.AddDays(2), Location: "range"}
		if err := db.CreateExercise(sys, ex); err != nil {
			t.Fatal(err)
		}
		if err := db.AddParticipants(sys, ex.ID, muster.ParticipantsInput{ServiceNumbers: []string{"G1"}, Role: muster.RoleTrainee}); err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC) }
		if _, err := db.MoveItem(sys, "R1", muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "G1"}); err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC) }

		c := e.signedIn("viewer", muster.RoleViewer, "GOM")
		wantPage(t, c.get("/api/v1/reports/armory/holdings"), http.StatusOK, `"unit":"GOM"`, `"in_store":1,"issued":1`, `"total":2`)
		wantBody(t, c.get("/api/v1/reports/armory/holdings?unit=GOM-MOZ&format=csv"),
			"armory,type,type_name,kind,in_store,issued,in_repair,lost,stolen,destroyed,written_off,total\n"+
				"GOM-MOZ-1,RIFLE,AK-74M,serialised,1,1,0,0,0,0,0,2\n")
		wantPage(t, c.get("/api/v1/reports/armory/members?unit=GOM"), http.StatusOK, `"service_number":"G1"`, `"issued_at":"2026-11-21T09:00:00Z"`)
		wantBody(t, c.get("/api/v1/reports/armory/members?unit=GOM&format=csv"),
			"service_number,name,unit,serial,type,type_name,armory,issued_at\n"+
				"G1,Иванов Пётр,GOM-MOZ-1,R1,RIFLE,AK-74M,GOM-MOZ-1,2026-11-21T09:00:00Z\n")
		wantBody(t, c.get("/api/v1/reports/armory/overdue?format=csv"),
			"serial,type,type_name,armory,service_number,name,member_unit,issued_at,exercise,exercise_title,exercise_end,days_overdue\n"+
				"R1,RIFLE,AK-74M,GOM-MOZ-1,G1,Иванов Пётр,GOM-MOZ-1,2026-11-21T09:00:00Z,1,Autumn,2026-11-22,2\n")
		wantPage(t, c.get("/api/v1/reports/armory/overdue?days=5"), http.StatusOK, `"days":5`, `"as_of":"2026-11-27"`, `"items":[]`)
		wantPage(t, c.get("/api/v1/reports/armory/overdue?days=366"), http.StatusBadRequest, `"field":"days"`)
		wantPage(t, c.get("/api/v1/reports/armory/holdings?unit=BRE"), http.StatusForbidden)
		wantPage(t, c.get("/api/v1/reports/armory/members?unit=NOPE"), http.StatusNotFound)
		wantPage(t, c.get("/api/v1/reports/armory/holdings?colour=green"), http.StatusBadRequest)

		wantPage(t, c.get("/reports/armory"), http.StatusOK, "Armory reports · GOM", `id="report-holdings"`, `id="report-items-out"`,
			`<a href="/exercises/1">Autumn</a>`, `href="/api/v1/reports/armory/overdue?days=3&format=csv&unit=GOM"`)
		wantPage(t, c.get("/reports/armory?unit=GOM&days=5"), http.StatusOK, "Nothing is overdue as of 2026-11-27.", "No open discrepancy.",
			`href="/api/v1/reports/armory/discrepancies?format=csv&unit=GOM"`)
		wantPage(t, c.get("/reports/armory?unit=BRE"), http.StatusForbidden)

		// A campaign whose deadline passes with nothing confirmed: its two
		// items are escalated, on the report and on the dashboard of an
		// armorer of the subtree — not on a viewer's, who cannot act.
		deadline := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
		if _, err := db.CreateArmoryCheck(sys, muster.ArmoryCheckInput{Unit: "GOM-MOZ-1", Deadline: deadline}); err != nil {
			t.Fatal(err)
		}
		if n, err := db.ApplyDueChecks(sys, deadline); err != nil || n != 1 {
			t.Fatalf("closed %d campaigns (%v)", n, err)
		}
		wantPage(t, c.get("/api/v1/reports/armory/discrepancies?unit=GOM"), http.StatusOK, `"serial":"R1"`, `"serial":"R2"`, `"escalated":true`)
		armorer := e.signedIn("armorer", muster.RoleArmorer, "GOM-MOZ")
		wantPage(t, armorer.get("/"), http.StatusOK, `id="armory-escalated"`, "2 open after their campaign", `href="/items/R2"`)
		if body := c.get("/").Body.String(); strings.Contains(body, `id="armory-escalated"`) {
			t.Fatal("a viewer's dashboard lists the escalated discrepancies")
		}
	})
}

// wantBody checks that an answer is a 200 CSV file, whole.
func wantBody(t *testing.T, rec *httptest.ResponseRecorder, want string) {
	t.Helper()
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" || rec.Body.String() != want {
		t.Errorf("answer %d %s:\n%s\nwant:\n%s", rec.Code, rec.Header().Get("Content-Type"), rec.Body, want)
	}
}
