package sqldb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/muster-force/muster"
)

// A daily job (the expiry reminders) is claimed per day in daily_runs and
// written in chunks, each its own transaction. The claim is a lease: its
// owner renews it with every chunk, and records the run's totals so far in
// result; done_at is set when the run is done. A run that fails gives its
// lease up at once; one whose process dies leaves it to run out
// (dailyLease), and the next claim of the day then takes the run over and
// resumes it. Chunks are idempotent, so a resumed run redoes nothing.

// dailyLease is how long a daily run's claim holds without a renewal.
const dailyLease = 2 * time.Minute

// dailyRun is one claim of a daily job for a day.
type dailyRun struct {
	job, day string
	owner    string // random, the claimant's
}

// newDailyRun returns a claim of the job for the day with a fresh owner.
func newDailyRun(job, day string) dailyRun {
	return dailyRun{job: job, day: day, owner: rand.Text()}
}

// claim takes the day's run: a new one, or one left unfinished whose lease
// ran out. It returns false when the run is done, or another owner's lease
// holds it; result is the progress recorded by an earlier owner ("" for a
// new run). On PostgreSQL a second claimant's insert waits for the first
// claim to commit and then conflicts; on SQLite the writer serialises them.
func (r dailyRun) claim(ctx context.Context, db *DB) (ok bool, result string, err error) {
	now := db.now()
	until := formatTime(now.Add(dailyLease))
	err = db.systemTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO daily_runs (job, day, done_at, result, owner, lease_until) VALUES ($1, $2, '', '', $3, $4)
			ON CONFLICT DO NOTHING`, r.job, r.day, r.owner, until)
		if err != nil {
			return fmt.Errorf("claim the day's %s run: %w", r.job, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			ok = err == nil
			return err
		}
		err = tx.QueryRowContext(ctx, `UPDATE daily_runs SET owner = $3, lease_until = $4
			WHERE job = $1 AND day = $2 AND done_at = '' AND lease_until < $5 RETURNING result`,
			r.job, r.day, r.owner, until, formatTime(now)).Scan(&result)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // done, or running elsewhere
		} else if err != nil {
			return fmt.Errorf("take over the day's %s run: %w", r.job, err)
		}
		ok = true
		return nil
	})
	return ok, result, err
}

// renew extends the lease inside a chunk's transaction, or fails with
// ECONFLICT when another owner has taken the run over.
func (r dailyRun) renew(ctx context.Context, tx *Tx) error {
	return r.update(ctx, tx, `lease_until = $4`, formatTime(tx.db.now().Add(dailyLease)))
}

// progress records the run's totals so far, inside a chunk's transaction.
func (r dailyRun) progress(ctx context.Context, tx *Tx, result string) error {
	return r.update(ctx, tx, `result = $4`, result)
}

// finish marks the run done with its result.
func (r dailyRun) finish(ctx context.Context, tx *Tx, result string) error {
	return r.update(ctx, tx, `result = $4, done_at = $5, lease_until = ''`, result, formatTime(tx.now))
}

// update sets columns ($4 on) of the owner's unfinished run.
func (r dailyRun) update(ctx context.Context, tx *Tx, set string, args ...any) error {
	res, err := tx.ExecContext(ctx, `UPDATE daily_runs SET `+set+` WHERE job = $1 AND day = $2 AND owner = $3 AND done_at = ''`,
		append([]any{r.job, r.day, r.owner}, args...)...)
	if err != nil {
		return fmt.Errorf("record the day's %s run: %w", r.job, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return muster.Errorf(muster.ECONFLICT, "The %s run of %s was taken over by another process.", r.job, r.day)
	}
	return nil
}

// release gives up a failed run's lease, so that the next claim resumes
// it at once. It is best effort: a lease not given up runs out.
func (r dailyRun) release(db *DB) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := db.systemTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE daily_runs SET lease_until = '' WHERE job = $1 AND day = $2 AND owner = $3 AND done_at = ''`,
			r.job, r.day, r.owner)
		return err
	})
	if err != nil {
		db.Logger.Error("release a daily run", "job", r.job, "day", r.day, "err", err)
	}
}
