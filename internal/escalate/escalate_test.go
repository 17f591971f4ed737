package escalate_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/escalate"
	"github.com/muster-force/muster/internal/pgtest"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// reminderCallUp calls up GOM-MOZ-1 by SMS with a reminder after 30
// minutes; the seed's G1 is its one member, with a phone.
func reminderCallUp(t *testing.T, db *sqldb.DB) *muster.CallUp {
	t.Helper()
	sqldbtest.Seed(t, db)
	c := &muster.CallUp{Title: "Exercise", Kind: muster.CallUpExercise, Unit: "GOM-MOZ-1", Message: "Report.",
		ReportBy: sqldbtest.Now.Add(24 * time.Hour), Channels: []muster.Channel{muster.ChannelSMS},
		Escalation: muster.Escalation{Reminders: []muster.Duration{muster.Duration(30 * time.Minute)}}}
	if err := db.CreateCallUp(sqldbtest.System(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

func reminders(t *testing.T, db *sqldb.DB, id int64) int {
	t.Helper()
	s, err := db.DeliveryStatuses(sqldbtest.System(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s[muster.ChannelSMS][muster.DeliveryHeld]
}

func TestTickAppliesDueTimersOnce(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		c := reminderCallUp(t, db)
		e := &escalate.Escalator{Store: db}
		for _, tc := range []struct {
			after time.Duration
			want  int
		}{{29 * time.Minute, 0}, {30 * time.Minute, 1}, {31 * time.Minute, 0}} {
			n, err := e.Tick(context.Background(), sqldbtest.Now.Add(tc.after))
			if err != nil || n != tc.want {
				t.Fatalf("tick at +%s: applied %d, %v; want %d", tc.after, n, err, tc.want)
			}
		}
		if n := reminders(t, db, c.ID); n != 1 {
			t.Fatalf("%d reminders held for G1, want 1", n)
		}
	})
}

// clockAt counts its calls and answers a time after the reminder is due.
type clockAt struct{ calls atomic.Int64 }

func (c *clockAt) Now() time.Time { c.calls.Add(1); return sqldbtest.Now.Add(time.Hour) }

func TestRunTicksUntilStopped(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		c := reminderCallUp(t, db)
		clk := &clockAt{}
		e := &escalate.Escalator{Store: db, Interval: 5 * time.Millisecond, Now: clk.Now,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- e.Run(ctx) }()
		deadline := time.Now().Add(30 * time.Second)
		for clk.calls.Load() < 3 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if err := e.Run(ctx); err == nil {
			t.Error("a second Run of a running escalator returned nil")
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if clk.calls.Load() < 3 {
			t.Fatalf("ticked %d times in 30 s", clk.calls.Load())
		}
		if n := reminders(t, db, c.ID); n != 1 {
			t.Fatalf("%d reminders held for G1 after many ticks, want 1", n)
		}
	})
}
