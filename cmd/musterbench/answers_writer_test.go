package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestWriterTotals reads the answer writer's totals from a /metrics text
// and refuses one that lacks them.
func TestWriterTotals(t *testing.T) {
	body := "# HELP go_goroutines x\n# TYPE go_goroutines gauge\ngo_goroutines 12\n" +
		"muster_answer_batches_total 40\nmuster_answers_committed_total 2000\nmuster_answer_writer_busy_seconds_total 0.5\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(body))
	}))
	defer srv.Close()
	c := &apiClient{base: srv.URL}
	got, err := c.writerTotals(context.Background())
	if err != nil || got != (writerTotals{batches: 40, answers: 2000, busy: 0.5}) {
		t.Fatalf("writerTotals = %+v, %v", got, err)
	}
	if s := writerSummary(writerTotals{batches: 10, answers: 500, busy: 0.25}, got, time.Second); s != "30 transactions of 50.0 answers on average, 8.33 ms each, busy 25 % of the storm" {
		t.Errorf("summary %q", s)
	}
	body = strings.Replace(body, "muster_answers_committed_total", "other_total", 1)
	if _, err := c.writerTotals(context.Background()); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("totals without muster_answers_committed_total: %v", err)
	}
}
