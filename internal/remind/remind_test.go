package remind_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/pgtest"
	"github.com/muster-force/muster/internal/remind"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// openTwo opens the same new database twice, as two muster processes do.
func openTwo(t *testing.T, dialect string) [2]*sqldb.DB {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "muster.db")
	if dialect == "postgres" {
		dsn = pgtest.URL(t)
	}
	var dbs [2]*sqldb.DB
	for i := range dbs {
		db, err := sqldb.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		db.Now = func() time.Time { return sqldbtest.Now }
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		dbs[i] = db
	}
	return dbs
}

// TestTwoProcessesRemindOnce races two reminders, each on its own
// database handle, over the same day: one runs it, the other finds it
// done, and each member qualification gets one delivery.
func TestTwoProcessesRemindOnce(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			dbs := openTwo(t, dialect)
			sqldbtest.Seed(t, dbs[0])
			soon := []muster.MemberQualification{{Code: "RIF", Expires: muster.DateOf(sqldbtest.Now).AddDays(10)}}
			if _, err := dbs[0].UpdateMember(sqldbtest.System(), "G1", muster.MemberUpdate{Qualifications: &soon}); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			runs := make([]*muster.ExpiryRun, 2)
			errs := make([]error, 2)
			for i, db := range dbs {
				r := &remind.Reminder{Store: db}
				wg.Go(func() { runs[i], errs[i] = r.Tick(context.Background(), sqldbtest.Now) })
			}
			wg.Wait()
			ran, deliveries := 0, 0
			for i := range runs {
				if errs[i] != nil {
					t.Fatalf("reminder %d: %v", i, errs[i])
				}
				if runs[i].Ran {
					ran++
					deliveries += runs[i].Deliveries
				}
			}
			if ran != 1 || deliveries != 1 {
				t.Fatalf("%d runs with %d deliveries, want 1 run with G1's one SMS", ran, deliveries)
			}
			claimed, err := dbs[1].ClaimDue(sqldbtest.System(), muster.ChannelSMS, sqldbtest.Now, 10, time.Minute)
			if err != nil || len(claimed) != 1 || claimed[0].ServiceNumber != "G1" || claimed[0].Qualification != "RIF" {
				t.Fatalf("claimed %+v, %v; want G1's RIF reminder", claimed, err)
			}
		})
	}
}

// signalling passes runs to the database and says when each is done.
type signalling struct {
	muster.ExpiryReminderService
	done chan *muster.ExpiryRun
}

func (s signalling) RunExpiryReminders(ctx context.Context, now time.Time, o muster.ExpiryOptions) (*muster.ExpiryRun, error) {
	run, err := s.ExpiryReminderService.RunExpiryReminders(ctx, now, o)
	s.done <- run
	return run, err
}

// TestRunTicksAtOnceAndStops runs the loop, which does the day at its
// first tick, and stops it.
func TestRunTicksAtOnceAndStops(t *testing.T) {
	db := sqldbtest.Open(t, "sqlite")
	sqldbtest.Seed(t, db)
	store := signalling{db, make(chan *muster.ExpiryRun, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	r := &remind.Reminder{Store: store, Now: db.Now}
	go func() { done <- r.Run(ctx) }()
	if run := <-store.done; run == nil || !run.Ran {
		t.Fatalf("first tick: %+v, want the day done", run)
	}
	if err := r.Run(ctx); err == nil {
		t.Fatal("a second Run of the same reminder started")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if run, err := db.RunExpiryReminders(sqldbtest.System(), sqldbtest.Now, muster.ExpiryOptions{}); err != nil || run.Ran {
		t.Fatalf("run after the loop's: %+v, %v; want the day done already", run, err)
	}
}
