// Package escalate runs call-ups' escalation timers: reminders to members
// who have not answered and re-alerts of the next pool when a required
// qualification is short. The timers are rows in the database; the
// Escalator only decides when to look at them, so that several processes
// may run one each and a restart loses nothing.
package escalate

import (
	"context"
	"log/slog"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/periodic"
)

// Escalator applies due escalation timers on an interval.
type Escalator struct {
	Store muster.EscalationService
	// Interval is the pause between ticks (10 seconds).
	Interval time.Duration
	// Now is the clock that decides what is due (time.Now).
	Now    func() time.Time
	Logger *slog.Logger

	job periodic.Job
}

// Tick applies every timer due at now, each exactly once, and returns how
// many it applied.
func (e *Escalator) Tick(ctx context.Context, now time.Time) (int, error) {
	return e.Store.ApplyDueTimers(ctx, now)
}

// Run ticks at once and then every Interval until ctx ends, logging what
// fails (a timer that fails is tried again after a backoff, and given up,
// state failed, after a bounded number of attempts: see the store). It returns
// nil when ctx ends, or an error when it is running already.
func (e *Escalator) Run(ctx context.Context) error {
	interval, logger := e.Interval, e.Logger
	if interval <= 0 {
		interval = 10 * time.Second
	}
	if logger == nil {
		logger = slog.Default()
	}
	return e.job.Run(ctx, "escalate: the escalator", interval, e.Now, func(ctx context.Context, now time.Time) {
		n, err := e.Tick(ctx, now)
		if err != nil && ctx.Err() == nil {
			logger.Error("escalation timers", "applied", n, "err", err)
		} else if n > 0 {
			logger.Info("escalation timers", "applied", n)
		}
	})
}
