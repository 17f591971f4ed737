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

// TestCheckInsAndReachedMoveKeptCounts: a check-in and a notice reached
// move the members in the kept counts when they commit, so the counts are
// at the new callup_changes n before anyone reads them (no recount), and
// they equal a recount's; each wakes those waiting on the call-up.
func TestCheckInsAndReachedMoveKeptCounts(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		readinessForce(t, db)
		c := readinessCallUp(t, db)
		fresh, err := db.OpenAgain(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer fresh.Close()
		fresh.Now = db.Now
		_, tokens := notices(t, db, c.ID)
		answerAs(t, db, tokens["M1"], muster.AnswerYes)
		sameReadiness(t, db, fresh, c.ID, "before") // counts kept from here on
		changes := func() string {
			return query(t, db, `SELECT CAST(n AS TEXT) FROM callup_changes WHERE callup_id = $1`, c.ID)
		}
		wantKeptAt := func(step string) {
			t.Helper()
			if n, ok := db.KeptReadiness(c.ID); !ok || fmt.Sprint(n) != changes() {
				t.Fatalf("%s: kept counts at %d (%v), want them moved to n %s without a read", step, n, ok, changes())
			}
			sameReadiness(t, db, fresh, c.ID, step)
		}
		woken := db.ReadinessChanged(c.ID)
		for _, sn := range []string{"M1", "N2"} { // answered yes, and not answered
			if err := db.CheckIn(sqldbtest.System(), c.ID, sn); err != nil {
				t.Fatal(err)
			}
			wantKeptAt("check-in of " + sn)
		}
		select {
		case <-woken:
		default:
			t.Error("a check-in did not wake those waiting on the call-up")
		}
		woken = db.ReadinessChanged(c.ID)
		mail := claim(t, db, muster.ChannelEmail, sqldbtest.Now, 3)
		if len(mail) != 3 {
			t.Fatalf("claimed %d e-mails", len(mail))
		}
		for _, d := range mail {
			if err := db.MarkSent(context.Background(), d.ID, fmt.Sprintf("<%d@muster>", d.ID)); err != nil {
				t.Fatal(err)
			}
			wantKeptAt("e-mail to " + d.ServiceNumber + " reached")
		}
		select {
		case <-woken:
		default:
			t.Error("a notice reached did not wake those waiting on the call-up")
		}
		// A re-alert adds members: the counts are dropped and recounted.
		woken = db.ReadinessChanged(c.ID)
		if _, err := db.ApplyDueTimers(sqldbtest.System(), sqldbtest.Now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		select {
		case <-woken:
		default:
			t.Error("a re-alert did not wake those waiting on the call-up")
		}
		sameReadiness(t, db, fresh, c.ID, "after the re-alert")
		if n := query(t, db, `SELECT CAST(count(*) AS TEXT) FROM callup_moves`); n != "0" {
			t.Errorf("%s moves left in the journal", n)
		}
	})
}
