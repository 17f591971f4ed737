package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// checkpointer copies the committed pages of SQLite's WAL back into the
// database file every checkpointEvery, on a connection of its own, with a
// PASSIVE checkpoint: it waits for no reader or writer, and none waits for
// it. Left to the writer (SQLite's autocheckpoint), a checkpoint of 10,000
// pages ran inside the commit that crossed the threshold, every second or
// two in a storm of answers, and each answer batched with that commit
// waited for it: without it, muster served 17 % more answers per second
// (6,794 against 5,787, 1,000,000 members, musterbench, one run each) and
// their p99 fell from 40 to 22 ms. The interval is a performance setting
// on the wall clock, not a time any result depends on; the WAL holds every
// commit durably whether or not it has been copied.
//
// A PASSIVE checkpoint never catches up with a writer that commits every
// few milliseconds, and SQLite writes the WAL from its start again only
// after one has, so in a storm of answers the WAL grew by 50 MB a second
// (to 680 MB in a 10 s storm), every commit extending the file: the
// kernel allocating and zeroing its blocks took an eighth of the server's
// CPU. So once the WAL holds restartFrames, the checkpointer follows its
// PASSIVE checkpoint with a RESTART one on the writer's connection,
// between two write transactions: it copies the few frames committed since
// and lets the next commit write the WAL from its start (see restart).
type checkpointer struct {
	mu       sync.Mutex // held for a round, and while paused
	conn     *sql.DB
	path     string // the database file
	stop     chan struct{}
	stopOnce sync.Once
	done     chan struct{} // closed when run has ended
}

// checkpointEvery is how often the checkpointer copies the WAL.
const checkpointEvery = time.Second

// restartFrames is the size of the WAL, in frames of a page, from which
// the checkpointer restarts it (about 4 MB).
const restartFrames = 1000

// restartGap is how many frames the PASSIVE checkpoints of a round may
// leave to the restart; maxPassive bounds them.
const (
	restartGap = 256
	maxPassive = 4
)

// restartBusyMillis bounds how long a RESTART checkpoint waits for the
// readers of the WAL while it holds up the writer; past it, the next round
// tries again.
const restartBusyMillis = 5

func newCheckpointer(conn *sql.DB, path string, db *DB) *checkpointer {
	c := &checkpointer{conn: conn, path: path, stop: make(chan struct{}), done: make(chan struct{})}
	go c.run(db)
	return c
}

func (c *checkpointer) run(db *DB) {
	defer close(c.done)
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-tick.C:
		}
		c.mu.Lock()
		err := c.round(context.Background(), db.write)
		c.mu.Unlock()
		if err != nil {
			db.Logger.Warn("checkpoint the SQLite WAL", "err", err)
		}
	}
}

// round copies the WAL into the database file and, once the WAL holds
// restartFrames, restarts it through the writer's pool. The restart holds
// up the writer while it copies what the PASSIVE checkpoints left, so
// those run again, each copying what was committed during the last, until
// at most restartGap frames are left (or maxPassive have run).
func (c *checkpointer) round(ctx context.Context, write *sql.DB) error {
	frames, copied, err := c.checkpoint(ctx)
	for pass := 1; err == nil && frames-copied > restartGap && pass < maxPassive; pass++ {
		frames, copied, err = c.checkpoint(ctx)
	}
	if err != nil || frames < restartFrames {
		return err
	}
	if err := syncFile(c.path); err != nil {
		return err
	}
	return restart(ctx, write)
}

// checkpoint runs one PASSIVE checkpoint and returns the frames the WAL
// holds and how many of them are in the database file now.
func (c *checkpointer) checkpoint(ctx context.Context) (frames, copied int, err error) {
	var busy int
	err = c.conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied)
	return frames, copied, err
}

// restart runs a RESTART checkpoint on the writer's connection, taken from
// its pool like any write transaction, so that no writer is in the middle
// of one: it copies what the PASSIVE checkpoint left, waits (at most
// restartBusyMillis) until no reader reads the WAL, and so makes the next
// commit write the WAL from its start. If a reader keeps it busy longer, it
// gives up (SQLite reports busy, not an error) until the next round. The
// connection's own busy timeout is set back afterwards, or the connection
// is discarded.
func restart(ctx context.Context, write *sql.DB) error {
	conn, err := write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return withBusyTimeout(ctx, conn, restartBusyMillis, func() error {
		var busy, frames, copied int
		return conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(RESTART)`).Scan(&busy, &frames, &copied)
	})
}

// withBusyTimeout runs fn with conn's busy timeout set to millis, and sets
// it back to sqliteBusyMillis afterwards; a connection whose timeout
// cannot be set back is discarded, never kept as a writer that gives up
// early.
func withBusyTimeout(ctx context.Context, conn *sql.Conn, millis int, fn func() error) error {
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", millis)); err != nil {
		return err
	}
	err := fn()
	if _, resetErr := conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA busy_timeout = %d", sqliteBusyMillis)); resetErr != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn })
		return errors.Join(err, resetErr)
	}
	return err
}

// syncFile flushes the file's written pages to the disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// pause waits for the round under way, if any, and closes the
// checkpointer's connection until resume; no round runs meanwhile.
func (c *checkpointer) pause() {
	c.mu.Lock()
	c.conn.SetMaxIdleConns(0)
}

// resume lets the rounds run again, on a connection opened when needed.
func (c *checkpointer) resume() {
	c.conn.SetMaxIdleConns(1)
	c.mu.Unlock()
}

// close stops the checkpointer and closes its connection; calling it
// again does nothing more.
func (c *checkpointer) close() error {
	c.stopOnce.Do(func() { close(c.stop) })
	<-c.done
	return c.conn.Close()
}
