package periodic

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestJobRun runs a job on a short interval: it ticks at once with the
// given clock, ticks again, refuses a second Run meanwhile, returns nil
// when its context ends, and can then run again.
func TestJobRun(t *testing.T) {
	var j Job
	clock := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	var ticks atomic.Int32
	seen := make(chan time.Time, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- j.Run(ctx, "test: the job", time.Millisecond, func() time.Time { return clock }, func(_ context.Context, now time.Time) {
			ticks.Add(1)
			select {
			case seen <- now:
			default: // the test reads only the first few
			}
		})
	}()
	if now := <-seen; !now.Equal(clock) {
		t.Errorf("tick at %v, want the job's clock %v", now, clock)
	}
	<-seen // a second tick, after the interval
	err := j.Run(context.Background(), "test: the job", time.Millisecond, nil, func(context.Context, time.Time) {
		t.Error("a second Run ticked")
	})
	if err == nil || !strings.Contains(err.Error(), "test: the job is running already") {
		t.Errorf("a second Run: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run returned %v when its context ended, want nil", err)
	}
	again, stop := context.WithCancel(context.Background())
	stop()
	if err := j.Run(again, "test: the job", time.Hour, nil, func(context.Context, time.Time) { ticks.Add(1) }); err != nil {
		t.Errorf("Run after the first ended: %v", err)
	}
	if ticks.Load() < 3 {
		t.Errorf("%d ticks, want at least 3", ticks.Load())
	}
}
