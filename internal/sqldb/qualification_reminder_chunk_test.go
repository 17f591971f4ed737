package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// addExpiring adds n active members X01, X02, … to GOM-MOZ-1 whose
// qualifications expire from today on: X(i) holds RIF until 3i days on,
// and when i is even MED until 2i+1 days on; every third has no contact,
// the others a phone or an e-mail address in turn.
func addExpiring(t testing.TB, db *sqldb.DB, n int) {
	t.Helper()
	birth, _ := muster.ParseDate("1990-05-17")
	today := muster.DateOf(sqldbtest.Now)
	for i := 1; i <= n; i++ {
		m := muster.Member{ServiceNumber: fmt.Sprintf("X%02d", i), FamilyName: "Срок", GivenName: fmt.Sprintf("Номер %d", i),
			BirthDate: birth, Unit: "GOM-MOZ-1", Status: muster.StatusActive,
			Qualifications: []muster.MemberQualification{{Code: "RIF", Expires: today.AddDays(3 * i)}}}
		switch i % 3 {
		case 1:
			m.Phone = fmt.Sprintf("+37533%07d", i)
		case 2:
			m.Email = fmt.Sprintf("x%02d@example.org", i)
		}
		if i%2 == 0 {
			m.Qualifications = append(m.Qualifications, muster.MemberQualification{Code: "MED", Expires: today.AddDays(2*i + 1)})
		}
		if err := db.CreateMember(sqldbtest.System(), &m); err != nil {
			t.Fatalf("member %s: %v", m.ServiceNumber, err)
		}
	}
}

// column returns the query's first column of every row.
func column(t testing.TB, db *sqldb.DB, q string, args ...any) []string {
	t.Helper()
	out, err := db.QueryStrings(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

// expiryTables returns the expiry reminders and their deliveries as text,
// sorted, and fails the test when a reminder has more than one delivery.
func expiryTables(t testing.TB, db *sqldb.DB) (reminders, deliveries []string) {
	t.Helper()
	reminders = column(t, db, `SELECT m.service_number || ' ' || q.code || ' ' || r.expires_on || ' ' || CAST(r.lead_days AS TEXT) || ' ' || r.day
		FROM expiry_reminders r JOIN members m ON m.id = r.member_id JOIN qualifications q ON q.id = r.qualification_id ORDER BY 1`)
	deliveries = column(t, db, `SELECT m.service_number || ' ' || q.code || ' ' || d.channel || ' ' || d.address || ' ' || d.status || ' ' || CAST(d.priority AS TEXT)
		FROM deliveries d JOIN members m ON m.id = d.member_id JOIN expiry_reminders r ON r.id = d.reminder_id
		JOIN qualifications q ON q.id = r.qualification_id WHERE d.purpose = 'expiry' ORDER BY 1`)
	if dup := column(t, db, `SELECT CAST(reminder_id AS TEXT) FROM deliveries WHERE reminder_id <> 0 GROUP BY reminder_id HAVING count(*) > 1`); len(dup) > 0 {
		t.Errorf("reminders with more than one delivery: %v", dup)
	}
	return reminders, deliveries
}

// wholeRun is what the day's reminders of the fixture record when done
// in one chunk, as the run did before it was chunked.
type wholeRun struct {
	run                   muster.ExpiryRun
	reminders, deliveries []string
}

// wholeRuns caches a wholeRun per dialect: the chunk tests compare with
// it, and it costs a database of its own.
var wholeRuns = map[string]*wholeRun{}

// whole returns the wholeRun of the dialect, doing it the first time on a
// database of its own.
func whole(t *testing.T, dialect string) *wholeRun {
	t.Helper()
	if w := wholeRuns[dialect]; w != nil {
		return w
	}
	db := sqldbtest.Open(t, dialect)
	seedExpiring(t, db)
	addExpiring(t, db, 24)
	run, err := db.RunExpiryReminders(sqldbtest.System(), sqldbtest.Now, muster.ExpiryOptions{ChunkSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	w := &wholeRun{run: *run}
	w.reminders, w.deliveries = expiryTables(t, db)
	if len(w.reminders) < 20 || len(w.deliveries) < 10 {
		t.Fatalf("the fixture reminds too little to test chunks: %d reminders, %d deliveries", len(w.reminders), len(w.deliveries))
	}
	wholeRuns[dialect] = w
	return w
}

// sameAsWhole fails the test unless db recorded what w did.
func sameAsWhole(t *testing.T, db *sqldb.DB, run *muster.ExpiryRun, w *wholeRun) {
	t.Helper()
	if run == nil || *run != w.run {
		t.Errorf("run = %+v, in one chunk %+v", run, w.run)
	}
	reminders, deliveries := expiryTables(t, db)
	sameList(t, "reminders", reminders, w.reminders)
	sameList(t, "deliveries", deliveries, w.deliveries)
}

func TestExpiryRemindersInChunks(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		w := whole(t, db.Dialect())
		seedExpiring(t, db)
		addExpiring(t, db, 24)
		chunks := 0
		run, err := db.RunExpiryReminders(sqldbtest.System(), sqldbtest.Now, muster.ExpiryOptions{ChunkSize: 4,
			Progress: func(muster.ExpiryRun) { chunks++ }})
		if err != nil {
			t.Fatal(err)
		}
		if chunks < 5 {
			t.Errorf("%d chunks of 4 for %d reminders", chunks, w.run.Reminders)
		}
		sameAsWhole(t, db, run, w)
	})
}

// TestExpiryRunResumes interrupts a run after its second chunk, and then
// runs the day again: it finishes the run, with the same reminders and
// deliveries as a run that was never interrupted and none twice.
func TestExpiryRunResumes(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		w := whole(t, db.Dialect())
		seedExpiring(t, db)
		addExpiring(t, db, 24)
		ctx, cancel := context.WithCancel(sqldbtest.System())
		defer cancel()
		chunks := 0
		_, err := db.RunExpiryReminders(ctx, sqldbtest.Now, muster.ExpiryOptions{ChunkSize: 4, Progress: func(muster.ExpiryRun) {
			if chunks++; chunks == 2 {
				cancel()
			}
		}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted run: %v, want context.Canceled", err)
		}
		if got, _ := expiryTables(t, db); len(got) == 0 || len(got) >= len(w.reminders) {
			t.Fatalf("after two chunks: %d reminders of %d", len(got), len(w.reminders))
		}
		run, err := db.RunExpiryReminders(sqldbtest.System(), sqldbtest.Now, muster.ExpiryOptions{ChunkSize: 4})
		if err != nil {
			t.Fatal(err)
		}
		sameAsWhole(t, db, run, w)
		if run, err := db.RunExpiryReminders(sqldbtest.System(), sqldbtest.Now, muster.ExpiryOptions{}); err != nil || run.Ran {
			t.Fatalf("a run after the finished one = %+v, %v; want not ran", run, err)
		}
	})
}

// TestExpiryRunTakenOver stalls a run after its second chunk as a
// process that hangs or dies would: a second run the same day does
// nothing while the first one's lease holds, takes the day over once it
// has run out and finishes it; the first run, when it wakes, stops.
func TestExpiryRunTakenOver(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		w := whole(t, db.Dialect())
		seedExpiring(t, db)
		addExpiring(t, db, 24)
		chunks := 0
		var second *muster.ExpiryRun
		_, err := db.RunExpiryReminders(sqldbtest.System(), sqldbtest.Now, muster.ExpiryOptions{ChunkSize: 4, Progress: func(muster.ExpiryRun) {
			if chunks++; chunks != 2 {
				return
			}
			if run, err := db.RunExpiryReminders(sqldbtest.System(), sqldbtest.Now, muster.ExpiryOptions{ChunkSize: 4}); err != nil || run.Ran {
				t.Errorf("a second run while the first holds the day = %+v, %v; want not ran", run, err)
			}
			later := sqldbtest.Now.Add(3 * time.Minute)
			db.Now = func() time.Time { return later }
			var err error
			if second, err = db.RunExpiryReminders(sqldbtest.System(), sqldbtest.Now, muster.ExpiryOptions{ChunkSize: 4}); err != nil {
				t.Errorf("take over: %v", err)
			}
		}})
		if muster.ErrorCode(err) != muster.ECONFLICT {
			t.Fatalf("the stalled run: %v, want ECONFLICT (taken over)", err)
		}
		sameAsWhole(t, db, second, w)
	})
}
