package web

import (
	"sync"
	"time"
)

// The answer page's failure limit: a client address may fail answerBurst
// times in a row, then once more per answerRefill. A member who mistypes a
// link from a paper notice never notices it; a guesser gets a few guesses
// a minute, against 2^64 possible signatures.
const (
	answerBurst  = 10
	answerRefill = 6 * time.Second
	// maxLimiterEntries bounds the limiter's memory; beyond it, the
	// addresses whose allowance is full again are forgotten.
	maxLimiterEntries = 10000
	// retryAfterSeconds is the Retry-After of a client over its limit, and
	// the wait its 429 message names: its next try comes back within one
	// answerRefill.
	retryAfterSeconds = int(answerRefill / time.Second)
)

// failureLimiter is a token bucket per client address that only failures
// drain: allow tells whether the address may try, fail spends one try. It
// limits wrong answer and kit links, and failed sign-ins (page_login.go).
type failureLimiter struct {
	burst  float64
	refill time.Duration

	mu      sync.Mutex // protects buckets
	buckets map[string]*bucket
}

// bucket is what one address has left, as of a time.
type bucket struct {
	tokens float64
	at     time.Time
}

func newFailureLimiter(burst int, refill time.Duration) *failureLimiter {
	return &failureLimiter{burst: float64(burst), refill: refill, buckets: map[string]*bucket{}}
}

// level returns the tokens of b at now, refilled since b.at.
func (l *failureLimiter) level(b *bucket, now time.Time) float64 {
	if d := now.Sub(b.at); d > 0 {
		return min(l.burst, b.tokens+float64(d)/float64(l.refill))
	}
	return b.tokens
}

// allow reports whether the address has a try left at now.
func (l *failureLimiter) allow(addr string, now time.Time) bool {
	return l.wait(addr, now) == 0
}

// wait returns how long after now the address has a try again: 0 when it
// has one left.
func (l *failureLimiter) wait(addr string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[addr]
	if b == nil {
		return 0
	}
	if lv := l.level(b, now); lv < 1 {
		return time.Duration((1 - lv) * float64(l.refill))
	}
	return 0
}

// fail spends one try of the address at now.
func (l *failureLimiter) fail(addr string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[addr]
	if b == nil {
		if len(l.buckets) >= maxLimiterEntries {
			for a, o := range l.buckets {
				if l.level(o, now) >= l.burst {
					delete(l.buckets, a)
				}
			}
			// Still full (failures from very many addresses at once):
			// forget some at random rather than grow without bound.
			for a := range l.buckets {
				if len(l.buckets) < maxLimiterEntries*9/10 {
					break
				}
				delete(l.buckets, a)
			}
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[addr] = b
	}
	b.tokens = max(0, l.level(b, now)-1)
	b.at = now
}
