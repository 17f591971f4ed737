package sqldb_test

import (
	"context"
	"sync"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// seedArmory adds the item types RIFLE (serialised) and AMMO (consumable)
// and the rifles R1, R2 in the armory of GOM-MOZ-1 and R3 in BRE-PIN's.
func seedArmory(t *testing.T, db *sqldb.DB) {
	t.Helper()
	ctx := sqldbtest.System()
	for _, it := range []muster.ItemType{{Code: "RIFLE", Name: "AK-74M", Kind: muster.Serialised}, {Code: "AMMO", Name: "5.45x39", Kind: muster.Consumable}} {
		if err := db.CreateItemType(ctx, &it); err != nil {
			t.Fatalf("item type %s: %v", it.Code, err)
		}
	}
	for _, it := range []muster.Item{{Serial: "R1", Type: "RIFLE", Armory: "GOM-MOZ-1"}, {Serial: "R2", Type: "RIFLE", Armory: "GOM-MOZ-1"},
		{Serial: "R3", Type: "RIFLE", Armory: "BRE-PIN"}} {
		if err := db.CreateItem(ctx, &it); err != nil {
			t.Fatalf("item %s: %v", it.Serial, err)
		}
	}
}

// move applies a movement and fails the test on an error.
func move(t *testing.T, db *sqldb.DB, ctx context.Context, serial string, m muster.Movement) *muster.Item {
	t.Helper()
	it, err := db.MoveItem(ctx, serial, m)
	if err != nil {
		t.Fatalf("%s %s: %v", m.Kind, serial, err)
	}
	return it
}

// wantState checks an item's derived status, armory and holder.
func wantState(t *testing.T, db *sqldb.DB, serial string, status muster.ItemStatus, armory, holder string) {
	t.Helper()
	it, err := db.FindItem(sqldbtest.System(), serial)
	if err != nil {
		t.Fatal(err)
	}
	if it.Status != status || it.Armory != armory || it.Holder != holder {
		t.Fatalf("%s = %s in %s held by %q, want %s in %s held by %q", serial, it.Status, it.Armory, it.Holder, status, armory, holder)
	}
}

// wantIntact verifies the ledger and expects n intact entries.
func wantIntact(t *testing.T, db *sqldb.DB, n int64) {
	t.Helper()
	c, err := db.VerifyLedger(sqldbtest.System())
	if err != nil {
		t.Fatal(err)
	}
	if !c.OK() || c.Entries != n {
		t.Fatalf("verify = %+v, want %d intact entries", c, n)
	}
}

func TestArmoryMovements(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		seedArmory(t, db)
		armorer := sqldbtest.As(t, db, muster.RoleArmorer, "GOM-MOZ")
		wantState(t, db, "R1", muster.InStore, "GOM-MOZ-1", "")

		move(t, db, armorer, "R1", muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "G1"})
		wantState(t, db, "R1", muster.Issued, "GOM-MOZ-1", "G1")
		_, err := db.MoveItem(armorer, "R1", muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "G2"})
		wantCode(t, err, muster.ECONFLICT)
		_, err = db.MoveItem(armorer, "R2", muster.Movement{Kind: muster.MoveReturn})
		wantCode(t, err, muster.ECONFLICT)
		move(t, db, armorer, "R1", muster.Movement{Kind: muster.MoveReturn, Note: "cleaned"})
		move(t, db, armorer, "R1", muster.Movement{Kind: muster.MoveRepairOut})
		_, err = db.MoveItem(armorer, "R1", muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "G1"})
		wantCode(t, err, muster.ECONFLICT)
		move(t, db, armorer, "R1", muster.Movement{Kind: muster.MoveRepairIn})
		move(t, db, armorer, "R1", muster.Movement{Kind: muster.MoveTransfer, ToArmory: "GOM-MOZ"})
		wantState(t, db, "R1", muster.InStore, "GOM-MOZ", "")
		move(t, db, armorer, "R2", muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "G2"})
		move(t, db, armorer, "R2", muster.Movement{Kind: muster.MoveLost, Note: "left on the range"})
		wantState(t, db, "R2", muster.Lost, "GOM-MOZ-1", "")
		_, err = db.MoveItem(armorer, "R2", muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "G1"})
		wantCode(t, err, muster.ECONFLICT)
		move(t, db, armorer, "R2", muster.Movement{Kind: muster.MoveWriteOff})
		wantState(t, db, "R2", muster.WrittenOff, "GOM-MOZ-1", "")

		ledger, err := db.ItemLedger(armorer, "R2")
		if err != nil || len(ledger) != 4 || ledger[2].Kind != muster.MoveLost || ledger[2].Member != "G2" || ledger[2].Note != "left on the range" {
			t.Fatalf("ledger of R2 = %v (%v)", ledger, err)
		}
		page, err := db.FindItems(armorer, muster.ItemFilter{Armory: "GOM-MOZ-1"})
		if err != nil || len(page.Items) != 1 || page.Items[0].Serial != "R2" {
			t.Fatalf("holdings of GOM-MOZ-1 = %+v (%v)", page, err)
		}
		move(t, db, armorer, "R1", muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "G1"})
		page, err = db.FindItems(armorer, muster.ItemFilter{Holder: "G1"})
		if err != nil || len(page.Items) != 1 || page.Items[0].Serial != "R1" || page.Items[0].HolderName != "Иванов Пётр" {
			t.Fatalf("kit of G1 = %+v (%v)", page, err)
		}
		wantIntact(t, db, 12)
		if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action IN ('item.create', 'item_type.create')`); n != "5" {
			t.Fatalf("%s audit entries, want 5", n)
		}
	})
}

func TestArmoryRefusals(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		seedArmory(t, db)
		issue := muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "G1"}
		for _, tc := range []struct {
			name string
			ctx  context.Context
			do   func(ctx context.Context) error
			code string
		}{
			{"armorer of another district", sqldbtest.As(t, db, muster.RoleArmorer, "BRE-PIN"), func(ctx context.Context) error {
				_, err := db.MoveItem(ctx, "R1", issue)
				return err
			}, muster.EFORBIDDEN},
			{"member out of scope", sqldbtest.As(t, db, muster.RoleArmorer, "GOM-MOZ"), func(ctx context.Context) error {
				_, err := db.MoveItem(ctx, "R1", muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "B1"})
				return err
			}, muster.EFORBIDDEN},
			{"transfer out of scope", sqldbtest.As(t, db, muster.RoleArmorer, "GOM-MOZ"), func(ctx context.Context) error {
				_, err := db.MoveItem(ctx, "R1", muster.Movement{Kind: muster.MoveTransfer, ToArmory: "BRE-PIN"})
				return err
			}, muster.EFORBIDDEN},
			{"clerk", sqldbtest.As(t, db, muster.RoleClerk, "TD"), func(ctx context.Context) error {
				_, err := db.MoveItem(ctx, "R1", issue)
				return err
			}, muster.EFORBIDDEN},
			{"viewer", sqldbtest.As(t, db, muster.RoleViewer, "TD"), func(ctx context.Context) error {
				return db.CreateItem(ctx, &muster.Item{Serial: "R9", Type: "RIFLE", Armory: "GOM-MOZ-1"})
			}, muster.EFORBIDDEN},
			{"armorer creates an item type", sqldbtest.As(t, db, muster.RoleArmorer, "TD"), func(ctx context.Context) error {
				return db.CreateItemType(ctx, &muster.ItemType{Code: "X", Name: "X", Kind: muster.Serialised})
			}, muster.EFORBIDDEN},
			{"viewer reads another region's item", sqldbtest.As(t, db, muster.RoleViewer, "BRE"), func(ctx context.Context) error {
				_, err := db.FindItem(ctx, "R1")
				return err
			}, muster.EFORBIDDEN},
			{"unknown serial", sqldbtest.System(), func(ctx context.Context) error {
				_, err := db.MoveItem(ctx, "NOPE", issue)
				return err
			}, muster.ENOTFOUND},
			{"unknown member", sqldbtest.System(), func(ctx context.Context) error {
				_, err := db.MoveItem(ctx, "R1", muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "X9"})
				return err
			}, muster.ENOTFOUND},
			{"duplicate serial", sqldbtest.System(), func(ctx context.Context) error {
				return db.CreateItem(ctx, &muster.Item{Serial: "R1", Type: "RIFLE", Armory: "BRE-PIN"})
			}, muster.ECONFLICT},
			{"unknown type", sqldbtest.System(), func(ctx context.Context) error {
				return db.CreateItem(ctx, &muster.Item{Serial: "R9", Type: "TANK", Armory: "BRE-PIN"})
			}, muster.EUNPROCESSABLE},
			{"consumable as an item", sqldbtest.System(), func(ctx context.Context) error {
				return db.CreateItem(ctx, &muster.Item{Serial: "R9", Type: "AMMO", Armory: "BRE-PIN"})
			}, muster.EUNPROCESSABLE},
			{"unknown armory", sqldbtest.System(), func(ctx context.Context) error {
				return db.CreateItem(ctx, &muster.Item{Serial: "R9", Type: "RIFLE", Armory: "NOPE"})
			}, muster.EUNPROCESSABLE},
			{"bad kind", sqldbtest.System(), func(ctx context.Context) error {
				_, err := db.MoveItem(ctx, "R1", muster.Movement{Kind: "borrow"})
				return err
			}, muster.EUNPROCESSABLE},
			{"more stock than held", sqldbtest.System(), func(ctx context.Context) error {
				_, err := db.IssueStock(ctx, muster.StockMovement{Armory: "GOM-MOZ-1", Type: "AMMO", Lot: "L1", Quantity: 1, ServiceNumber: "G1"})
				return err
			}, muster.ECONFLICT},
		} {
			t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.do(tc.ctx), tc.code) })
		}
		// The refusals changed nothing.
		wantState(t, db, "R1", muster.InStore, "GOM-MOZ-1", "")
		wantIntact(t, db, 3)
		if n := count(t, db, `SELECT count(*) FROM items`); n != "3" {
			t.Fatalf("%s items, want 3", n)
		}
	})
}

func TestArmoryStock(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		seedArmory(t, db)
		armorer := sqldbtest.As(t, db, muster.RoleArmorer, "GOM")
		s, err := db.ReceiveStock(armorer, muster.StockMovement{Armory: "GOM-MOZ-1", Type: "AMMO", Lot: "L-2026-1", Quantity: 1000})
		if err != nil || s.Quantity != 1000 {
			t.Fatalf("receive = %+v (%v)", s, err)
		}
		s, err = db.IssueStock(armorer, muster.StockMovement{Armory: "GOM-MOZ-1", Type: "AMMO", Lot: "L-2026-1", Quantity: 120, ServiceNumber: "G1"})
		if err != nil || s.Quantity != 880 {
			t.Fatalf("issue = %+v (%v)", s, err)
		}
		_, err = db.IssueStock(armorer, muster.StockMovement{Armory: "GOM-MOZ-1", Type: "AMMO", Lot: "L-2026-1", Quantity: 881, ServiceNumber: "G2"})
		wantCode(t, err, muster.ECONFLICT)
		_, err = db.ReceiveStock(armorer, muster.StockMovement{Armory: "GOM-MOZ-1", Type: "RIFLE", Lot: "L", Quantity: 1})
		wantCode(t, err, muster.EUNPROCESSABLE)

		// Transfer to another armory of the subtree; refusals change nothing.
		lot := func(armory string, q int64) muster.StockMovement {
			return muster.StockMovement{Armory: armory, Type: "AMMO", Lot: "L-2026-1", Quantity: q}
		}
		m := lot("GOM-MOZ-1", 300)
		m.ToArmory = "GOM-MOZ"
		if s, err = db.TransferStock(armorer, m); err != nil || s.Quantity != 580 {
			t.Fatalf("transfer = %+v (%v)", s, err)
		}
		m.Quantity = 581
		_, err = db.TransferStock(armorer, m)
		wantCode(t, err, muster.ECONFLICT)
		m.Quantity, m.ToArmory = 1, "BRE-PIN"
		_, err = db.TransferStock(armorer, m)
		wantCode(t, err, muster.EFORBIDDEN)
		for _, to := range []string{"", "GOM-MOZ-1", "NOPE"} {
			m.ToArmory = to
			_, err = db.TransferStock(armorer, m)
			wantField(t, err, "to_armory")
		}
		// A member gives back what they did not use.
		back := lot("GOM-MOZ-1", 20)
		back.ServiceNumber = "G1"
		if s, err = db.ReturnStock(armorer, back); err != nil || s.Quantity != 600 {
			t.Fatalf("return = %+v (%v)", s, err)
		}
		back.ServiceNumber = "NOBODY"
		_, err = db.ReturnStock(armorer, back)
		wantCode(t, err, muster.ENOTFOUND)
		for armory, want := range map[string]int64{"GOM-MOZ-1": 600, "GOM-MOZ": 300} {
			list, err := db.FindStock(armorer, armory)
			if err != nil || len(list) != 1 || list[0].Quantity != want {
				t.Fatalf("stock of %s = %v (%v), want %d", armory, list, err, want)
			}
		}
		wantIntact(t, db, 7)
	})
}

// TestArmoryConcurrentIssue issues one item to two members at once:
// exactly one issue wins, the other is refused, and the chain stays whole.
func TestArmoryConcurrentIssue(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		seedArmory(t, db)
		ctx := sqldbtest.System()
		for round := range 5 {
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, sn := range []string{"G1", "G2"} {
				wg.Go(func() {
					_, errs[i] = db.MoveItem(ctx, "R1", muster.Movement{Kind: muster.MoveIssue, ServiceNumber: sn})
				})
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				if err == nil {
					won++
				} else if muster.ErrorCode(err) != muster.ECONFLICT {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if won != 1 {
				t.Fatalf("round %d: %d issues won (%v), want 1", round, won, errs)
			}
			move(t, db, ctx, "R1", muster.Movement{Kind: muster.MoveReturn})
		}
		wantIntact(t, db, 3+5*2)
	})
}

// wantField checks that err is EUNPROCESSABLE naming the field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	wantCode(t, err, muster.EUNPROCESSABLE)
	if d := muster.ErrorDetails(err); len(d) != 1 || d[0].Field != field {
		t.Fatalf("error %v names %v, want %s", err, d, field)
	}
}
