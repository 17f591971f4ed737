package web

import (
	"net/url"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldbtest"
)

func TestExercisePages(t *testing.T) {
	db := sqldbtest.Open(t, "sqlite") // the storage runs on both in internal/sqldb
	e := newUIEnv(t, db)
	e.s.Exercises, e.s.CallUps = db, db
	cmd := e.signedIn("petrov", muster.RoleCommander, "GOM")

	wantPage(t, cmd.get("/exercises?year=2027"), 200, "Exercises 2027", "No exercises planned for 2027.", "Plan an exercise")
	form := url.Values{"title": {"Сборы Гомель"}, "unit": {"GOM"}, "start": {"2027-01-08"}, "end": {"2027-01-10"},
		"location": {"Mozyr"}, "lead": {"head of the district executive committee"},
		"objectives": {"receive the troops\nrestore command skills"}, "partners": {"an army engineering battalion"}}
	if rec := cmd.post("/exercises", form); rec.Code != 403 {
		t.Fatalf("without a form token: %d", rec.Code)
	}
	bad := cmd.withToken(form)
	bad.Set("end", "2027-01-07")
	wantPage(t, cmd.post("/exercises", bad), 400, "must not be before start")
	rec := cmd.post("/exercises", cmd.withToken(form))
	if rec.Code != 303 || rec.Header().Get("Location") != "/exercises/1" {
		t.Fatalf("create: %d %s", rec.Code, rec.Header())
	}
	wantPage(t, cmd.follow(rec), 200, "Exercise planned.", "Сборы Гомель", "restore command skills", "an army engineering battalion", "No participants yet.")
	wantPage(t, cmd.get("/exercises?year=2027&unit=GOM"), 200, "Сборы Гомель", "2027-01-08 – 2027-01-10")

	rec = cmd.post("/exercises/1/participants", cmd.withToken(url.Values{"service_numbers": {"G1, NOPE B1"}, "role": {"trainee"}}))
	wantPage(t, rec, 422, "no member has the service number NOPE", "member B1 is outside your unit")
	rec = cmd.post("/exercises/1/participants", cmd.withToken(url.Values{"service_numbers": {"G1 G2"}, "role": {"trainee"}}))
	wantPage(t, cmd.follow(rec), 200, "2 members added as trainee.", "Иванов Пётр")

	clerk := e.signedIn("sidorova", muster.RoleClerk, "GOM")
	grid := url.Values{"day": {"2027-01-09"}, "sn": {"G1", "G2"}, "present_G1": {"1"}, "hours_G1": {"25"}}
	wantPage(t, clerk.post("/exercises/1/attendance", clerk.withToken(grid)), 422, "G1: must be from 0 to 24")
	grid.Set("hours_G1", "7,5")
	rec = clerk.post("/exercises/1/attendance", clerk.withToken(grid))
	wantPage(t, clerk.follow(rec), 200, "Attendance of 2027-01-09 recorded for 2 participants.")
	sum, err := db.Attendance(sqldbtest.System(), 1)
	if err != nil || len(sum.Participants) != 2 || sum.Participants[0].Hours+sum.Participants[1].Hours != 7.5 {
		t.Fatalf("attendance %+v, %v", sum, err)
	}
	rec = clerk.upload("/exercises/1/sheet", map[string]string{formTokenField: clerk.token()}, "day1.csv",
		"service_number,date,present,hours\nG1,2027-01-08,1,8\nG2,2027-01-11,1,8\n")
	wantPage(t, rec, 422, "2027-01-11 is not a day of exercise 1")
	wantPage(t, clerk.get("/exercises/1/print?day=2027-01-09&unit=GOM-MOZ-1"), 200, "Attendance sheet", "1-я рота", "Иванов Пётр", "7.5", "Signature")
	wantPage(t, clerk.get("/exercises/1/print?day=2027-02-01"), 400, "is not a day of the exercise")

	other := e.signedIn("brestclerk", muster.RoleClerk, "BRE")
	if rec := other.get("/exercises/1"); rec.Code != 403 {
		t.Fatalf("another region's exercise page: %d", rec.Code)
	}
	rec = cmd.post("/exercises/feeds", cmd.withToken(url.Values{"unit": {"GOM"}}))
	wantPage(t, cmd.follow(rec), 200, "Calendar feed created", calendarPath+"msc_")
}
