package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// readinessFollower reads a call-up's readiness stream and notes when each
// event came and how many members it counted as answered.
type readinessFollower struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when the stream has ended

	mu     sync.Mutex // protects events and err
	events []streamEvent
	err    error
}

// streamEvent is one readiness event: when it was read, and yes+late+no.
type streamEvent struct {
	at       time.Time
	answered int
}

// followReadiness opens GET /api/v1/callups/{id}/stream and returns once
// the first event has come.
func (c *apiClient) followReadiness(ctx context.Context, id int64) (*readinessFollower, error) {
	ctx, cancel := context.WithCancel(ctx)
	resp, err := c.do(ctx, http.MethodGet, fmt.Sprintf("/api/v1/callups/%d/stream", id), "")
	if err != nil {
		cancel()
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		cancel()
		return nil, fmt.Errorf("GET the readiness stream: %s", resp.Status)
	}
	f := &readinessFollower{cancel: cancel, done: make(chan struct{})}
	first := make(chan struct{})
	go func() {
		defer close(f.done)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var r struct{ Yes, Late, No int }
			if err := json.Unmarshal([]byte(data), &r); err != nil {
				f.fail(fmt.Errorf("readiness event: %w", err))
				return
			}
			f.mu.Lock()
			f.events = append(f.events, streamEvent{at: time.Now(), answered: r.Yes + r.Late + r.No})
			if len(f.events) == 1 {
				close(first)
			}
			f.mu.Unlock()
		}
		if ctx.Err() == nil {
			f.fail(fmt.Errorf("the readiness stream ended: %v", sc.Err()))
		}
	}()
	select {
	case <-first:
		return f, nil
	case <-f.done:
		return nil, f.err
	}
}

func (f *readinessFollower) fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

// lagResult is how long the stream took to count what was acknowledged.
type lagResult struct {
	answers     int           // acknowledged answers measured
	median, max time.Duration // from an answer's 200 to the first event counting as many
	unseen      int           // acknowledged answers no event counted within the wait
	events      int
	err         error
}

func (r lagResult) String() string {
	if r.err != nil {
		return "failed: " + r.err.Error()
	}
	return fmt.Sprintf("median %.0f ms, max %.0f ms over %d answers (%d events; %d never shown)",
		ms(r.median), ms(r.max), r.answers, r.events, r.unseen)
}

// lag waits up to wait for the stream to count every acknowledged answer,
// stops following it, and returns, for each acknowledged answer, the time
// from its 200 to the first event whose answered total reaches the number
// acknowledged by then. Each storm request is a different member's first
// answer while there are members left, so the total counts each once.
func (f *readinessFollower) lag(acks *ackLog, wait time.Duration) lagResult {
	at := acks.acked()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		f.mu.Lock()
		caught := len(f.events) > 0 && f.events[len(f.events)-1].answered >= len(at)
		f.mu.Unlock()
		if caught {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.cancel()
	<-f.done
	res := lagResult{answers: len(at), events: len(f.events), err: f.err}
	if res.err != nil {
		return res
	}
	lags := make([]time.Duration, 0, len(at))
	for k, t := range at {
		// The first event that counts at least k+1 answers.
		i, _ := slices.BinarySearchFunc(f.events, k+1, func(e streamEvent, n int) int {
			if e.answered < n {
				return -1
			}
			return 1
		})
		if i == len(f.events) {
			res.unseen++
			continue
		}
		lags = append(lags, max(0, f.events[i].at.Sub(t)))
	}
	slices.Sort(lags)
	res.median = percentile(lags, 50)
	if len(lags) > 0 {
		res.max = lags[len(lags)-1]
	}
	return res
}
