package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// checkLastAnswers checks that each member's current answer of the
// call-up is the last one of its history.
func checkLastAnswers(t *testing.T, db *sqldb.DB, callupID int64) {
	t.Helper()
	bad := count(t, db, `SELECT CAST(count(*) AS TEXT) FROM callup_members cm
		WHERE cm.callup_id = $1 AND cm.reason <> (SELECT a.reason FROM callup_answers a
			WHERE a.callup_id = cm.callup_id AND a.member_id = cm.member_id ORDER BY a.id DESC LIMIT 1)`, callupID)
	if bad != "0" {
		t.Errorf("%s members' current answer is not their last", bad)
	}
}

// TestSaveAnswerConcurrent sends 200 answers at once, spread over the
// members of an open and a closed call-up: every answer to the open one is
// stored once, every one to the closed one fails alone.
func TestSaveAnswerConcurrent(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		closed, closedTokens := everyone(t, db)
		open := newCallUp("TD")
		open.Filter.Status = []muster.MemberStatus{muster.StatusActive, muster.StatusReserve}
		open.ReportBy = sqldbtest.Now.Add(72 * time.Hour)
		createCallUp(t, db, sqldbtest.System(), open)
		_, openTokens := notices(t, db, open.ID)
		db.Now = func() time.Time { return closed.ReportBy.Add(25 * time.Hour) }

		members := []string{"G1", "G2", "B1"}
		const n = 200
		errs := make([]error, n)
		before := db.AnswerStats()
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				tokens := openTokens
				if i%4 == 3 {
					tokens = closedTokens
				}
				a := &muster.Answer{Answer: muster.AnswerNo, Reason: fmt.Sprintf("r%03d", i)}
				errs[i] = db.SaveAnswer(context.Background(), tokens[members[i%3]], a)
			})
		}
		wg.Wait()
		stored := 0
		for i, err := range errs {
			if i%4 == 3 {
				wantCode(t, err, muster.ECONFLICT)
				continue
			}
			if err != nil {
				t.Fatalf("answer %d: %v", i, err)
			}
			stored++
			if got := count(t, db, `SELECT CAST(count(*) AS TEXT) FROM callup_answers WHERE callup_id = $1 AND reason = $2`,
				open.ID, fmt.Sprintf("r%03d", i)); got != "1" {
				t.Errorf("answer %d stored %s times", i, got)
			}
		}
		if got := count(t, db, `SELECT CAST(count(*) AS TEXT) FROM callup_answers WHERE callup_id = $1`, open.ID); got != fmt.Sprint(stored) {
			t.Errorf("%s answers in the history, want %d", got, stored)
		}
		if got := count(t, db, `SELECT CAST(count(*) AS TEXT) FROM callup_answers WHERE callup_id = $1`, closed.ID); got != "0" {
			t.Errorf("%s answers to the closed call-up", got)
		}
		checkLastAnswers(t, db, open.ID)
		after := db.AnswerStats()
		answers, batches := after.Answers-before.Answers, after.Batches-before.Batches
		if answers != int64(stored) || batches < 1 || batches > n || after.Busy <= before.Busy {
			t.Errorf("writer stats: %d answers in %d batches, busy %v more; want %d answers in 1 to %d batches, busy longer",
				answers, batches, after.Busy-before.Busy, stored, n)
		}
	})
}

// TestSaveAnswerCancelled cancels callers while their answers wait: an
// answer whose SaveAnswer returned nil is stored once, one that returned an
// error is not stored at all.
func TestSaveAnswerCancelled(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		c, tokens := everyone(t, db)
		members := []string{"G1", "G2", "B1"}
		const n = 300
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%30)*300*time.Microsecond)
				defer cancel()
				a := &muster.Answer{Answer: muster.AnswerNo, Reason: fmt.Sprintf("r%03d", i)}
				errs[i] = db.SaveAnswer(ctx, tokens[members[i%3]], a)
			})
		}
		wg.Wait()
		var ok, failed int
		for i, err := range errs {
			want := "1"
			if err != nil {
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("answer %d: %v", i, err)
				}
				want = "0"
				failed++
			} else {
				ok++
			}
			if got := count(t, db, `SELECT CAST(count(*) AS TEXT) FROM callup_answers WHERE reason = $1`, fmt.Sprintf("r%03d", i)); got != want {
				t.Errorf("answer %d (err %v) stored %s times", i, err, got)
			}
		}
		t.Logf("%d stored, %d withdrawn", ok, failed)
		checkLastAnswers(t, db, c.ID)
	})
}

// TestSaveAnswerAfterClose: a closed database refuses answers.
func TestSaveAnswerAfterClose(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		_, tokens := everyone(t, db)
		answer(t, db, tokens["G1"], muster.Answer{Answer: muster.AnswerYes})
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveAnswer(context.Background(), tokens["G2"], &muster.Answer{Answer: muster.AnswerYes}); err == nil || !strings.Contains(err.Error(), "closed") {
			t.Fatalf("a closed database answered %v", err)
		}
	})
}
