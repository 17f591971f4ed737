package sqldb

import (
	"context"
	"fmt"
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
	stmts *answerStmts  // prepared at the first batch; used by the goroutine alone

	mu     sync.RWMutex // protects closed; senders hold it for reading
	closed bool

	batches, answers, busy atomic.Int64 // AnswerWriterStats; busy in nanoseconds
}

// AnswerStats returns the answer writer's totals since the database was
// opened, for /metrics.
func (db *DB) AnswerStats() muster.AnswerWriterStats {
	w := db.answers
	return muster.AnswerWriterStats{Batches: w.batches.Load(), Answers: w.answers.Load(), Busy: time.Duration(w.busy.Load())}
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
	defer func() {
		if w.stmts != nil {
			w.stmts.close()
		}
	}()
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
			w.busy.Add(int64(end.Sub(start)))
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
	var err error
	if w.stmts == nil {
		w.stmts, err = prepareAnswerStmts(ctx, w.db)
	}
	if err == nil {
		err = w.db.writeTxOnConn(ctx, func(tx *Tx) (err error) {
			moved, err = applyAnswers(ctx, tx, w.stmts, batch, results)
			return err
		})
	}
	if err == nil {
		for id, b := range moved {
			w.db.readiness.apply(id, *b)
		}
		w.batches.Add(1)
		for _, r := range results {
			if r == nil {
				w.answers.Add(1)
			}
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
