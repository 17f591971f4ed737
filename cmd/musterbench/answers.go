package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/muster-force/muster/internal/demo"
)

// answersResult is what the answers part measured.
type answersResult struct {
	members      int
	conns        int
	muster, bare loadResult
	lag          lagResult
	musterCPU    cpuUse // during muster's storm
	bareCPU      cpuUse // during the bare handler's
	peakRSS      int64  // muster serve's VmHWM, bytes
	background   string // what else wrote during muster's storm
	writer       string // what the answer writer did during it
	earlier      int64  // call-ups the database held before the bench's
}

func (r answersResult) print() {
	fmt.Printf("answers over HTTP, POST /r/{token} with a JSON answer, %d keep-alive connections, %d members called up:\n", r.conns, r.members)
	fmt.Printf("  bare net/http handler        %s  %s\n", r.bare, r.bareCPU)
	fmt.Printf("  muster serve, durable        %s  %s\n", r.muster, r.musterCPU)
	fmt.Printf("  ratio muster/bare = %.2fx (target ≥ 0.5x)\n", r.muster.rate()/r.bare.rate())
	fmt.Printf("  readiness stream lag behind the acknowledged answers: %s (target < 1 s)\n", r.lag)
	fmt.Printf("  muster serve peak RSS %d MB (target < 500 MB)\n", r.peakRSS>>20)
	fmt.Printf("  answer writer during muster's storm: %s\n", r.writer)
	fmt.Printf("  background work during muster's storm: %s\n", r.background)
	if r.earlier > 0 {
		fmt.Printf("  note: the database held %d call-ups before this run's (a -dir used before?): its call-up tables were larger than a fresh demo force's, so compare only with runs on the same database state\n", r.earlier)
	}
}

// benchAnswers calls up every member of the database at dbPath (building
// the demo force of n members first when there is none), starts `muster
// serve` on it as a child, and storms it with answers, each a different
// member's, while a client follows the readiness stream; then it storms
// a bare net/http handler, a child too, with the same client.
func benchAnswers(ctx context.Context, bin, dir, dbPath string, n, conns int, d time.Duration) (answersResult, error) {
	res := answersResult{conns: conns}
	if _, err := os.Stat(dbPath); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(os.Stderr, "answers: building the demo force of %d members\n", n)
		if out, err := exec.CommandContext(ctx, bin, "demo", "-db", dbPath, "-members", strconv.Itoa(n)).CombinedOutput(); err != nil {
			return res, fmt.Errorf("muster demo: %v: %s", err, out)
		}
	}
	root := demo.Force(1).Units[0].Code
	out, err := exec.CommandContext(ctx, bin, "token", "create", "-db", dbPath, "-role", "admin", "-unit", root, "-name", "musterbench").Output()
	if err != nil {
		return res, fmt.Errorf("muster token create: %w", err)
	}
	admin := strings.TrimSpace(string(out))

	srv, err := startServer(ctx, filepath.Join(dir, "serve.log"), bin, "serve", "-db", dbPath, "-addr", "127.0.0.1:0")
	if err != nil {
		return res, err
	}
	defer srv.stop()
	api := &apiClient{base: srv.url, token: admin}
	id, targeted, err := api.callUpEveryone(ctx, root)
	if err != nil {
		return res, err
	}
	res.members, res.earlier = targeted, id-1
	paths, err := api.responsePaths(ctx, id)
	if err != nil {
		return res, err
	}
	fmt.Fprintf(os.Stderr, "answers: call-up %d targets %d members; storming muster for %s\n", id, targeted, d)

	follow, err := api.followReadiness(ctx, id)
	if err != nil {
		return res, err
	}
	acks := newAckLog(len(paths))
	meter, err := startCPUMeter(srv.cmd.Process.Pid)
	if err != nil {
		return res, err
	}
	w0, err := api.writerTotals(ctx)
	if err != nil {
		return res, err
	}
	stormStart := time.Now()
	res.muster = storm(ctx, srv.url, paths, conns, d, acks.add)
	if res.musterCPU, err = meter.since(res.muster.elapsed); err != nil {
		return res, err
	}
	w1, err := api.writerTotals(ctx)
	if err != nil {
		return res, err
	}
	res.writer = writerSummary(w0, w1, res.muster.elapsed)
	res.lag = follow.lag(acks, 5*time.Second)
	if res.peakRSS, err = peakRSS(srv.cmd.Process.Pid); err != nil {
		return res, err
	}
	srv.stop()
	if res.background, err = backgroundWork(ctx, dbPath, stormStart, stormStart.Add(res.muster.elapsed)); err != nil {
		return res, err
	}

	self, err := os.Executable()
	if err != nil {
		return res, err
	}
	fmt.Fprintf(os.Stderr, "answers: storming the bare handler for %s\n", d)
	bare, err := startServer(ctx, filepath.Join(dir, "bare.log"), self, "-serve-bare")
	if err != nil {
		return res, err
	}
	defer bare.stop()
	if meter, err = startCPUMeter(bare.cmd.Process.Pid); err != nil {
		return res, err
	}
	res.bare = storm(ctx, bare.url, paths, conns, d, func() {})
	if res.bareCPU, err = meter.since(res.bare.elapsed); err != nil {
		return res, err
	}
	return res, nil
}

// server is a child process that serves HTTP on 127.0.0.1.
type server struct {
	cmd  *exec.Cmd
	url  string // ends without a slash
	done chan struct{}
}

// listening matches the line muster serve, and musterbench -serve-bare,
// print once they listen.
var listening = regexp.MustCompile(`(?:muster is running|listening) at (http://[^/\s]+)/`)

// startServer starts the command with stderr to logPath and waits until it
// prints its address and answers GET /healthz.
func startServer(ctx context.Context, logPath, name string, args ...string) (*server, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = logf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, done: make(chan struct{})}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		announced := false
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil && !announced {
				found <- m[1]
				announced = true
			}
		}
		cmd.Wait()
		logf.Close()
		close(s.done)
	}()
	select {
	case s.url = <-found:
	case <-s.done:
		return nil, fmt.Errorf("%s exited before listening; see %s", filepath.Base(name), logPath)
	case <-time.After(time.Minute):
		s.stop()
		return nil, fmt.Errorf("%s did not listen within a minute; see %s", filepath.Base(name), logPath)
	}
	for range 100 {
		if resp, err := http.Get(s.url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("%s: GET /healthz never answered 200; see %s", filepath.Base(name), logPath)
}

// stop asks the server to shut down (so that a MUSTER_CPUPROFILE it was
// given is written), kills it if it has not ended within 10 seconds, and
// waits for it; calling it again does nothing.
func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// apiClient calls muster's API with an admin token.
type apiClient struct {
	base, token string
}

func (c *apiClient) do(ctx context.Context, method, path, body string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return http.DefaultClient.Do(req)
}

// callUpEveryone creates a drill call-up of every member under the unit,
// on paper (which the dispatcher leaves to staff, so that nothing but the
// answers writes during the storm), and returns its id and size.
func (c *apiClient) callUpEveryone(ctx context.Context, unit string) (int64, int, error) {
	body, _ := json.Marshal(map[string]any{
		"title": "musterbench", "kind": "exercise", "unit": unit, "message": "Answers benchmark.",
		"assembly_point": "Barracks", "report_by": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339),
		"filter":   map[string]any{"status": []string{"applicant", "active", "reserve", "inactive", "discharged"}, "qualifications": []string{}},
		"channels": []string{"paper"}, "drill": true,
	})
	resp, err := c.do(ctx, http.MethodPost, "/api/v1/callups", string(body))
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	var out struct {
		ID       int64 `json:"id"`
		Targeted int   `json:"targeted"`
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(b, &out) != nil {
		return 0, 0, fmt.Errorf("POST /api/v1/callups: %s: %s", resp.Status, b)
	}
	return out.ID, out.Targeted, nil
}

// responsePaths reads the call-up's notices and returns the path of each
// member's response link, /r/TOKEN.
func (c *apiClient) responsePaths(ctx context.Context, id int64) ([]string, error) {
	resp, err := c.do(ctx, http.MethodGet, fmt.Sprintf("/api/v1/callups/%d/notices", id), "")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("GET notices: %s: %s", resp.Status, b)
	}
	r := csv.NewReader(bufio.NewReaderSize(resp.Body, 1<<20))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil { // the header
		return nil, fmt.Errorf("notices: %w", err)
	}
	var paths []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("notices: %w", err)
		}
		i := strings.Index(rec[3], "/r/")
		if i < 0 {
			return nil, fmt.Errorf("notices: %q is not a response link", rec[3])
		}
		paths = append(paths, rec[3][i:])
	}
	if len(paths) == 0 {
		return nil, errors.New("notices: the call-up has none")
	}
	return paths, nil
}
