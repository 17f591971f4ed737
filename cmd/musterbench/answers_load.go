package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// answerBodies are the JSON answers the storm sends, in turn: mostly yes,
// some late, a few no with a reason, as a call-up's answers come in.
var answerBodies = [][]byte{
	[]byte(`{"answer":"yes"}`), []byte(`{"answer":"yes"}`), []byte(`{"answer":"yes"}`),
	[]byte(`{"answer":"late","eta_minutes":45}`), []byte(`{"answer":"no","reason":"On a night shift until 08:00."}`),
}

// loadResult is what one storm measured.
type loadResult struct {
	ok, errors int
	firstError string        // the first non-200 or transport error
	elapsed    time.Duration // from the first request to the last answer
	p50, p99   time.Duration // latency of the answered (200) requests
}

// rate returns the answered requests per second.
func (r loadResult) rate() float64 { return float64(r.ok) / r.elapsed.Seconds() }

func (r loadResult) String() string {
	s := fmt.Sprintf("%8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %d answered, %d errors",
		r.rate(), ms(r.p50), ms(r.p99), r.ok, r.errors)
	if r.firstError != "" {
		s += " (first: " + r.firstError + ")"
	}
	return s
}

// storm sends POST base+path with an answer over conns keep-alive
// connections for d, each request to the next path (wrapping around), and
// calls onOK after each 200.
func storm(ctx context.Context, base string, paths []string, conns int, d time.Duration, onOK func()) loadResult {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true,
		DialContext: (&net.Dialer{}).DialContext}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var next atomic.Int64
	var mu sync.Mutex // protects res and lats
	var res loadResult
	var lats []time.Duration
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			var mine []time.Duration
			ok, failed, first := 0, 0, ""
			for time.Now().Before(deadline) && ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				t0 := time.Now()
				status, err := post(ctx, client, base+paths[i%len(paths)], answerBodies[i%len(answerBodies)])
				if err == nil && status == http.StatusOK {
					mine = append(mine, time.Since(t0))
					ok++
					onOK()
					continue
				}
				if failed++; first == "" {
					first = strconv.Itoa(status)
					if err != nil {
						first = err.Error()
					}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			lats = append(lats, mine...)
			res.ok += ok
			res.errors += failed
			if res.firstError == "" {
				res.firstError = first
			}
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	slices.Sort(lats)
	res.p50, res.p99 = percentile(lats, 50), percentile(lats, 99)
	return res
}

// post sends one answer and reads the whole response, so that the
// connection is reused.
func post(ctx context.Context, client *http.Client, url string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, err
}

// ackLog records when each answer was acknowledged, in order.
type ackLog struct {
	n  atomic.Int64
	at []time.Time // at[k]: when the (k+1)th 200 came; only the first len(at)
}

func newAckLog(size int) *ackLog {
	return &ackLog{at: make([]time.Time, size)}
}

// add records one acknowledgement now.
func (l *ackLog) add() {
	if k := l.n.Add(1) - 1; k < int64(len(l.at)) {
		l.at[k] = time.Now()
	}
}

// acked returns the recorded acknowledgement times.
func (l *ackLog) acked() []time.Time {
	return l.at[:min(l.n.Load(), int64(len(l.at)))]
}

// serveBare is the baseline: a net/http server on 127.0.0.1 whose only
// handler reads the body and answers 200. It serves until killed.
func serveBare() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("listening at http://%s/\n", ln.Addr())
	return http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
}

// userHZ is the unit of /proc's CPU times on Linux: ticks a second.
const userHZ = 100

// cpuSeconds returns the user and system CPU time the process has used,
// from /proc/PID/stat.
func cpuSeconds(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command name, which is in parentheses; utime
	// and stime are the 14th and 15th fields of the line.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad utime or stime", pid)
	}
	return (utime + stime) / userHZ, nil
}

// cpuUse is what a storm used of the machine's CPUs, in CPU seconds per
// second: the server's, the client's (this process: the load and the
// readiness follower) and what no process used.
type cpuUse struct{ server, client, idle float64 }

func (u cpuUse) String() string {
	return fmt.Sprintf("server CPU %.2f, client %.2f, idle %.2f of %d", u.server, u.client, u.idle, runtime.NumCPU())
}

// cpuMeter measures cpuUse from its start.
type cpuMeter struct {
	pid                  int
	server, client, idle float64 // at the start
}

// startCPUMeter starts measuring the server process pid, this process and
// the machine's idle time.
func startCPUMeter(pid int) (*cpuMeter, error) {
	m := &cpuMeter{pid: pid}
	var err error
	m.server, m.client, m.idle, err = cpuTimes(pid)
	return m, err
}

// since returns the use since the start, per second of elapsed.
func (m *cpuMeter) since(elapsed time.Duration) (cpuUse, error) {
	server, client, idle, err := cpuTimes(m.pid)
	if err != nil {
		return cpuUse{}, err
	}
	s := elapsed.Seconds()
	return cpuUse{server: (server - m.server) / s, client: (client - m.client) / s, idle: (idle - m.idle) / s}, nil
}

// cpuTimes returns the CPU seconds the process pid and this one have used,
// and the machine's idle seconds (idle and iowait, of all CPUs, from
// /proc/stat).
func cpuTimes(pid int) (server, client, idle float64, err error) {
	if server, err = cpuSeconds(pid); err != nil {
		return
	}
	if client, err = cpuSeconds(os.Getpid()); err != nil {
		return
	}
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait …
	if len(f) < 6 || f[0] != "cpu" {
		return 0, 0, 0, errors.New("/proc/stat: no cpu line")
	}
	idleTicks, err1 := strconv.ParseFloat(f[4], 64)
	iowaitTicks, err2 := strconv.ParseFloat(f[5], 64)
	if err1 != nil || err2 != nil {
		return 0, 0, 0, errors.New("/proc/stat: bad idle or iowait")
	}
	return server, client, (idleTicks + iowaitTicks) / userHZ, nil
}

// peakRSS returns the process's peak resident set size (VmHWM), in bytes.
func peakRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for l := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no VmHWM", pid)
}
