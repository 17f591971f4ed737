package sqldb_test

import (
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestSummonDryRunAndRole counts a summons without making it, then makes
// it with the participants' role.
func TestSummonDryRunAndRole(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		e := createExercise(t, db, ctx, "GOM", "2027-01-08", "2027-01-31")
		summons := func() *muster.CallUp {
			c := newCallUp("")
			c.Filter.Status = []muster.MemberStatus{muster.StatusActive, muster.StatusReserve}
			return c
		}
		tables := func() string {
			return count(t, db, `SELECT count(*) FROM callups`) + "/" + count(t, db, `SELECT count(*) FROM deliveries`) + "/" +
				count(t, db, `SELECT count(*) FROM exercise_participants`) + "/" + count(t, db, `SELECT count(*) FROM audit_log`)
		}
		before := tables()
		dry := summons()
		if err := db.Summon(ctx, e.ID, muster.SummonInput{CallUp: dry, DryRun: true}); err != nil {
			t.Fatal(err)
		}
		if dry.Targeted != 2 || dry.ID != 0 {
			t.Fatalf("dry run: targeted %d, id %d; want 2 and no call-up", dry.Targeted, dry.ID)
		}
		if after := tables(); after != before {
			t.Fatalf("call-ups/deliveries/participants/audit %s → %s after a dry run", before, after)
		}
		wantCode(t, db.Summon(ctx, e.ID, muster.SummonInput{CallUp: summons(), Role: "general"}), muster.EINVALID)
		c := summons()
		if err := db.Summon(ctx, e.ID, muster.SummonInput{CallUp: c, Role: muster.RoleInstructor}); err != nil {
			t.Fatal(err)
		}
		list, err := db.Participants(ctx, e.ID)
		if err != nil || len(list) != 2 || list[0].Role != muster.RoleInstructor || list[1].Role != muster.RoleInstructor || c.ID == 0 {
			t.Fatalf("participants = %+v, %v", list, err)
		}
	})
}
