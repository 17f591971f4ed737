package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
)

var (
	metricName  = `[a-zA-Z_:][a-zA-Z0-9_:]*`
	labelPair   = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"`
	sampleLine  = regexp.MustCompile(`^(` + metricName + `)(?:\{(` + labelPair + `(?:,` + labelPair + `)*)\})? (\S+)$`)
	helpLine    = regexp.MustCompile(`^# HELP (` + metricName + `) .+$`)
	typeLine    = regexp.MustCompile(`^# TYPE (` + metricName + `) (counter|gauge|histogram|summary|untyped)$`)
	labelInLine = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"`)
)

// checkExposition checks text line by line against the Prometheus text
// format: # HELP then # TYPE once per family before its samples, samples
// named after their family, labels quoted and escaped, values numbers,
// histogram buckets cumulative and ending in le="+Inf" equal to _count.
// It returns the samples by their line without the value.
func checkExposition(text string) (map[string]float64, error) {
	if !strings.HasSuffix(text, "\n") {
		return nil, fmt.Errorf("the text does not end in a line feed")
	}
	types := map[string]string{}
	helped := map[string]bool{}
	samples := map[string]float64{}
	lastBucket := map[string]float64{} // by series without le
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		n := i + 1
		switch {
		case strings.HasPrefix(line, "# HELP "):
			m := helpLine.FindStringSubmatch(line)
			if m == nil || helped[m[1]] || types[m[1]] != "" {
				return nil, fmt.Errorf("line %d: bad or repeated HELP, or after TYPE: %q", n, line)
			}
			helped[m[1]] = true
		case strings.HasPrefix(line, "# TYPE "):
			m := typeLine.FindStringSubmatch(line)
			if m == nil || types[m[1]] != "" {
				return nil, fmt.Errorf("line %d: bad or repeated TYPE: %q", n, line)
			}
			types[m[1]] = m[2]
		case strings.HasPrefix(line, "#") || line == "":
			return nil, fmt.Errorf("line %d: unexpected %q", n, line)
		default:
			m := sampleLine.FindStringSubmatch(line)
			if m == nil {
				return nil, fmt.Errorf("line %d: not a sample: %q", n, line)
			}
			name, labels, value := m[1], m[2], m[3]
			family := name
			if types[family] == "" {
				for _, suffix := range []string{"_bucket", "_sum", "_count"} {
					if f, ok := strings.CutSuffix(name, suffix); ok && types[f] == "histogram" {
						family = f
					}
				}
			}
			if types[family] == "" {
				return nil, fmt.Errorf("line %d: sample of %s before its TYPE", n, name)
			}
			v, err := strconv.ParseFloat(value, 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: value %q: %v", n, value, err)
			}
			seen := map[string]bool{}
			var le string
			var rest []string
			for _, lm := range labelInLine.FindAllStringSubmatch(labels, -1) {
				if seen[lm[1]] {
					return nil, fmt.Errorf("line %d: label %s twice", n, lm[1])
				}
				seen[lm[1]] = true
				if lm[1] == "le" {
					le = lm[2]
				} else {
					rest = append(rest, lm[0])
				}
			}
			series := family + "{" + strings.Join(rest, ",") + "}"
			if strings.HasSuffix(name, "_bucket") && family != name {
				if le == "" {
					return nil, fmt.Errorf("line %d: bucket without le", n)
				}
				if v < lastBucket[series] {
					return nil, fmt.Errorf("line %d: buckets not cumulative", n)
				}
				lastBucket[series] = v
			}
			if name == family+"_count" && types[family] == "histogram" {
				if inf, ok := samples[family+"_bucket{"+strings.Join(append(rest, `le="+Inf"`), ",")+"}"]; !ok || inf != v {
					return nil, fmt.Errorf("line %d: _count %v is not the +Inf bucket", n, v)
				}
			}
			key := name + "{" + labels + "}"
			if _, dup := samples[key]; dup {
				return nil, fmt.Errorf("line %d: sample repeated", n)
			}
			samples[key] = v
		}
	}
	return samples, nil
}

func TestMetricsFormat(t *testing.T) {
	m := newMetrics(func() muster.AnswerWriterStats {
		return muster.AnswerWriterStats{Batches: 3, Answers: 140, Busy: 2500 * time.Millisecond}
	})
	m.observe("GET /api/v1/units/{code}", 200, 3*time.Millisecond)
	m.observe("GET /api/v1/units/{code}", 200, 30*time.Millisecond)
	m.observe("GET /api/v1/units/{code}", 404, 20*time.Second)
	m.observe(`GET /odd "quote" \ back`+"\nslash", 500, time.Millisecond)
	m.observe("", 404, time.Millisecond)
	var b strings.Builder
	if err := m.write(&b); err != nil {
		t.Fatal(err)
	}
	samples, err := checkExposition(b.String())
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	for key, want := range map[string]float64{
		`muster_http_requests_total{route="GET /api/v1/units/{code}",code="200"}`:                  2,
		`muster_http_requests_total{route="GET /api/v1/units/{code}",code="404"}`:                  1,
		`muster_http_requests_total{route="GET /odd \"quote\" \\ back\nslash",code="500"}`:         1,
		`muster_http_requests_total{route="unmatched",code="404"}`:                                 1,
		`muster_http_request_duration_seconds_bucket{route="GET /api/v1/units/{code}",le="0.005"}`: 1,
		`muster_http_request_duration_seconds_bucket{route="GET /api/v1/units/{code}",le="0.1"}`:   2,
		`muster_http_request_duration_seconds_bucket{route="GET /api/v1/units/{code}",le="10"}`:    2,
		`muster_http_request_duration_seconds_bucket{route="GET /api/v1/units/{code}",le="+Inf"}`:  3,
		`muster_http_request_duration_seconds_count{route="GET /api/v1/units/{code}"}`:             3,
		`muster_http_request_duration_seconds_sum{route="GET /api/v1/units/{code}"}`:               20.033,
		`muster_answer_batches_total{}`:             3,
		`muster_answers_committed_total{}`:          140,
		`muster_answer_writer_busy_seconds_total{}`: 2.5,
	} {
		if got, ok := samples[key]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", key, got, ok, want)
		}
	}
	if samples["go_goroutines{}"] < 1 || samples["process_start_time_seconds{}"] < 1e9 {
		t.Errorf("process gauges missing:\n%s", b.String())
	}
}

func TestMetricsEndpoint(t *testing.T) {
	s, err := NewServer(Services{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	for _, path := range []string{"/healthz", "/healthz", "/no/such/page/at/all", "/api/v1/openapi.json"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("GET /metrics = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	samples, err := checkExposition(rec.Body.String())
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.Body)
	}
	for key, want := range map[string]float64{
		`muster_http_requests_total{route="GET /healthz",code="200"}`:             2,
		`muster_http_requests_total{route="GET /api/v1/openapi.json",code="200"}`: 1,
		`muster_http_request_duration_seconds_count{route="GET /healthz"}`:        2,
	} {
		if samples[key] != want {
			t.Errorf("%s = %v, want %v\n%s", key, samples[key], want, rec.Body)
		}
	}
	// An unknown page sends a visitor without a session to the login page.
	if samples[`muster_http_requests_total{route="/",code="303"}`] != 1 {
		t.Errorf("the unknown page was not counted:\n%s", rec.Body)
	}
}
