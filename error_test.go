package muster

import (
	"fmt"
	"testing"
	"time"
)

// TestRateLimited: the message names the wait that RetryAfter holds,
// rounded up to whole seconds.
func TestRateLimited(t *testing.T) {
	for _, c := range []struct {
		wait  time.Duration
		text  string
		after time.Duration
	}{
		{0, "1 second", time.Second},
		{1500 * time.Millisecond, "2 seconds", 2 * time.Second},
		{45 * time.Second, "45 seconds", 45 * time.Second},
		{time.Minute, "1 minute", time.Minute},
		{10 * time.Minute, "10 minutes", 10 * time.Minute},
		{14*time.Minute + 29*time.Second + time.Millisecond, "14 minutes 30 seconds", 14*time.Minute + 30*time.Second},
		{61 * time.Second, "1 minute 1 second", 61 * time.Second},
	} {
		err := RateLimited("Too many tries.", c.wait)
		if want := "Too many tries. Try again in " + c.text + "."; err.Message != want || err.Code != ERATELIMIT {
			t.Errorf("RateLimited(%v) = %s %q, want %q", c.wait, err.Code, err.Message, want)
		}
		if got := ErrorRetryAfter(fmt.Errorf("wrapped: %w", err)); got != c.after {
			t.Errorf("RateLimited(%v): RetryAfter %v, want %v", c.wait, got, c.after)
		}
	}
	if ErrorRetryAfter(Errorf(EINVALID, "x")) != 0 || ErrorRetryAfter(fmt.Errorf("plain")) != 0 {
		t.Error("RetryAfter of an error without one is not 0")
	}
}
