package main

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// writerTotals are the answer writer's totals that muster serve's /metrics
// reports.
type writerTotals struct {
	batches, answers float64
	busy             float64 // seconds
}

// writerTotals reads the answer writer's totals from GET /metrics.
func (c *apiClient) writerTotals(ctx context.Context) (writerTotals, error) {
	var t writerTotals
	resp, err := c.do(ctx, "GET", "/metrics", "")
	if err != nil {
		return t, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return t, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	fields := map[string]*float64{
		"muster_answer_batches_total":             &t.batches,
		"muster_answers_committed_total":          &t.answers,
		"muster_answer_writer_busy_seconds_total": &t.busy,
	}
	found := 0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if p := fields[name]; ok && p != nil {
			if *p, err = strconv.ParseFloat(value, 64); err != nil {
				return t, fmt.Errorf("GET /metrics: %s: %w", name, err)
			}
			found++
		}
	}
	if err := sc.Err(); err != nil {
		return t, err
	}
	if found != len(fields) {
		return t, fmt.Errorf("GET /metrics: the answer writer's totals are missing")
	}
	return t, nil
}

// writerSummary describes the writer's work between two readings, over a
// storm of the given length.
func writerSummary(before, after writerTotals, storm time.Duration) string {
	batches, answers, busy := after.batches-before.batches, after.answers-before.answers, after.busy-before.busy
	if batches == 0 {
		return "no transaction"
	}
	return fmt.Sprintf("%.0f transactions of %.1f answers on average, %.2f ms each, busy %.0f %% of the storm",
		batches, answers/batches, busy*1000/batches, 100*busy/storm.Seconds())
}
