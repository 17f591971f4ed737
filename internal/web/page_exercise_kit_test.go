package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestArmoryKitPage hands out a rifle by its serial on the participant's
// page: the armorer gets a serial field, the clerk no hand-out form.
func TestArmoryKitPage(t *testing.T) {
	db := sqldbtest.Open(t, "sqlite") // the storage runs on both in internal/sqldb
	e := newUIEnv(t, db)
	e.s.Exercises, e.s.CallUps, e.s.Reception = db, db, db
	sys := sqldbtest.System()
	ex := &muster.Exercise{Title: "Сборы Гомель", Unit: "GOM", Start: muster.NewDate(2027, 1, 8), End: muster.NewDate(2027, 1, 10)}
	if err := db.CreateExercise(sys, ex); err != nil {
		t.Fatal(err)
	}
	if err := db.AddParticipants(sys, ex.ID, muster.ParticipantsInput{ServiceNumbers: []string{"G1"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateItemType(sys, &muster.ItemType{Code: "RIFLE", Name: "AK-74M", Kind: muster.Serialised}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateItem(sys, &muster.Item{Serial: "R1", Type: "RIFLE", Armory: "GOM-MOZ-1"}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateKitItem(sys, ex.ID, &muster.KitItem{Name: "rifle", PerParticipant: 1, ItemType: "RIFLE"}); err != nil {
		t.Fatal(err)
	}
	clerk := e.signedIn("sidorova", muster.RoleClerk, "GOM")
	armorer := e.signedIn("kuznetsov", muster.RoleArmorer, "GOM")

	if body := clerk.get("/exercises/1/reception/G1").Body.String(); strings.Contains(body, "Hand out") {
		t.Fatalf("the clerk may hand out armory kit:\n%s", body)
	}
	wantPage(t, armorer.get("/exercises/1/reception/G1"), 200, "armory RIFLE", `name="serial" required`, "Hand out 1")
	wantPage(t, armorer.post("/exercises/1/reception/G1", armorer.withToken(url.Values{"do": {"issue"}, "item": {"rifle"}})), 422, "serial: required for rifle")
	wantPage(t, armorer.follow(armorer.post("/exercises/1/reception/G1", armorer.withToken(url.Values{"do": {"issue"}, "item": {"rifle"}, "serial": {"R1"}}))), 200,
		"Handed out: rifle.", "serial R1", "1 held")
	it, err := db.FindItem(sys, "R1")
	if err != nil || it.Status != muster.Issued || it.Holder != "G1" {
		t.Fatalf("R1 = %+v, %v", it, err)
	}
}
