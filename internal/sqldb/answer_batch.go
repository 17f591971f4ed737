package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/muster-force/muster"
)

// Group commit of answers. SaveAnswer checks the token and the answer, then
// queues the answer to the DB's one answer writer, which takes everything
// waiting (up to maxAnswerBatch), applies it in one transaction and wakes
// every caller with its own result once that transaction is committed. A
// per-answer problem (call-up gone or closed, member not called up) fails
// that answer only. With PostgreSQL, each process batches its own answers.

// maxAnswerBatch bounds the answers one transaction carries.
const maxAnswerBatch = 256

// errDBClosed is what SaveAnswer returns once Close has begun.
var errDBClosed = muster.Errorf(muster.EINTERNAL, "The database is closed.")

// States of a queued answer: the caller may withdraw it only while it is
// queued; once the writer has taken it, the caller waits for the commit.
const (
	answerQueued int32 = iota
	answerTaken
	answerWithdrawn
)

// queuedAnswer is one answer waiting for the writer.
type queuedAnswer struct {
	callupID, memberID int64
	a                  *muster.Answer
	state              atomic.Int32
	done               chan error // buffered: the writer never blocks on it
}

// answerWriter is the goroutine that commits queued answers in batches.
type answerWriter struct {
	db    *DB
	queue chan *queuedAnswer
	done  chan struct{} // closed when the goroutine has ended

	mu     sync.RWMutex // protects closed; senders hold it for reading
	closed bool
}

func newAnswerWriter(db *DB) *answerWriter {
	w := &answerWriter{db: db, queue: make(chan *queuedAnswer, 4*maxAnswerBatch), done: make(chan struct{})}
	go w.run()
	return w
}

// submit queues the answer and waits for the commit that holds it.
//
// Cancellation: while the answer is still queued, a cancelled ctx withdraws
// it, and submit returns ctx's error with nothing written. Once the writer
// has taken it, submit waits for that transaction regardless of ctx (one
// batch, a few milliseconds) and returns its outcome: a nil error always
// means committed, an error always means not written.
func (w *answerWriter) submit(ctx context.Context, q *queuedAnswer) error {
	q.done = make(chan error, 1)
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return errDBClosed
	}
	select {
	case w.queue <- q:
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	w.mu.RUnlock()
	select {
	case err := <-q.done:
		return err
	case <-ctx.Done():
		if q.state.CompareAndSwap(answerQueued, answerWithdrawn) {
			return ctx.Err()
		}
		return <-q.done
	}
}

// close refuses new answers, lets the writer commit every answer already
// queued, and waits for it to end.
func (w *answerWriter) close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.queue)
	}
	w.mu.Unlock()
	<-w.done
}

// maxGather bounds how long the writer waits for answers to come back
// after a commit (see run).
const maxGather = 10 * time.Millisecond

// run commits the queued answers in batches. A commit is fsync-bound, so
// its batch should hold every answer in flight; but the callers a commit
// wakes send their next answers only after it, while the others wait in
// the queue, so that, taken as they come, the batches settle into two
// alternating halves of the callers and each answer waits for two
// commits. So once the writer has a batch, it waits for the callers the
// last commit woke to come back — as many as it woke plus those already
// queued then — but no longer than that commit took (maxGather at most),
// counted from its end: a lone answer long after the last commit waits
// for nothing. The window is a performance heuristic on the wall clock,
// not a time any result depends on.
func (w *answerWriter) run() {
	defer close(w.done)
	batch := make([]*queuedAnswer, 0, maxAnswerBatch)
	var expect int          // answers the last commit woke or left queued
	var gatherEnd time.Time // until when to wait for them
	for q := range w.queue {
		batch = append(batch[:0], q)
		w.fill(&batch, min(expect, maxAnswerBatch), gatherEnd)
		taken := batch[:0]
		for _, q := range batch {
			if q.state.CompareAndSwap(answerQueued, answerTaken) {
				taken = append(taken, q)
			}
		}
		if len(taken) > 0 {
			start := time.Now()
			w.commit(taken)
			end := time.Now()
			expect, gatherEnd = len(taken)+len(w.queue), end.Add(min(end.Sub(start), maxGather))
		}
	}
}

// fill adds the queued answers to the batch, up to maxAnswerBatch, and
// then waits for more until the batch holds want or until comes.
func (w *answerWriter) fill(batch *[]*queuedAnswer, want int, until time.Time) {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for len(*batch) < maxAnswerBatch {
		select {
		case q, ok := <-w.queue:
			if !ok {
				return
			}
			*batch = append(*batch, q)
			continue
		default:
		}
		if len(*batch) >= want || !time.Now().Before(until) {
			return
		}
		if timer == nil {
			timer = time.NewTimer(time.Until(until))
		}
		select {
		case q, ok := <-w.queue:
			if !ok {
				return
			}
			*batch = append(*batch, q)
		case <-timer.C:
			return
		}
	}
}

// commit writes the batch in one transaction and tells each caller its
// result: the batch's error if the transaction fails, else its own.
func (w *answerWriter) commit(batch []*queuedAnswer) {
	results := make([]error, len(batch))
	ctx := muster.NewContextWithActor(context.Background(), muster.SystemActor("answer"))
	var moved map[int64]*readinessBatch
	err := w.db.writeTx(ctx, func(tx *Tx) (err error) {
		moved, err = applyAnswers(ctx, tx, batch, results)
		return err
	})
	if err == nil {
		for id, b := range moved {
			w.db.readiness.apply(id, *b)
		}
	}
	for i, q := range batch {
		if err != nil {
			q.done <- fmt.Errorf("save answer: %w", err)
		} else {
			q.done <- results[i]
		}
	}
}

// applyAnswers makes each answer its member's current one, in arrival
// order, and appends the accepted ones to the history in multi-row
// INSERTs, recording a per-answer error in results. It returns, per
// call-up, the members' moves between readiness groups and the
// callup_changes n of the transaction, for the readiness cache to apply
// once it is committed.
func applyAnswers(ctx context.Context, tx *Tx, batch []*queuedAnswer, results []error) (map[int64]*readinessBatch, error) {
	closes := map[int64]time.Time{} // call-up → end of answers; zero when gone
	prev, err := tx.PrepareContext(ctx, `SELECT unit_id, quals, answer, delivered, checked_in_at <> '' FROM callup_members
		WHERE callup_id = $1 AND member_id = $2`)
	if err != nil {
		return nil, err
	}
	defer prev.Close()
	upd, err := tx.PrepareContext(ctx, `UPDATE callup_members SET answer = $1, eta_minutes = $2, reason = $3, answered_at = $4
		WHERE callup_id = $5 AND member_id = $6`)
	if err != nil {
		return nil, err
	}
	defer upd.Close()
	moved := map[int64]*readinessBatch{}
	rows := make([][]any, 0, len(batch))
	for i, q := range batch {
		end, ok := closes[q.callupID]
		if !ok {
			var reportBy string
			err := tx.QueryRowContext(ctx, `SELECT report_by FROM callups WHERE id = $1`, q.callupID).Scan(&reportBy)
			if err == nil {
				end = parseTime(reportBy).Add(answerGrace)
			} else if !errors.Is(err, sql.ErrNoRows) {
				return nil, err
			}
			closes[q.callupID] = end
		}
		if end.IsZero() {
			results[i] = muster.Errorf(muster.ENOTFOUND, "This call-up no longer exists.")
			continue
		}
		if tx.now.After(end) {
			results[i] = muster.Errorf(muster.ECONFLICT, "This call-up closed for answers on %s.", end.Format("2006-01-02 15:04 MST"))
			continue
		}
		var m readinessMove
		var delivered int
		err := prev.QueryRowContext(ctx, q.callupID, q.memberID).Scan(&m.from.unit, &m.from.quals, &m.from.answer, &delivered, &m.checkedIn)
		if errors.Is(err, sql.ErrNoRows) {
			results[i] = muster.Errorf(muster.ENOTFOUND, "You are not called up by this call-up.")
			continue
		} else if err != nil {
			return nil, err
		}
		m.from.delivered = delivered != 0
		a := *q.a
		a.At = tx.now
		if _, err := upd.ExecContext(ctx, string(a.Answer), a.ETAMinutes, a.Reason, formatTime(a.At), q.callupID, q.memberID); err != nil {
			return nil, err
		}
		m.to = m.from
		m.to.answer = string(a.Answer)
		if moved[q.callupID] == nil {
			moved[q.callupID] = &readinessBatch{}
		}
		moved[q.callupID].moves = append(moved[q.callupID].moves, m)
		rows = append(rows, []any{q.callupID, q.memberID, string(a.Answer), a.ETAMinutes, a.Reason, a.Via, formatTime(a.At)})
	}
	ins := tx.newBulkInserter("callup_answers", "callup_id", "member_id", "answer", "eta_minutes", "reason", "via", "at")
	defer ins.close()
	if err := ins.insert(ctx, rows); err != nil {
		return nil, err
	}
	// Last, so that the hot callup_changes row is locked only briefly; in
	// the order of the ids, so that two processes' writers cannot deadlock.
	for _, id := range slices.Sorted(maps.Keys(moved)) {
		b := moved[id]
		if b.version, err = bumpCallUp(ctx, tx, id); err != nil {
			return nil, err
		}
	}
	// Only now, with every statement done, is each accepted answer stamped
	// (the caller reads it after the commit).
	for i, q := range batch {
		if results[i] == nil {
			q.a.At = tx.now
		}
	}
	return moved, nil
}
