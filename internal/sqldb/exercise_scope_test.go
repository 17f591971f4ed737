package sqldb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestExerciseHoldsItsUnit: an exercise's participants, added by hand or
// summoned through a call-up, are members of its unit's subtree, even for
// an actor who sees them all.
func TestExerciseHoldsItsUnit(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		sys := sqldbtest.System()
		e := createExercise(t, db, sys, "GOM-MOZ", "2027-01-08", "2027-01-10")
		for _, actor := range []context.Context{sys, sqldbtest.As(t, db, muster.RoleCommander, "TD")} {
			who := muster.ActorFrom(actor).Label()
			err := db.AddParticipants(actor, e.ID, muster.ParticipantsInput{ServiceNumbers: []string{"G1", "B1", "G2"}})
			wantCode(t, err, muster.EUNPROCESSABLE)
			d := muster.ErrorDetails(err)
			if len(d) != 1 || d[0].Field != "service_numbers[1]" || !strings.Contains(d[0].Message, "B1 is outside the exercise's unit (GOM-MOZ)") {
				t.Fatalf("%s: details %+v", who, d)
			}
			c := newCallUp("GOM")
			err = db.Summon(actor, e.ID, muster.SummonInput{CallUp: c})
			wantCode(t, err, muster.EINVALID)
			if d := muster.ErrorDetails(err); len(d) != 1 || d[0].Field != "unit" {
				t.Fatalf("%s: summons of GOM: %v", who, err)
			}
		}
		if n := count(t, db, `SELECT count(*) FROM exercise_participants`) + "/" + count(t, db, `SELECT count(*) FROM callups`); n != "0/0" {
			t.Fatalf("participants/call-ups %s after refusals", n)
		}
		c := newCallUp("GOM-MOZ-1")
		if err := db.Summon(sys, e.ID, muster.SummonInput{CallUp: c}); err != nil || c.Targeted != 1 {
			t.Fatalf("summons of GOM-MOZ-1: targeted %d, %v", c.Targeted, err)
		}
		if err := db.AddParticipants(sys, e.ID, muster.ParticipantsInput{ServiceNumbers: []string{"G2"}}); err != nil {
			t.Fatal(err)
		}
	})
}
