// Package remind runs the daily reminders before members' qualifications
// expire. The day's run is claimed in the database (sqldb's daily_runs),
// so several processes may each run a Reminder and the day is still done
// once; the Reminder only decides when to ask.
package remind

import (
	"context"
	"log/slog"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/periodic"
)

// Reminder asks for the day's expiry reminders on an interval: a run
// already done for the day, or under way in another process, costs one
// conflicting insert and one update that changes nothing, so an hourly
// check sends each day's reminders within an hour of midnight UTC, or of
// a start; a run cut short (a failure, a process that died) is resumed at
// a later check.
type Reminder struct {
	Store   muster.ExpiryReminderService
	Options muster.ExpiryOptions
	// Interval is the pause between checks (1 hour).
	Interval time.Duration
	// Now is the clock that decides the day (time.Now).
	Now    func() time.Time
	Logger *slog.Logger

	job periodic.Job
}

// Tick runs the reminders of the day of now, if no process has yet.
func (r *Reminder) Tick(ctx context.Context, now time.Time) (*muster.ExpiryRun, error) {
	return r.Store.RunExpiryReminders(ctx, now, r.Options)
}

// Run ticks at once and then every Interval until ctx ends, logging what
// it did and what failed (a failed day is tried again at the next tick).
// It returns nil when ctx ends, or an error when it is running already.
func (r *Reminder) Run(ctx context.Context) error {
	interval, logger := r.Interval, r.Logger
	if interval <= 0 {
		interval = time.Hour
	}
	if logger == nil {
		logger = slog.Default()
	}
	return r.job.Run(ctx, "remind: the reminder", interval, r.Now, func(ctx context.Context, now time.Time) {
		run, err := r.Tick(ctx, now)
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Error("expiry reminders", "err", err)
		case err == nil && run.Ran:
			logger.Info("expiry reminders", "day", run.Day.String(), "reminders", run.Reminders,
				"deliveries", run.Deliveries, "digests", run.Digests, "digest_deliveries", run.DigestDeliveries)
		}
	})
}
