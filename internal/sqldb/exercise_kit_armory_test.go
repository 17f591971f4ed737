package sqldb_test

import (
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// armoryKitExercise summons the GOM exercise, seeds the armory (R1, R2 in
// GOM-MOZ-1; 100 AMMO of lot L1 there; the radio X1 there too) and plans
// the kit "rifle" (RIFLE, one each) and "ammo" (30 AMMO from GOM-MOZ-1).
// The ledger then holds 5 entries.
func armoryKitExercise(t *testing.T, db *sqldb.DB) *muster.Exercise {
	t.Helper()
	e, _, _ := summonedExercise(t, db)
	seedArmory(t, db)
	ctx := sqldbtest.System()
	if _, err := db.ReceiveStock(ctx, muster.StockMovement{Armory: "GOM-MOZ-1", Type: "AMMO", Lot: "L1", Quantity: 100}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateItemType(ctx, &muster.ItemType{Code: "RADIO", Name: "R-187", Kind: muster.Serialised}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateItem(ctx, &muster.Item{Serial: "X1", Type: "RADIO", Armory: "GOM-MOZ-1"}); err != nil {
		t.Fatal(err)
	}
	commander := sqldbtest.As(t, db, muster.RoleCommander, "GOM")
	for _, k := range []*muster.KitItem{{Name: "rifle", PerParticipant: 1, ItemType: "RIFLE"},
		{Name: "ammo", PerParticipant: 30, ItemType: "AMMO", Armory: "GOM-MOZ-1"}, {Name: "blanket", PerParticipant: 1}} {
		if err := db.CreateKitItem(commander, e.ID, k); err != nil {
			t.Fatalf("kit item %s: %v", k.Name, err)
		}
	}
	return e
}

func TestArmoryKitItems(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := armoryKitExercise(t, db)
		commander := sqldbtest.As(t, db, muster.RoleCommander, "GOM")
		for _, tc := range []struct {
			k     muster.KitItem
			field string
		}{
			{muster.KitItem{Name: "rifles", PerParticipant: 2, ItemType: "RIFLE"}, "per_participant"},
			{muster.KitItem{Name: "radio", PerParticipant: 1, ItemType: "RADIO", Armory: "GOM-MOZ-1"}, "armory"},
			{muster.KitItem{Name: "rounds", PerParticipant: 10, ItemType: "AMMO"}, "armory"},
			{muster.KitItem{Name: "rounds", PerParticipant: 10, ItemType: "AMMO", Armory: "NOPE"}, "armory"},
			{muster.KitItem{Name: "helmet", PerParticipant: 1, ItemType: "HELMET"}, "item_type"},
		} {
			err := db.CreateKitItem(commander, e.ID, &tc.k)
			wantCode(t, err, muster.EUNPROCESSABLE)
			if d := muster.ErrorDetails(err); len(d) != 1 || d[0].Field != tc.field {
				t.Errorf("%s: details %+v, want field %s", tc.k.Name, d, tc.field)
			}
		}
		if n := count(t, db, `SELECT count(*) FROM exercise_kit_items`); n != "3" {
			t.Fatalf("%s kit items after refusals", n)
		}
		r, err := db.Reception(sqldbtest.System(), e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if k := r.Kit[0]; k.Name != "ammo" || k.ItemType != "AMMO" || k.Armory != "GOM-MOZ-1" {
			t.Fatalf("kit[0] = %+v", k)
		}
	})
}

func TestArmoryKitHandOutAndReturn(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := armoryKitExercise(t, db)
		armorer := sqldbtest.As(t, db, muster.RoleArmorer, "GOM")
		clerk := sqldbtest.As(t, db, muster.RoleClerk, "GOM")
		nothingWritten := func(what string, entries, issues string) {
			t.Helper()
			if n := count(t, db, `SELECT count(*) FROM ledger`); n != entries {
				t.Fatalf("%s: %s ledger entries, want %s", what, n, entries)
			}
			if n := count(t, db, `SELECT count(*) FROM exercise_kit_issues`); n != issues {
				t.Fatalf("%s: %s kit issues, want %s", what, n, issues)
			}
		}

		// A clerk at the desk hands out plain kit, not armory kit.
		wantCode(t, db.HandOutKit(clerk, e.ID, muster.KitInput{ServiceNumber: "G1", Item: "rifle", Serial: "R1"}), muster.EFORBIDDEN)
		wantCode(t, db.HandOutKit(armorer, e.ID, muster.KitInput{ServiceNumber: "G1", Item: "blanket"}), muster.EFORBIDDEN)
		wantCode(t, db.HandOutKit(sqldbtest.As(t, db, muster.RoleArmorer, "BRE"), e.ID, muster.KitInput{ServiceNumber: "G1", Item: "rifle", Serial: "R1"}), muster.EFORBIDDEN)
		for _, in := range []muster.KitInput{
			{ServiceNumber: "G1", Item: "rifle", Serial: "R1", Quantity: 2}, // one serial, one item
			{ServiceNumber: "G1", Item: "rifle"},                            // no serial
			{ServiceNumber: "G1", Item: "rifle", Serial: "X1"},              // a radio
			{ServiceNumber: "G1", Item: "rifle", Serial: "R9"},              // no such item
			{ServiceNumber: "G1", Item: "ammo", Quantity: 30},               // no lot
			{ServiceNumber: "G1", Item: "blanket", Serial: "R1"},            // plain kit
		} {
			wantCode(t, db.HandOutKit(sqldbtest.System(), e.ID, in), muster.EUNPROCESSABLE)
		}
		// R3 is in BRE-PIN's armory, outside the GOM armorer's subtree.
		wantCode(t, db.HandOutKit(armorer, e.ID, muster.KitInput{ServiceNumber: "G1", Item: "rifle", Serial: "R3"}), muster.EFORBIDDEN)
		nothingWritten("refusals", "5", "0")

		if err := db.HandOutKit(armorer, e.ID, muster.KitInput{ServiceNumber: "G1", Item: "rifle", Serial: "R1"}); err != nil {
			t.Fatal(err)
		}
		wantState(t, db, "R1", muster.Issued, "GOM-MOZ-1", "G1")
		if err := db.HandOutKit(armorer, e.ID, muster.KitInput{ServiceNumber: "G1", Item: "ammo", Lot: "L1"}); err != nil {
			t.Fatal(err)
		}
		wantIntact(t, db, 7)

		// R1 is out: the armory refuses, and no kit record is written.
		wantCode(t, db.HandOutKit(armorer, e.ID, muster.KitInput{ServiceNumber: "G2", Item: "rifle", Serial: "R1"}), muster.ECONFLICT)
		// Only 70 of L1 left, none of L9.
		wantCode(t, db.HandOutKit(armorer, e.ID, muster.KitInput{ServiceNumber: "G2", Item: "ammo", Lot: "L9"}), muster.ECONFLICT)
		// G1 has their rifle: the kit record refuses, and R2 stays in store.
		wantCode(t, db.HandOutKit(armorer, e.ID, muster.KitInput{ServiceNumber: "G1", Item: "rifle", Serial: "R2"}), muster.ECONFLICT)
		nothingWritten("second hand-outs", "7", "2")
		wantState(t, db, "R1", muster.Issued, "GOM-MOZ-1", "G1")
		wantState(t, db, "R2", muster.InStore, "GOM-MOZ-1", "")

		r, err := db.Reception(sqldbtest.System(), e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Total.KitToHandOut; got["rifle"] != 1 || got["ammo"] != 30 || got["blanket"] != 2 {
			t.Fatalf("to hand out = %v", got)
		}
		p, err := db.ParticipantReception(sqldbtest.System(), e.ID, "G1")
		if err != nil {
			t.Fatal(err)
		}
		if h := p.Kit[2]; h.Item != "rifle" || h.Serial != "R1" || !h.Serialised || h.ItemType != "RIFLE" {
			t.Fatalf("rifle holding = %+v", h)
		}
		if h := p.Kit[0]; h.Item != "ammo" || h.Lot != "L1" || h.HandedOut != 30 || h.Serialised {
			t.Fatalf("ammo holding = %+v", h)
		}

		// Returning armory kit needs armory.write too; the armorer's return
		// goes back through the ledger.
		_, err = db.ReturnKit(clerk, e.ID, muster.KitInput{ServiceNumber: "G1"})
		wantCode(t, err, muster.EFORBIDDEN)
		if n, err := db.ReturnKit(armorer, e.ID, muster.KitInput{ServiceNumber: "G1"}); err != nil || n != 2 {
			t.Fatalf("return = %d, %v", n, err)
		}
		wantState(t, db, "R1", muster.InStore, "GOM-MOZ-1", "")
		stock, err := db.FindStock(sqldbtest.System(), "GOM-MOZ-1")
		if err != nil || len(stock) != 1 || stock[0].Quantity != 100 {
			t.Fatalf("stock = %+v, %v", stock, err)
		}
		wantIntact(t, db, 9)
		if n := count(t, db, `SELECT count(*) FROM ledger WHERE kind = 'return' AND serial = 'R1' AND note LIKE '%returned by G1%'`); n != "1" {
			t.Fatalf("%s return entries for R1", n)
		}
	})
}
