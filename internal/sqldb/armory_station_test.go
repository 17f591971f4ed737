package sqldb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestStation serves G1 at the station of GOM-MOZ-1: by card and by the
// notice of a call-up, two items issued, every kind of refusal with its
// reason, the receipt, and a ledger that still verifies.
func TestStation(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		seedArmory(t, db)
		sys := sqldbtest.System()
		for _, serial := range []string{"R4", "R5", "R6"} {
			if err := db.CreateItem(sys, &muster.Item{Serial: serial, Type: "RIFLE", Armory: "GOM-MOZ-1"}); err != nil {
				t.Fatal(err)
			}
		}
		armorer := sqldbtest.As(t, db, muster.RoleArmorer, "GOM-MOZ")
		move(t, db, armorer, "R2", muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "G2"})
		move(t, db, armorer, "R4", muster.Movement{Kind: muster.MoveRepairOut})
		move(t, db, armorer, "R5", muster.Movement{Kind: muster.MoveLost})

		start, err := db.StationStart(armorer, "GOM-MOZ-1", "G1", "")
		if err != nil || start.Member.Name != "Иванов Пётр" || start.Member.Unit != "GOM-MOZ-1" || start.Since != 9 {
			t.Fatalf("start by card = %+v, %v", start, err)
		}
		c := createCallUp(t, db, sys, newCallUp("GOM-MOZ-1"))
		_, tokens := notices(t, db, c.ID)
		byNotice, err := db.StationStart(armorer, "GOM-MOZ-1", "", tokens["G1"])
		if err != nil || byNotice.Member != start.Member {
			t.Fatalf("start by notice = %+v, %v", byNotice, err)
		}

		it, err := db.StationIssue(armorer, "GOM-MOZ-1", "G1", " R1 ")
		if err != nil || it.Status != muster.Issued || it.Holder != "G1" {
			t.Fatalf("issue R1 = %+v, %v", it, err)
		}
		if _, err := db.StationIssue(armorer, "GOM-MOZ-1", "G1", "R6"); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			serial, code, says string
		}{
			{"R1", muster.ECONFLICT, "already issued to this member"},
			{"R2", muster.ECONFLICT, "already out: issued to Kowalski Jan (G2)"},
			{"R3", muster.ECONFLICT, "belongs to another armory"},
			{"R4", muster.ECONFLICT, "in repair"},
			{"R5", muster.ECONFLICT, "reported lost"},
			{"X-404", muster.ENOTFOUND, "X-404 is unknown"},
			{"", muster.EINVALID, "Scan an item"},
		} {
			_, err := db.StationIssue(armorer, "GOM-MOZ-1", "G1", tc.serial)
			if muster.ErrorCode(err) != tc.code || !strings.Contains(muster.ErrorMessage(err), tc.says) {
				t.Errorf("scan %q: %v, want %s saying %q", tc.serial, err, tc.code, tc.says)
			}
		}
		// An armorer of the whole force is told which armory holds R3.
		_, err = db.StationIssue(sys, "GOM-MOZ-1", "G1", "R3")
		if !strings.Contains(muster.ErrorMessage(err), "belongs to armory BRE-PIN") {
			t.Errorf("R3 by the system: %v", err)
		}

		rec, err := db.StationReceipt(armorer, "GOM-MOZ-1", "G1", start.Since)
		if err != nil || len(rec.Issued) != 2 || rec.Issued[0].Serial != "R1" || rec.Issued[1].Serial != "R6" || len(rec.Held) != 2 {
			t.Fatalf("receipt = %+v, %v", rec, err)
		}
		if rec.Issued[0].Note != "issue station" || rec.Issued[0].Actor == "" {
			t.Errorf("receipt entry = %+v", rec.Issued[0])
		}
		later, err := db.StationReceipt(armorer, "GOM-MOZ-1", "G1", rec.Issued[1].Seq)
		if err != nil || len(later.Issued) != 0 || len(later.Held) != 2 {
			t.Fatalf("receipt after the last issue = %+v, %v", later, err)
		}
		wantIntact(t, db, 11)
	})
}

// TestStationRefusals refuses the station to actors without armory.write
// or out of the armory's or the member's subtree, and bad scans of members.
func TestStationRefusals(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		seedArmory(t, db)
		gom := sqldbtest.As(t, db, muster.RoleArmorer, "GOM-MOZ")
		for _, tc := range []struct {
			name string
			err  error
			code string
		}{
			{"viewer", startErr(db, sqldbtest.As(t, db, muster.RoleViewer, "TD"), "GOM-MOZ-1", "G1", ""), muster.EFORBIDDEN},
			{"clerk issues", issueErr(db, sqldbtest.As(t, db, muster.RoleClerk, "TD"), "GOM-MOZ-1", "G1", "R1"), muster.EFORBIDDEN},
			{"armory out of scope", startErr(db, gom, "BRE-PIN", "B1", ""), muster.EFORBIDDEN},
			{"issue from an armory out of scope", issueErr(db, gom, "BRE-PIN", "G1", "R3"), muster.EFORBIDDEN},
			{"member out of scope", startErr(db, gom, "GOM-MOZ-1", "B1", ""), muster.EFORBIDDEN},
			{"issue to a member out of scope", issueErr(db, gom, "GOM-MOZ-1", "B1", "R1"), muster.EFORBIDDEN},
			{"unknown member", startErr(db, gom, "GOM-MOZ-1", "G9", ""), muster.ENOTFOUND},
			{"not a service number", startErr(db, gom, "GOM-MOZ-1", "G 1/2", ""), muster.EINVALID},
			{"forged notice", startErr(db, gom, "GOM-MOZ-1", "", "abcdefghijklmnopqrstuvwx"), muster.ENOTFOUND},
			{"nothing scanned", startErr(db, gom, "GOM-MOZ-1", "", ""), muster.EINVALID},
			{"unknown armory", startErr(db, gom, "NOPE", "G1", ""), muster.ENOTFOUND},
		} {
			if got := muster.ErrorCode(tc.err); got != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, tc.err, tc.code)
			}
		}
		wantState(t, db, "R1", muster.InStore, "GOM-MOZ-1", "")
		wantIntact(t, db, 3)
	})
}

func startErr(db *sqldb.DB, ctx context.Context, armory, sn, token string) error {
	_, err := db.StationStart(ctx, armory, sn, token)
	return err
}

func issueErr(db *sqldb.DB, ctx context.Context, armory, sn, serial string) error {
	_, err := db.StationIssue(ctx, armory, sn, serial)
	return err
}
