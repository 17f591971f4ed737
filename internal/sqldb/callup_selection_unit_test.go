package sqldb_test

import (
	"slices"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestSelectPerUnit: per unit, holders of a required qualification are
// picked first, then yes before late, then the earliest answer; a unit
// with too few gets what there is and says how many it lacks; those
// selected before count; the rest stand by; bad picks change nothing.
func TestSelectPerUnit(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		addMembers(t, db, "GOM-MOZ-1", "M", 1, "MED")
		addMembers(t, db, "GOM-MOZ-1", "N", 3)
		addMembers(t, db, "BRE-PIN", "P", 2)
		c := newCallUp("TD")
		c.Requirements = []muster.Requirement{{Qualification: "MED", Needed: 1}}
		createCallUp(t, db, sqldbtest.System(), c)
		_, tokens := notices(t, db, c.ID)
		for i, a := range []struct {
			sn   string
			kind muster.AnswerKind
		}{{"N1", muster.AnswerYes}, {"N2", muster.AnswerLate}, {"N3", muster.AnswerYes}, {"M1", muster.AnswerYes}, {"P1", muster.AnswerYes}} {
			db.Now = func() time.Time { return sqldbtest.Now.Add(time.Duration(i+1) * time.Minute) }
			answerAs(t, db, tokens[a.sn], a.kind)
		}
		ctx := sqldbtest.As(t, db, muster.RoleCommander, "TD")

		for _, tc := range []struct {
			picks []muster.UnitPick
			code  string
		}{
			{[]muster.UnitPick{{Unit: "GOM-MOZ-1", Count: 1}, {Unit: "NOPE", Count: 1}}, muster.EUNPROCESSABLE},
			{[]muster.UnitPick{{Unit: "GOM-MOZ-1", Count: 0}}, muster.EINVALID},
			{[]muster.UnitPick{{Unit: "GOM-MOZ-1", Count: 1}, {Unit: "GOM-MOZ-1", Count: 2}}, muster.EINVALID},
			{nil, muster.EINVALID},
		} {
			_, err := db.SelectPerUnit(ctx, c.ID, tc.picks)
			wantCode(t, err, tc.code)
		}
		_, err := db.SelectPerUnit(sqldbtest.As(t, db, muster.RoleCommander, "BRE"), c.ID, []muster.UnitPick{{Unit: "BRE-PIN", Count: 1}})
		wantCode(t, err, muster.EFORBIDDEN)
		if got := followUps(t, db, c.ID); got != "" {
			t.Fatalf("refused selections queued %s", got)
		}

		sel, err := db.SelectPerUnit(ctx, c.ID, []muster.UnitPick{{Unit: "GOM-MOZ-1", Count: 3}, {Unit: "BRE-PIN", Count: 5}})
		if err != nil {
			t.Fatal(err)
		}
		want := []muster.UnitPicked{{Unit: "GOM-MOZ-1", Count: 3, Picked: 3, Selected: 3}, {Unit: "BRE-PIN", Count: 5, Picked: 1, Selected: 1, Short: 4}}
		if !slices.Equal(sel.PerUnit, want) || sel.Selected != 4 || sel.Standby != 1 || sel.TotalSelected != 4 || sel.YesOrLate != 5 {
			t.Fatalf("selection %+v, want per unit %+v, 4 selected and N2 on standby", *sel, want)
		}
		// M1 holds MED; N1 and N3 said yes first; N2 is late.
		if got := followUps(t, db, c.ID); got != "M1 sms selected pending, N1 sms selected pending, N2 sms standby pending, N3 sms selected pending, P1 sms selected pending" {
			t.Fatalf("follow-ups: %s", got)
		}

		// A region over the unit: the four selected count, one more is picked.
		sel, err = db.SelectPerUnit(ctx, c.ID, []muster.UnitPick{{Unit: "GOM", Count: 4}})
		if err != nil {
			t.Fatal(err)
		}
		if want := (muster.UnitPicked{Unit: "GOM", Count: 4, Picked: 1, Selected: 4}); len(sel.PerUnit) != 1 || sel.PerUnit[0] != want || sel.Selected != 1 {
			t.Fatalf("second selection %+v, want %+v", *sel, want)
		}
		if n := query(t, db, `SELECT CAST(count(*) AS TEXT) FROM deliveries WHERE callup_id = $1 AND purpose = 'selected'`, c.ID); n != "5" {
			t.Errorf("%s selected messages, want 5: none twice", n)
		}
	})
}
