// Package notify sends call-up notices: a Channel per way of reaching a
// member (e-mail over SMTP, SMS through an HTTP gateway, web push) and the
// Dispatcher, which works through the deliveries table with a bounded
// worker pool, per-channel rate limits and retries with backoff.
package notify

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/muster-force/muster"
)

// Channel sends one delivery. Send returns the provider's id for the
// message (which its delivery receipts name), or an error: Permanent when
// trying again cannot help (a refused address), otherwise temporary.
// Send must stop when ctx ends.
type Channel interface {
	Name() muster.Channel
	Send(ctx context.Context, d muster.Delivery) (providerID string, err error)
}

// PermanentError is a send error that a retry cannot cure.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent marks err as permanent.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

// IsPermanent reports whether err, or an error it wraps, is permanent.
// Every other error is temporary: the delivery is tried again.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// UnknownError is a send error after the message may have reached the
// provider: the request went out whole and its answer never came (the
// connection was lost, or the wait timed out). The dispatcher marks the
// delivery unknown rather than send it again at once.
type UnknownError struct{ Err error }

func (e *UnknownError) Error() string { return e.Err.Error() }
func (e *UnknownError) Unwrap() error { return e.Err }

// Unknown marks err as an unknown outcome.
func Unknown(err error) error {
	if err == nil {
		return nil
	}
	return &UnknownError{Err: err}
}

// IsUnknown reports whether err, or an error it wraps, is an unknown
// outcome.
func IsUnknown(err error) bool {
	var u *UnknownError
	return errors.As(err, &u)
}

// RetryAfterError is a temporary send error whose provider said when to
// try again (a Retry-After header): the dispatcher waits at least After.
type RetryAfterError struct {
	Err   error
	After time.Duration
}

func (e *RetryAfterError) Error() string { return e.Err.Error() }
func (e *RetryAfterError) Unwrap() error { return e.Err }

// retryAfter returns the wait that err, or an error it wraps, asks for.
func retryAfter(err error) time.Duration {
	var r *RetryAfterError
	if errors.As(err, &r) {
		return r.After
	}
	return 0
}

// Backoff spaces the retries of a delivery: Base doubled for each attempt
// made, capped at Max, with "equal jitter" (half the delay fixed, half
// random) so that deliveries failed together do not come back together.
type Backoff struct {
	Base, Max time.Duration
}

// Delay returns how long to wait after the attempt-th attempt failed
// (attempt counts from 1); random returns a number in [0, 1).
func (b Backoff) Delay(attempt int, random func() float64) time.Duration {
	if b.Base <= 0 {
		b.Base = 10 * time.Second
	}
	if b.Max < b.Base {
		b.Max = max(b.Base, 30*time.Minute)
	}
	d := b.Base
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	if random == nil {
		random = rand.Float64
	}
	return d/2 + time.Duration(random()*float64(d/2))
}
