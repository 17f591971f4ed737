package sqldb_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// seedArmoryReports builds the armory of the reports' tests on the seeded
// force, moving the clock as it goes, and leaves it at 2026-11-27 09:00:
//   - the exercise "Autumn" of GOM-MOZ-1 from 2026-11-20 to 11-22 (G1,
//     G2 taking part) and "Pinsk" of BRE-PIN from 11-20 to 11-21 (B1);
//   - R1 issued to G1 on 11-19 (the day before Autumn), R2 to G2 on 11-21,
//     R4 to G2 on 11-01 (kit kept at home, not Autumn's), R3 to B1 on
//     11-20, R5 lost; 100 AMMO received and 30 issued to G1.
func seedArmoryReports(t *testing.T, db *sqldb.DB) {
	t.Helper()
	sqldbtest.Seed(t, db)
	seedArmory(t, db)
	sys := sqldbtest.System()
	at := func(day int) { db.Now = func() time.Time { return time.Date(2026, 11, day, 9, 0, 0, 0, time.UTC) } }
	for _, serial := range []string{"R4", "R5"} {
		if err := db.CreateItem(sys, &muster.Item{Serial: serial, Type: "RIFLE", Armory: "GOM-MOZ-1"}); err != nil {
			t.Fatal(err)
		}
	}
	date := func(s string) muster.Date {
		d, err := muster.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, ex := range []struct {
		title, unit, start, end string
		members                 []string
	}{{"Autumn", "GOM-MOZ-1", "2026-11-20", "2026-11-22", []string{"G1", "G2"}}, {"Pinsk", "BRE-PIN", "2026-11-20", "2026-11-21", []string{"B1"}}} {
		e := &muster.Exercise{Title: ex.title, Unit: ex.unit, Start: date(ex.start), End: date(ex.end), Location: "range"}
		if err := db.CreateExercise(sys, e); err != nil {
			t.Fatalf("exercise %s: %v", ex.title, err)
		}
		if err := db.AddParticipants(sys, e.ID, muster.ParticipantsInput{ServiceNumbers: ex.members, Role: muster.RoleTrainee}); err != nil {
			t.Fatalf("participants of %s: %v", ex.title, err)
		}
	}
	for _, mv := range []struct {
		day          int
		serial, whom string
		kind         muster.MovementKind
	}{{1, "R4", "G2", muster.MoveIssue}, {19, "R1", "G1", muster.MoveIssue}, {20, "R3", "B1", muster.MoveIssue},
		{21, "R2", "G2", muster.MoveIssue}, {21, "R5", "", muster.MoveLost}} {
		at(mv.day)
		move(t, db, sys, mv.serial, muster.Movement{Kind: mv.kind, ServiceNumber: mv.whom})
	}
	if _, err := db.ReceiveStock(sys, muster.StockMovement{Armory: "GOM-MOZ-1", Type: "AMMO", Lot: "L1", Quantity: 100}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.IssueStock(sys, muster.StockMovement{Armory: "GOM-MOZ-1", Type: "AMMO", Lot: "L1", Quantity: 30, ServiceNumber: "G1"}); err != nil {
		t.Fatal(err)
	}
	at(27)
}

func TestArmoryReports(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		seedArmoryReports(t, db)
		gom := sqldbtest.As(t, db, muster.RoleViewer, "GOM")

		h, err := db.Holdings(gom, "GOM")
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprintf("%+v", h.Holdings)
		want := "[{Armory:GOM-MOZ-1 Type:AMMO TypeName:5.45x39 Kind:consumable InStore:70 Issued:0 InRepair:0 Lost:0 Stolen:0 Destroyed:0 WrittenOff:0 Total:70} " +
			"{Armory:GOM-MOZ-1 Type:RIFLE TypeName:AK-74M Kind:serialised InStore:0 Issued:3 InRepair:0 Lost:1 Stolen:0 Destroyed:0 WrittenOff:0 Total:4}]"
		if h.Unit != "GOM" || got != want {
			t.Errorf("holdings of GOM =\n%s\nwant\n%s", got, want)
		}
		if h, err := db.Holdings(sqldbtest.System(), "TD"); err != nil || len(h.Holdings) != 3 || h.Holdings[0].Armory != "BRE-PIN" || h.Holdings[0].Issued != 1 {
			t.Errorf("holdings of TD = %+v, %v", h, err)
		}

		out, err := db.ItemsOut(gom, "GOM")
		if err != nil {
			t.Fatal(err)
		}
		if got := itemsOutString(out); got != "G1 Иванов Пётр GOM-MOZ-1: R1 2026-11-19; G2 Kowalski Jan GOM-MOZ-1: R2 2026-11-21, R4 2026-11-01; " {
			t.Errorf("items out of GOM = %q", got)
		}
		if out, err := db.ItemsOut(sqldbtest.System(), "BRE"); err != nil || itemsOutString(out) != "B1 Шевчук Анна BRE-PIN: R3 2026-11-20; " {
			t.Errorf("items out of BRE = %+v, %v", out, err)
		}

		for _, tc := range []struct {
			ctx  context.Context
			unit string
			days int
			want string
		}{
			{gom, "GOM", 3, "R1 G1 Autumn 2026-11-22 +2; R2 G2 Autumn 2026-11-22 +2; "},
			{gom, "GOM", 4, "R1 G1 Autumn 2026-11-22 +1; R2 G2 Autumn 2026-11-22 +1; "},
			{gom, "GOM", 5, ""},
			{sqldbtest.System(), "TD", 5, "R3 B1 Pinsk 2026-11-21 +1; "},
			{sqldbtest.System(), "TD", 0, "R1 G1 Autumn 2026-11-22 +5; R2 G2 Autumn 2026-11-22 +5; R3 B1 Pinsk 2026-11-21 +6; "},
		} {
			rep, err := db.OverdueReturns(tc.ctx, tc.unit, tc.days)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for _, o := range rep.Items {
				got += fmt.Sprintf("%s %s %s %s +%d; ", o.Serial, o.ServiceNumber, o.ExerciseTitle, o.ExerciseEnd, o.DaysOverdue)
			}
			if got != tc.want || rep.AsOf.String() != "2026-11-27" || rep.Days != tc.days {
				t.Errorf("overdue of %s after %d days = %q (as of %s), want %q", tc.unit, tc.days, got, rep.AsOf, tc.want)
			}
		}

		bre := sqldbtest.As(t, db, muster.RoleArmorer, "BRE-PIN")
		wantCode(t, errOf(db.Holdings(bre, "GOM")), muster.EFORBIDDEN)
		wantCode(t, errOf(db.ItemsOut(bre, "TD")), muster.EFORBIDDEN)
		wantCode(t, errOf(db.OverdueReturns(bre, "GOM-MOZ-1", 3)), muster.EFORBIDDEN)
		wantCode(t, errOf(db.Holdings(gom, "NOPE")), muster.ENOTFOUND)
		wantCode(t, errOf(db.OverdueReturns(gom, "GOM", -1)), muster.EINVALID)
		wantCode(t, errOf(db.OverdueReturns(gom, "GOM", 366)), muster.EINVALID)
	})
}

func itemsOutString(r *muster.ItemsOutReport) string {
	s := ""
	for _, m := range r.Members {
		s += m.ServiceNumber + " " + m.Name + " " + m.Unit + ":"
		for i, it := range m.Items {
			if i > 0 {
				s += ","
			}
			s += " " + it.Serial + " " + it.IssuedAt.Format("2006-01-02")
		}
		s += "; "
	}
	return s
}

// errOf returns the error of a call's results.
func errOf[T any](_ T, err error) error { return err }
