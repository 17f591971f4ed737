package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/muster-force/muster"
)

// Dispatcher works through the deliveries table: for each channel a
// feeder claims due deliveries in batches, waits for the channel's rate
// limit, and hands each to a fixed pool of workers, which send it and mark
// it. Every send is of a delivery claimed first; nothing is sent from
// memory alone. Held deliveries (a fallback channel, a reminder) are
// claimed only when due and only for members who have not answered; the
// others are skipped by the claim and never reach a worker.
//
// The store hands out each claim by priority (muster.DeliveryPriority):
// call-up traffic first, then the armory's, then background work such as
// expiry reminders and digests, which it also slows to one at a time per
// channel while a call-up takes answers; the feeder keeps that order.
//
// At least once, never skipped: a delivery is marked after its send, so a
// process that dies between a provider accepting a message and MarkSent
// sends that message again once the lease runs out (the SMS gateway gets
// an Idempotency-Key to drop it). A delivery whose lease runs out while
// it is still being sent could be claimed twice; the feeder stops handing
// out a batch well before its lease ends (Lease - SendTimeout), and each
// send is bounded by SendTimeout, so that needs a stalled process.
type Dispatcher struct {
	Store    muster.DeliveryStore
	Channels []Channel
	// BaseURL makes the response link: BaseURL + "/r/" + token.
	BaseURL string
	// Workers is the number of sends at once, over all channels (8).
	Workers int
	// Rate is the most messages a second per channel; none means no limit.
	Rate map[muster.Channel]float64
	// BatchSize is the most deliveries one claim takes (100); with a rate,
	// no more than half a lease's worth.
	BatchSize int
	// Lease is how long a claim holds a delivery (5 minutes).
	Lease time.Duration
	// SendTimeout bounds one send (30 seconds); it must be under Lease.
	SendTimeout time.Duration
	// Poll is the pause after a claim that found nothing due (1 second).
	Poll time.Duration
	// Backoff spaces retries; MaxAttempts (10) fails a delivery for good.
	Backoff     Backoff
	MaxAttempts int
	// ReceiptWindow is how long an unknown delivery (its message went out,
	// the provider's answer never came) waits for a delivery receipt
	// before it is sent again (5 minutes).
	ReceiptWindow time.Duration
	// Now is the clock of claims and retries (time.Now).
	Now    func() time.Time
	Logger *slog.Logger

	mu     sync.Mutex // protects following fields
	cancel context.CancelFunc
	done   chan struct{}
}

func (d *Dispatcher) defaults() {
	if d.Workers < 1 {
		d.Workers = 8
	}
	if d.BatchSize < 1 {
		d.BatchSize = 100
	}
	if d.Lease <= 0 {
		d.Lease = 5 * time.Minute
	}
	if d.SendTimeout <= 0 || d.SendTimeout >= d.Lease {
		d.SendTimeout = min(30*time.Second, d.Lease/4)
	}
	if d.Poll <= 0 {
		d.Poll = time.Second
	}
	if d.MaxAttempts < 1 {
		d.MaxAttempts = 10
	}
	if d.ReceiptWindow <= 0 {
		d.ReceiptWindow = 5 * time.Minute
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
}

// Run dispatches until ctx ends or Stop is called. Then it stops
// claiming, puts back what it claimed but did not start, lets the sends
// under way finish and be marked, and returns nil. It returns an error
// only when the dispatcher is running already.
func (d *Dispatcher) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	d.mu.Lock()
	if d.done != nil {
		d.mu.Unlock()
		cancel()
		return errors.New("notify: the dispatcher is running already")
	}
	d.cancel, d.done = cancel, done
	d.defaults()
	d.mu.Unlock()
	defer func() {
		cancel()
		d.mu.Lock()
		d.cancel, d.done = nil, nil
		d.mu.Unlock()
		close(done)
	}()

	jobs := make(chan muster.Delivery)
	// Sends and marks outlive ctx: what was started is finished.
	work := context.WithoutCancel(ctx)
	var workers sync.WaitGroup
	for range d.Workers {
		workers.Go(func() {
			for job := range jobs {
				d.process(work, job)
			}
		})
	}
	var feeders sync.WaitGroup
	for _, ch := range d.Channels {
		feeders.Go(func() { d.feed(ctx, ch, jobs) })
	}
	feeders.Wait()
	close(jobs)
	workers.Wait()
	return nil
}

// Stop ends Run and waits until it has returned.
func (d *Dispatcher) Stop() {
	d.mu.Lock()
	cancel, done := d.cancel, d.done
	d.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

// feed claims the channel's due deliveries and hands them to the workers
// at the channel's rate, until ctx ends.
func (d *Dispatcher) feed(ctx context.Context, ch Channel, jobs chan<- muster.Delivery) {
	name := ch.Name()
	limit := d.BatchSize
	var lim *rate.Limiter
	if r := d.Rate[name]; r > 0 {
		lim = rate.NewLimiter(rate.Limit(r), 1)
		limit = max(1, min(limit, int(r*d.Lease.Seconds()/2)))
	}
	for ctx.Err() == nil {
		claimedAt := d.Now()
		batch, err := d.Store.ClaimDue(ctx, name, claimedAt, limit, d.Lease)
		if err != nil {
			if ctx.Err() == nil {
				d.Logger.Error("claim deliveries", "channel", name, "err", err)
			}
			pause(ctx, d.Poll)
			continue
		}
		if len(batch) == 0 {
			pause(ctx, d.Poll)
			continue
		}
		handOutBy := claimedAt.Add(d.Lease - d.SendTimeout)
		for i, job := range batch {
			ok := d.Now().Before(handOutBy)
			if ok && lim != nil && !job.Drill { // a drill sends nothing: no rate to keep
				ok = lim.Wait(ctx) == nil
			}
			if ok {
				select {
				case jobs <- job:
				case <-ctx.Done():
					ok = false
				}
			}
			if !ok {
				d.release(batch[i:])
				break
			}
		}
	}
}

// release puts back deliveries claimed but not started.
func (d *Dispatcher) release(list []muster.Delivery) {
	ids := make([]int64, len(list))
	for i, job := range list {
		ids[i] = job.ID
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Store.Release(ctx, ids); err != nil {
		// They come back when their lease runs out.
		d.Logger.Error("release deliveries", "n", len(ids), "err", err)
	}
}

// process sends one claimed delivery and marks the outcome.
func (d *Dispatcher) process(ctx context.Context, job muster.Delivery) {
	log := d.Logger.With("delivery", job.ID, "channel", job.Channel, "attempt", job.Attempts)
	if job.Drill {
		d.mark(ctx, log, "drill", func(ctx context.Context) error { return d.Store.MarkDrill(ctx, job.ID) })
		return
	}
	var ch Channel
	for _, c := range d.Channels {
		if c.Name() == job.Channel {
			ch = c
		}
	}
	var providerID string
	var err error
	switch {
	case ch == nil:
		err = Permanent(fmt.Errorf("no %s channel", job.Channel))
	case job.Token == "" && job.Purpose.Answerable():
		err = Permanent(errors.New("no response token: an id is too large"))
	case job.Purpose.Staff() && job.Digest == nil && job.Escalation == nil:
		err = Permanent(errors.New("the staff message's content is unreadable"))
	default:
		switch {
		case job.Token != "":
			job.ResponseURL = strings.TrimRight(d.BaseURL, "/") + job.Purpose.LinkPath() + job.Token
		case job.Page != "":
			job.ResponseURL = strings.TrimRight(d.BaseURL, "/") + job.Page
		}
		sendCtx, cancel := context.WithTimeout(ctx, d.SendTimeout)
		providerID, err = ch.Send(sendCtx, job)
		cancel()
	}
	if err == nil {
		d.mark(ctx, log, "sent", func(ctx context.Context) error { return d.Store.MarkSent(ctx, job.ID, providerID) })
		return
	}
	if IsUnknown(err) {
		// The provider may hold the message: wait for its receipt, and
		// send again only if none comes within the window.
		var resendAt time.Time
		if job.Attempts < d.MaxAttempts {
			resendAt = d.Now().Add(d.ReceiptWindow)
		}
		log.Warn("send outcome unknown", "err", err, "resend_at", resendAt)
		d.mark(ctx, log, "unknown", func(ctx context.Context) error { return d.Store.MarkUnknown(ctx, job.ID, err, resendAt) })
		return
	}
	var retryAt time.Time
	if !IsPermanent(err) && job.Attempts < d.MaxAttempts {
		retryAt = d.Now().Add(max(d.Backoff.Delay(job.Attempts, nil), retryAfter(err)))
	}
	log.Warn("send failed", "err", err, "retry_at", retryAt)
	d.mark(ctx, log, "failed", func(ctx context.Context) error { return d.Store.MarkFailed(ctx, job.ID, err, retryAt) })
}

// mark records an outcome, trying a few times: a mark that never lands
// leaves the delivery to be sent again when its lease runs out.
func (d *Dispatcher) mark(ctx context.Context, log *slog.Logger, what string, fn func(context.Context) error) {
	var err error
	for try := range 3 {
		mctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err = fn(mctx)
		cancel()
		if err == nil || muster.ErrorCode(err) == muster.ECONFLICT || muster.ErrorCode(err) == muster.ENOTFOUND {
			break
		}
		time.Sleep(time.Duration(try+1) * 100 * time.Millisecond)
	}
	if err != nil {
		log.Error("mark delivery "+what, "err", err)
	}
}

// pause waits for d or the end of ctx.
func pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
