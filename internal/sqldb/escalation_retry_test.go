package sqldb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// failingRealert creates a call-up short of MED whose re-alert pool's
// unit, GOM-REC, is then renamed, so that the re-alert fails (its unit is
// not found) until the name is put back.
func failingRealert(t *testing.T, db *sqldb.DB) *muster.CallUp {
	t.Helper()
	c := shortOfMED(t, db, 5)
	renameUnit(t, db, "GOM-REC", "GOM-REC-OLD")
	return c
}

func renameUnit(t *testing.T, db *sqldb.DB, from, to string) {
	t.Helper()
	if _, err := db.ExecForTest(context.Background(), `UPDATE units SET code = $1 WHERE code = $2`, to, from); err != nil {
		t.Fatal(err)
	}
}

// timerState returns the call-up's one timer as FindCallUp shows it.
func timerState(t *testing.T, db *sqldb.DB, id int64) muster.EscalationTimer {
	t.Helper()
	c, err := db.FindCallUp(sqldbtest.System(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.EscalationStatus) != 1 {
		t.Fatalf("escalation status %+v, want one timer", c.EscalationStatus)
	}
	return c.EscalationStatus[0]
}

// TestTimerFailureBacksOffAndGivesUp: a re-alert that fails is tried
// again only after a backoff that doubles from 30 seconds up to 10
// minutes, and given up, failed, after the eighth attempt; the pool is
// never added and nothing else is tried after that.
func TestTimerFailureBacksOffAndGivesUp(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		c := failingRealert(t, db)
		at := sqldbtest.Now.Add(time.Hour)
		waits := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 10 * time.Minute, 10 * time.Minute}
		for attempt := 1; attempt <= 8; attempt++ {
			n, err := db.ApplyDueTimers(sqldbtest.System(), at)
			if n != 0 || err == nil || !strings.Contains(err.Error(), "GOM-REC") {
				t.Fatalf("attempt %d at %s: applied %d, %v; want a failure naming the unit", attempt, at, n, err)
			}
			s := timerState(t, db, c.ID)
			if s.Attempts != attempt || !strings.Contains(s.Error, "GOM-REC") {
				t.Fatalf("after attempt %d: %+v", attempt, s)
			}
			if attempt == 8 {
				if s.State != muster.TimerFailed || s.DoneAt == nil || !s.DoneAt.Equal(at) {
					t.Fatalf("after the last attempt: %+v, want failed at %s", s, at)
				}
				break
			}
			wait := waits[attempt-1]
			if s.State != muster.TimerRetrying || s.RetryAt == nil || !s.RetryAt.Equal(at.Add(wait)) {
				t.Fatalf("after attempt %d: %+v, want retrying at +%s", attempt, s, wait)
			}
			// Not tried before the backoff ends.
			if n, err := db.ApplyDueTimers(sqldbtest.System(), at.Add(wait-time.Second)); n != 0 || err != nil {
				t.Fatalf("before the backoff ends: applied %d, %v", n, err)
			}
			at = at.Add(wait)
		}
		if n, err := db.ApplyDueTimers(sqldbtest.System(), at.Add(24*time.Hour)); n != 0 || err != nil {
			t.Fatalf("after giving up: applied %d, %v; want nothing tried", n, err)
		}
		if s := timerState(t, db, c.ID); s.Attempts != 8 || s.State != muster.TimerFailed {
			t.Fatalf("given-up timer changed: %+v", s)
		}
		if n := query(t, db, `SELECT CAST(count(*) AS TEXT) FROM callup_members WHERE callup_id = $1 AND wave > 0`, c.ID); n != "0" {
			t.Errorf("a failed re-alert added %s members", n)
		}
		if n := query(t, db, `SELECT CAST(count(*) AS TEXT) FROM audit_log WHERE action = 'callup.escalation_failed'`); n != "1" {
			t.Errorf("%s audit entries of the failure, want 1", n)
		}
	})
}

// TestTimerRetrySucceeds: once the cause is fixed, the next retry applies
// the timer; its failed attempts stay counted.
func TestTimerRetrySucceeds(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		c := failingRealert(t, db)
		at := sqldbtest.Now.Add(time.Hour)
		if _, err := db.ApplyDueTimers(sqldbtest.System(), at); err == nil {
			t.Fatal("the re-alert of a renamed unit applied")
		}
		renameUnit(t, db, "GOM-REC-OLD", "GOM-REC")
		if n, err := db.ApplyDueTimers(sqldbtest.System(), at.Add(30*time.Second)); n != 1 || err != nil {
			t.Fatalf("retry: applied %d, %v; want 1", n, err)
		}
		if s := timerState(t, db, c.ID); s.State != muster.TimerDone || s.Attempts != 1 || s.RetryAt != nil {
			t.Fatalf("after the retry: %+v, want done after 1 failed attempt", s)
		}
		if n := query(t, db, `SELECT CAST(count(*) AS TEXT) FROM callup_members WHERE callup_id = $1 AND wave > 0`, c.ID); n != "2" {
			t.Errorf("the retried re-alert added %s members, want P1 and P2", n)
		}
	})
}
