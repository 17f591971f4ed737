// Package periodic runs the jobs of a muster process that look at the
// database on an interval, such as the escalation timers and the daily
// expiry reminders: once at the start, then after every interval, until
// the context ends. What is due is decided in the database, so several
// processes may each run a job; one process runs it once at a time.
package periodic

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Job is a periodic job of one process.
type Job struct {
	mu      sync.Mutex // protects running
	running bool
}

// Run calls tick with now() at once and then every interval until ctx
// ends, and returns nil then. now defaults to time.Now. Run returns an
// error, saying name is running already, while another Run of the job is
// under way.
func (j *Job) Run(ctx context.Context, name string, interval time.Duration, now func() time.Time, tick func(ctx context.Context, now time.Time)) error {
	j.mu.Lock()
	if j.running {
		j.mu.Unlock()
		return errors.New(name + " is running already")
	}
	j.running = true
	j.mu.Unlock()
	defer func() {
		j.mu.Lock()
		j.running = false
		j.mu.Unlock()
	}()
	if now == nil {
		now = time.Now
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		tick(ctx, now())
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
