package web

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/muster-force/muster"
)

// metrics counts and times the server's requests and writes them, with a
// few process gauges, in the Prometheus text exposition format (0.0.4).
type metrics struct {
	start   time.Time                       // when the server was built: the process start time, near enough
	buckets []float64                       // upper bounds of the duration histogram, seconds, ascending
	answers func() muster.AnswerWriterStats // the answer writer's totals, or nil

	mu        sync.Mutex // protects following fields
	requests  map[requestKey]uint64
	durations map[string]*histogram // by route
}

// requestKey is one series of muster_http_requests_total.
type requestKey struct {
	route string
	code  int
}

// histogram holds the observations of one route.
type histogram struct {
	counts []uint64 // per bucket, not cumulative
	count  uint64
	sum    float64
}

// unmatchedRoute labels requests no route pattern matched.
const unmatchedRoute = "unmatched"

// newMetrics returns empty metrics with the server start time and, when
// answers is not nil, the answer writer's totals.
func newMetrics(answers func() muster.AnswerWriterStats) *metrics {
	return &metrics{
		start:     time.Now(),
		answers:   answers,
		buckets:   []float64{0.005, 0.025, 0.1, 0.5, 2.5, 10},
		requests:  map[requestKey]uint64{},
		durations: map[string]*histogram{},
	}
}

// observe records one request answered with the status after d. route is
// the pattern that matched ("" for none).
func (m *metrics) observe(route string, status int, d time.Duration) {
	if route == "" {
		route = unmatchedRoute
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{route, status}]++
	h := m.durations[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(m.buckets))}
		m.durations[route] = h
	}
	sec := d.Seconds()
	if i, _ := slices.BinarySearch(m.buckets, sec); i < len(m.buckets) {
		h.counts[i]++
	}
	h.count++
	h.sum += sec
}

// write writes every metric to w, series sorted by their labels.
func (m *metrics) write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	m.mu.Lock()
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b requestKey) int {
		return cmp.Or(strings.Compare(a.route, b.route), a.code-b.code)
	})
	header(bw, "muster_http_requests_total", "counter", "HTTP requests answered, by route pattern and status code.")
	for _, k := range keys {
		fmt.Fprintf(bw, "muster_http_requests_total{route=%s,code=\"%d\"} %d\n", labelValue(k.route), k.code, m.requests[k])
	}
	routes := make([]string, 0, len(m.durations))
	for r := range m.durations {
		routes = append(routes, r)
	}
	slices.Sort(routes)
	const hist = "muster_http_request_duration_seconds"
	header(bw, hist, "histogram", "Time taken to answer HTTP requests, by route pattern.")
	for _, r := range routes {
		h, route := m.durations[r], labelValue(r)
		var cum uint64
		for i, le := range m.buckets {
			cum += h.counts[i]
			fmt.Fprintf(bw, "%s_bucket{route=%s,le=\"%s\"} %d\n", hist, route, formatFloat(le), cum)
		}
		fmt.Fprintf(bw, "%s_bucket{route=%s,le=\"+Inf\"} %d\n", hist, route, h.count)
		fmt.Fprintf(bw, "%s_sum{route=%s} %s\n", hist, route, formatFloat(h.sum))
		fmt.Fprintf(bw, "%s_count{route=%s} %d\n", hist, route, h.count)
	}
	m.mu.Unlock()
	header(bw, "go_goroutines", "gauge", "Number of goroutines that currently exist.")
	fmt.Fprintf(bw, "go_goroutines %d\n", runtime.NumGoroutine())
	header(bw, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.")
	fmt.Fprintf(bw, "process_start_time_seconds %s\n", formatFloat(float64(m.start.UnixMicro())/1e6))
	if m.answers != nil {
		a := m.answers()
		header(bw, "muster_answer_batches_total", "counter", "Transactions the answer writer committed, each a batch of answers.")
		fmt.Fprintf(bw, "muster_answer_batches_total %d\n", a.Batches)
		header(bw, "muster_answers_committed_total", "counter", "Answers the answer writer stored.")
		fmt.Fprintf(bw, "muster_answers_committed_total %d\n", a.Answers)
		header(bw, "muster_answer_writer_busy_seconds_total", "counter", "Time the answer writer spent in its transactions.")
		fmt.Fprintf(bw, "muster_answer_writer_busy_seconds_total %s\n", formatFloat(a.Busy.Seconds()))
	}
	return bw.Flush()
}

// header writes the # HELP and # TYPE lines of a metric.
func header(w io.Writer, name, typ, help string) {
	help = strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(help)
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

// labelValue quotes a label value, escaping backslash, double quote and
// line feed as the text format requires.
func labelValue(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// formatFloat writes f as the text format expects, e.g. 0.005 or 1e+09.
func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// handleMetrics answers GET /metrics in the Prometheus text format. It
// needs no credentials: it tells request counts by route, nothing about
// the roster.
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.metrics.write(w); err != nil {
		s.Logger.Debug("write metrics", "err", err)
	}
}
