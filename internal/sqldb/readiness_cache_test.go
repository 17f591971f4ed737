package sqldb_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// readinessForce adds members with and without the qualifications the
// readiness cache's call-up requires: active in GOM-MOZ-1, reservists in
// GOM-REC, both in its unit GOM.
func readinessForce(t *testing.T, db *sqldb.DB) {
	sqldbtest.Seed(t, db)
	addMembers(t, db, "GOM-MOZ-1", "M", 6, "MED")
	addMembers(t, db, "GOM-MOZ-1", "N", 4)
	addReservists(t, db, "P", 4, "MED", "RIF")
	addReservists(t, db, "Q", 3, "RIF")
}

// readinessCallUp calls up GOM by e-mail, requiring more MED holders than
// it has, so that its re-alert an hour later adds GOM-REC's reservists.
func readinessCallUp(t *testing.T, db *sqldb.DB) *muster.CallUp {
	c := newCallUp("GOM")
	c.Channels = []muster.Channel{muster.ChannelEmail}
	c.Requirements = []muster.Requirement{{Qualification: "MED", Needed: 9}, {Qualification: "RIF", Needed: 1}}
	c.Escalation.Realert = reservePool(time.Hour)
	return createCallUp(t, db, sqldbtest.System(), c)
}

// sameReadiness fails unless db's readiness of the call-up, at a few
// units and depths, equals a fresh recount's (by fresh, another handle
// whose kept counts are dropped first).
func sameReadiness(t *testing.T, db, fresh *sqldb.DB, id int64, step string) {
	t.Helper()
	for _, unit := range []string{"", "GOM-MOZ", "GOM-MOZ-1"} {
		got, err := db.Readiness(sqldbtest.System(), id, unit, 3)
		if err != nil {
			t.Fatalf("%s: readiness of %q: %v", step, unit, err)
		}
		fresh.ForgetReadiness()
		want, err := fresh.Readiness(sqldbtest.System(), id, unit, 3)
		if err != nil {
			t.Fatalf("%s: fresh readiness of %q: %v", step, unit, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: readiness of %q\n%+v\nwant (recounted)\n%+v", step, unit, got, want)
		}
	}
	if err := db.CountsMatchMembers(context.Background(), id); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// openAgain opens a second handle on db's database, closed with the test.
func openAgain(t *testing.T, db *sqldb.DB) *sqldb.DB {
	t.Helper()
	other, err := db.OpenAgain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return other
}

// TestReadinessCacheMatchesRecount runs a seeded random sequence of
// answers, check-ins, deliveries reached and a re-alert, and compares the
// readiness after each step with a fresh recount.
func TestReadinessCacheMatchesRecount(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		readinessForce(t, db)
		c := readinessCallUp(t, db)
		fresh := openAgain(t, db)
		ctx := sqldbtest.System()
		_, tokens := notices(t, db, c.ID)
		members := func() []string {
			var list []string
			for sn := range tokens {
				list = append(list, sn)
			}
			return list
		}
		list := members()
		rng := rand.New(rand.NewPCG(2026, 11))
		kinds := []muster.AnswerKind{muster.AnswerYes, muster.AnswerLate, muster.AnswerNo}
		sameReadiness(t, db, fresh, c.ID, "start")
		realerted, fromCache := false, 0
		checkedIn := map[string]bool{}
		for i := range 120 {
			var step string
			switch op := rng.IntN(100); {
			case op < 60:
				sn, kind := list[rng.IntN(len(list))], kinds[rng.IntN(len(kinds))]
				if checkedIn[sn] {
					// A member checked in may not answer any more.
					step = fmt.Sprintf("step %d: %s, checked in, is refused %s", i, sn, kind)
					wantCode(t, db.SaveAnswer(ctx, tokens[sn], &muster.Answer{Answer: muster.AnswerNo}), muster.ECONFLICT)
					break
				}
				step = fmt.Sprintf("step %d: %s answers %s", i, sn, kind)
				answerAs(t, db, tokens[sn], kind)
				// The writer moved the member in the kept counts.
				if n, ok := db.KeptReadiness(c.ID); !ok || fmt.Sprint(n) != query(t, db, `SELECT CAST(n AS TEXT) FROM callup_changes WHERE callup_id = $1`, c.ID) {
					t.Fatalf("%s: kept counts at %d (%v), not at the call-up's changes", step, n, ok)
				}
				fromCache++
			case op < 75:
				sn := list[rng.IntN(len(list))]
				step = fmt.Sprintf("step %d: %s checks in", i, sn)
				if err := db.CheckIn(ctx, c.ID, sn); err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				checkedIn[sn] = true
			case op < 90:
				step = fmt.Sprintf("step %d: an e-mail is sent", i)
				for _, d := range claim(t, db, muster.ChannelEmail, sqldbtest.Now.Add(2*time.Hour), 1) {
					if err := db.MarkSent(context.Background(), d.ID, fmt.Sprintf("<%d@muster>", d.ID)); err != nil {
						t.Fatalf("%s: %v", step, err)
					}
				}
			case !realerted:
				step = fmt.Sprintf("step %d: re-alert", i)
				if _, err := db.ApplyDueTimers(ctx, sqldbtest.Now.Add(time.Hour)); err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				_, tokens = notices(t, db, c.ID)
				if len(tokens) == len(list) {
					t.Fatalf("%s added nobody", step)
				}
				list, realerted = members(), true
			default:
				step = fmt.Sprintf("step %d: nothing", i)
			}
			sameReadiness(t, db, fresh, c.ID, step)
		}
		if !realerted || fromCache < 40 {
			t.Fatalf("re-alerted %v, %d answers from the kept counts: the sequence missed its cases", realerted, fromCache)
		}
	})
}

// TestReadinessCacheFailedBatch makes an answer batch fail at its last
// statement and checks that the kept counts did not move.
func TestReadinessCacheFailedBatch(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		readinessForce(t, db)
		c := readinessCallUp(t, db)
		fresh := openAgain(t, db)
		_, tokens := notices(t, db, c.ID)
		answerAs(t, db, tokens["M1"], muster.AnswerYes)
		before, err := db.Readiness(sqldbtest.System(), c.ID, "", 3)
		if err != nil {
			t.Fatal(err)
		}
		kept, _ := db.KeptReadiness(c.ID)
		// A second answer of M1 breaks this index: its batch updates M1's
		// row and bumps the changes, then fails appending the history.
		if _, err := db.ExecForTest(context.Background(), `CREATE UNIQUE INDEX one_answer ON callup_answers(callup_id, member_id)`); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveAnswer(sqldbtest.System(), tokens["M1"], &muster.Answer{Answer: muster.AnswerNo}); err == nil {
			t.Fatal("the second answer was saved despite the unique index")
		}
		if n, ok := db.KeptReadiness(c.ID); !ok || n != kept {
			t.Fatalf("kept counts at %d (%v) after the failed batch, want %d", n, ok, kept)
		}
		after, err := db.Readiness(sqldbtest.System(), c.ID, "", 3)
		if err != nil || !reflect.DeepEqual(after, before) || after.Yes != 1 {
			t.Fatalf("after the failed batch %+v, %v; want %+v", after, err, before)
		}
		if _, err := db.ExecForTest(context.Background(), `DROP INDEX one_answer`); err != nil {
			t.Fatal(err)
		}
		answerAs(t, db, tokens["M1"], muster.AnswerNo)
		sameReadiness(t, db, fresh, c.ID, "after the index is gone")
	})
}

// TestReadinessCacheTwoProcesses answers through one handle and reads the
// readiness through another, as two muster processes on one database do:
// the other's answers show at once, its own stay kept.
func TestReadinessCacheTwoProcesses(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		readinessForce(t, db)
		c := readinessCallUp(t, db)
		other := openAgain(t, db)
		fresh := openAgain(t, db)
		_, tokens := notices(t, db, c.ID)
		sameReadiness(t, db, fresh, c.ID, "start")
		for i, sn := range []string{"M1", "M2", "N1", "M3", "M4", "N2"} {
			via := db
			if i%2 == 1 {
				via = other
			}
			answerAs(t, via, tokens[sn], muster.AnswerYes)
			r, err := db.Readiness(sqldbtest.System(), c.ID, "", 0)
			if err != nil || r.Yes != i+1 {
				t.Fatalf("after %s's answer: %d yes, %v; want %d", sn, r.Yes, err, i+1)
			}
			sameReadiness(t, db, fresh, c.ID, sn)
			sameReadiness(t, other, fresh, c.ID, sn)
		}
	})
}

// TestReadinessCacheConcurrent answers, checks in and reads at once (run
// it with -race) and then compares with a recount.
func TestReadinessCacheConcurrent(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		readinessForce(t, db)
		c := readinessCallUp(t, db)
		fresh := openAgain(t, db)
		_, tokens := notices(t, db, c.ID)
		var wg sync.WaitGroup
		for sn, token := range tokens {
			wg.Go(func() {
				for _, kind := range []muster.AnswerKind{muster.AnswerNo, muster.AnswerYes} {
					if err := db.SaveAnswer(sqldbtest.System(), token, &muster.Answer{Answer: kind}); err != nil {
						t.Errorf("%s answers: %v", sn, err)
					}
				}
				if err := db.CheckIn(sqldbtest.System(), c.ID, sn); err != nil {
					t.Errorf("%s checks in: %v", sn, err)
				}
			})
			wg.Go(func() {
				if _, err := db.Readiness(sqldbtest.System(), c.ID, "", 2); err != nil {
					t.Errorf("readiness: %v", err)
				}
			})
		}
		wg.Wait()
		sameReadiness(t, db, fresh, c.ID, "end")
		r, err := db.Readiness(sqldbtest.System(), c.ID, "", 0)
		if err != nil || r.Yes != len(tokens) || r.CheckedIn != len(tokens) {
			t.Fatalf("end: %+v, %v; want all %d yes and checked in", r, err, len(tokens))
		}
	})
}

// TestReadinessCatchesUp reads the readiness between a commit and the
// writer's applying it to the kept counts, as a storm's readers often do:
// the read waits for the writer rather than recount. A commit by another
// process, which nobody here applies, is recounted after the wait.
func TestReadinessCatchesUp(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		readinessForce(t, db)
		c := readinessCallUp(t, db)
		ctx := sqldbtest.System()
		fresh := openAgain(t, db)
		sameReadiness(t, db, fresh, c.ID, "start")
		recounts := db.ReadinessRecounts()

		// A wait long enough that the apply below comes within it on
		// any machine; the read returns at the apply, not after the wait.
		db.SetReadinessCatchUp(time.Minute)
		apply, err := db.CommitUnapplied(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		read := make(chan error, 1)
		go func() {
			_, err := db.Readiness(ctx, c.ID, "", 0)
			read <- err
		}()
		select {
		case err := <-read:
			t.Fatalf("the read returned (%v) before the writer applied its commit", err)
		case <-time.After(20 * time.Millisecond):
		}
		apply()
		if err := <-read; err != nil {
			t.Fatal(err)
		}
		if n := db.ReadinessRecounts(); n != recounts {
			t.Errorf("%d recounts after the writer caught up, want none", n-recounts)
		}
		if v, ok := db.KeptReadiness(c.ID); !ok || v == 0 {
			t.Errorf("kept counts at n %d (%v) after the catch-up", v, ok)
		}

		// Another process's answer: nobody here applies it.
		db.SetReadinessCatchUp(time.Millisecond)
		other := openAgain(t, db)
		_, tokens := notices(t, db, c.ID)
		answerAs(t, other, tokens["M1"], muster.AnswerYes)
		r, err := db.Readiness(ctx, c.ID, "", 0)
		if err != nil || r.Yes != 1 {
			t.Fatalf("after another process's answer: %d yes, %v; want 1", r.Yes, err)
		}
		if n := db.ReadinessRecounts(); n != recounts+1 {
			t.Errorf("%d recounts after another process's answer, want 1", n-recounts)
		}
		sameReadiness(t, db, fresh, c.ID, "after another process's answer")
	})
}
