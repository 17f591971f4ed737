package web

import (
	"net/url"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldbtest"
)

func TestReceptionPages(t *testing.T) {
	db := sqldbtest.Open(t, "sqlite") // the storage runs on both in internal/sqldb
	e := newUIEnv(t, db)
	e.s.Exercises, e.s.CallUps, e.s.Reception = db, db, db
	sys := sqldbtest.System()
	ex := &muster.Exercise{Title: "Сборы Гомель", Unit: "GOM", Start: muster.NewDate(2027, 1, 8), End: muster.NewDate(2027, 1, 10)}
	if err := db.CreateExercise(sys, ex); err != nil {
		t.Fatal(err)
	}
	if err := db.AddParticipants(sys, ex.ID, muster.ParticipantsInput{ServiceNumbers: []string{"G1", "G2"}}); err != nil {
		t.Fatal(err)
	}
	cmd := e.signedIn("petrov", muster.RoleCommander, "GOM")
	clerk := e.signedIn("sidorova", muster.RoleClerk, "GOM")

	wantPage(t, cmd.get("/exercises/1/reception"), 200, "Reception", "No lodging sites yet.", "No kit to hand out yet.", "2027-01-09")
	wantPage(t, cmd.post("/exercises/1/reception", cmd.withToken(url.Values{"do": {"site"}, "name": {"Tent 1"}, "capacity": {"-1"}})), 400, "capacity: must be a whole number")
	wantPage(t, cmd.follow(cmd.post("/exercises/1/reception", cmd.withToken(url.Values{"do": {"site"}, "name": {"Tent 1"}, "capacity": {"1"}}))), 200, "Site Tent 1 added with 1 beds.")
	wantPage(t, clerk.post("/exercises/1/reception", clerk.withToken(url.Values{"do": {"site"}, "name": {"Tent 2"}, "capacity": {"1"}})), 403)
	// The whole company into the one-bed tent: refused, no one moved.
	wantPage(t, clerk.post("/exercises/1/reception", clerk.withToken(url.Values{"do": {"lodging"}, "site": {"1"}, "unit": {"gom-moz-1"}})), 409, "Tent 1 has 1 beds")
	wantPage(t, clerk.follow(clerk.post("/exercises/1/reception", clerk.withToken(url.Values{"do": {"lodging"}, "site": {"1"}, "service_numbers": {"G1"}}))), 200, "1 participants moved.", "Tent 1 <strong>1/1</strong>")
	wantPage(t, cmd.post("/exercises/1/reception", cmd.withToken(url.Values{"do": {"meals"}, "date": {"2027-01-12"}, "lunch": {"5"}})), 400, "is not a day of exercise 1")
	wantPage(t, cmd.follow(cmd.post("/exercises/1/reception", cmd.withToken(url.Values{"do": {"meals"}, "date": {"2027-01-09"}, "lunch": {"12"}, "note": {"engineers"}}))), 200,
		"Extra portions of 2027-01-09 saved.", "engineers")
	wantPage(t, cmd.follow(cmd.post("/exercises/1/reception", cmd.withToken(url.Values{"do": {"kit"}, "name": {"sleeping bag"}}))), 200, "Kit item sleeping bag added, 1 per participant.")

	wantPage(t, clerk.get("/exercises/1/reception?participant=G1"), 303)
	wantPage(t, clerk.get("/exercises/1/reception/G1"), 200, "Иванов Пётр", "Tent 1", "Hand out 1", "No notes.")
	wantPage(t, clerk.get("/exercises/1/reception/B1"), 404, "B1 does not take part")
	wantPage(t, clerk.follow(clerk.post("/exercises/1/reception/G1", clerk.withToken(url.Values{"do": {"issue"}, "item": {"sleeping bag"}}))), 200, "Handed out: sleeping bag.", "1 held")
	wantPage(t, clerk.post("/exercises/1/reception/G1", clerk.withToken(url.Values{"do": {"issue"}, "item": {"sleeping bag"}})), 409, "already has all 1 of sleeping bag")
	wantPage(t, clerk.follow(clerk.post("/exercises/1/reception/G1", clerk.withToken(url.Values{"do": {"note"}, "text": {"Boots size 46"}}))), 200, "Note added.", "Boots size 46", "sidorova")
	wantPage(t, clerk.follow(clerk.post("/exercises/1/reception/G1", clerk.withToken(url.Values{"do": {"return"}}))), 200, "1 kit items returned.")

	wantPage(t, cmd.get("/exercises/1"), 200, "Reception", "Arrival desk", "GOM-MOZ-1", "sleeping bag ×1", "Tent 1 <strong>1/1</strong>")
	wantPage(t, e.signedIn("brestclerk", muster.RoleClerk, "BRE").get("/exercises/1/reception"), 403)
	wantPage(t, e.signedIn("viewer", muster.RoleViewer, "GOM").get("/exercises/1/desk"), 403)
}
