package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestArmoryKitAPI plans a rifle as armory kit and hands it out by serial:
// the clerk at the desk is refused (403), the armorer's hand-out issues the
// rifle in the armory, a serial of another type or one already out is
// refused, and the return puts it back in store.
func TestArmoryKitAPI(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newExerciseEnv(t, db)
		base := receptionExercise(t, e)
		ctx := sqldbtest.System()
		for _, it := range []muster.ItemType{{Code: "RIFLE", Name: "AK-74M", Kind: muster.Serialised}, {Code: "RADIO", Name: "R-187", Kind: muster.Serialised}} {
			if err := db.CreateItemType(ctx, &it); err != nil {
				t.Fatal(err)
			}
		}
		for _, it := range []muster.Item{{Serial: "R1", Type: "RIFLE", Armory: "GOM-MOZ-1"}, {Serial: "X1", Type: "RADIO", Armory: "GOM-MOZ-1"}} {
			if err := db.CreateItem(ctx, &it); err != nil {
				t.Fatal(err)
			}
		}
		secret, err := db.CreateToken(ctx, &muster.Token{Name: "armorer@GOM", Role: muster.RoleArmorer, Unit: "GOM"})
		if err != nil {
			t.Fatal(err)
		}
		e.tokens["armorer@GOM"] = secret
		var rifle muster.KitItem
		var g1 muster.ParticipantReception
		e.run([]apiScenario{
			{name: "two rifles each", method: "POST", path: base + "/kit", who: "commander@GOM", body: map[string]any{"name": "rifle", "per_participant": 2, "item_type": "RIFLE"}, status: 422, field: "per_participant"},
			{name: "unknown type", method: "POST", path: base + "/kit", who: "commander@GOM", body: map[string]any{"name": "rifle", "per_participant": 1, "item_type": "TANK"}, status: 422, field: "item_type"},
			{name: "rifle kit", method: "POST", path: base + "/kit", who: "commander@GOM", body: map[string]any{"name": "rifle", "per_participant": 1, "item_type": "RIFLE"}, status: 201, check: wantJSON(&rifle)},
			{name: "clerk", method: "POST", path: base + "/kit/issues", who: "clerk@GOM", body: map[string]any{"service_number": "G1", "item": "rifle", "serial": "R1"}, status: 403},
			{name: "no serial", method: "POST", path: base + "/kit/issues", who: "armorer@GOM", body: map[string]any{"service_number": "G1", "item": "rifle"}, status: 422, field: "serial"},
			{name: "a radio", method: "POST", path: base + "/kit/issues", who: "armorer@GOM", body: map[string]any{"service_number": "G1", "item": "rifle", "serial": "X1"}, status: 422, field: "serial"},
			{name: "hand out R1", method: "POST", path: base + "/kit/issues", who: "armorer@GOM", body: map[string]any{"service_number": "G1", "item": "rifle", "serial": "R1"}, status: 200, check: wantJSON(&g1)},
			{name: "R1 is out", method: "POST", path: base + "/kit/issues", who: "armorer@GOM", body: map[string]any{"service_number": "G2", "item": "rifle", "serial": "R1"}, status: 409},
			{name: "R1 in the armory", method: "GET", path: "/api/v1/items/R1", who: "commander@GOM", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if !strings.Contains(rec.Body.String(), `"status":"issued"`) || !strings.Contains(rec.Body.String(), `"holder":"G1"`) {
					t.Errorf("R1 = %s", rec.Body)
				}
			}},
			{name: "clerk cannot take it back", method: "POST", path: base + "/kit/returns", who: "clerk@GOM", body: map[string]any{"service_number": "G1"}, status: 403},
			{name: "armorer takes it back", method: "POST", path: base + "/kit/returns", who: "armorer@GOM", body: map[string]any{"service_number": "G1", "item": "rifle"}, status: 200},
			{name: "R1 back in store", method: "GET", path: "/api/v1/items/R1", who: "commander@GOM", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if !strings.Contains(rec.Body.String(), `"status":"in_store"`) {
					t.Errorf("R1 = %s", rec.Body)
				}
			}},
		})
		if rifle.ItemType != "RIFLE" || len(g1.Kit) != 1 || g1.Kit[0].Serial != "R1" || !g1.Kit[0].Serialised {
			t.Fatalf("rifle %+v, G1's kit %+v", rifle, g1.Kit)
		}
	})
}
