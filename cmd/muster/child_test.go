package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// child is muster running as a process of its own: the test binary
// re-executed with MUSTER_RUN_MAIN=1, so that TestMain calls main.
type child struct {
	cmd            *exec.Cmd
	stdout, stderr *syncBuffer
	done           chan struct{} // closed once it has exited
	state          *os.ProcessState
}

// startChild starts "muster args..." in dir with the test's environment,
// less MUSTER_DB, plus env ("KEY=VALUE"). It is killed, if still running,
// when the test ends.
func startChild(t *testing.T, dir string, env []string, stdin io.Reader, args ...string) *child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: exec.Command(exe, args...), stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	c.cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MUSTER_DB=") && !strings.HasPrefix(kv, "MUSTER_RUN_MAIN=") {
			c.cmd.Env = append(c.cmd.Env, kv)
		}
	}
	c.cmd.Env = append(append(c.cmd.Env, "MUSTER_RUN_MAIN=1"), env...)
	c.cmd.Stdin, c.cmd.Stdout, c.cmd.Stderr = stdin, c.stdout, c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		c.cmd.Wait()
		c.state = c.cmd.ProcessState
		close(c.done)
	}()
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		<-c.done
	})
	return c
}

// exited reports whether the child has exited.
func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// wait waits for the child to exit and returns its exit status, or -1 if a
// signal ended it.
func (c *child) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(patience):
		t.Fatalf("muster %s did not exit\nstderr:\n%s", strings.Join(c.cmd.Args[1:], " "), c.stderr)
	}
	return c.state.ExitCode()
}

// signal sends sig to the child.
func (c *child) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatal(err)
	}
}

// waitStdout waits until the child's standard output matches re and
// returns the submatches; it fails if the child exits first.
func (c *child) waitStdout(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	var m []string
	eventually(t, "muster to print "+re.String(), func() bool {
		if m = re.FindStringSubmatch(c.stdout.String()); m == nil && c.exited() {
			t.Fatalf("muster exited with status %d before printing %s\nstdout:\n%s\nstderr:\n%s",
				c.state.ExitCode(), re, c.stdout, c.stderr)
		}
		return m != nil
	})
	return m
}

// runningAt matches the line serve prints once it listens.
var runningAt = regexp.MustCompile(`muster is running at (http://\S+/)`)

// startServe starts "muster serve -addr 127.0.0.1:0 args..." as a child,
// waits for its URL and for GET /healthz to answer 200, and returns both.
func startServe(t *testing.T, dir string, args ...string) (*child, string) {
	t.Helper()
	c := startChild(t, dir, nil, nil, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...)...)
	url := c.waitStdout(t, runningAt)[1]
	eventually(t, "GET /healthz to answer 200", func() bool {
		resp, err := http.Get(url + "healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return c, url
}

// apiGet sends GET url with the bearer token and decodes a JSON answer
// into v; it returns the status code.
func apiGet(t *testing.T, url, token string, v any) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusOK && v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: %v\n%s", url, err, body)
		}
	}
	return resp.StatusCode
}

// memberTotal returns the total of GET /api/v1/members as the token sees
// it, failing unless the answer is 200.
func memberTotal(t *testing.T, base, token string) int {
	t.Helper()
	var page struct {
		Total int `json:"total"`
	}
	if code := apiGet(t, base+"api/v1/members?limit=1", token, &page); code != http.StatusOK {
		t.Fatalf("GET /api/v1/members with the token: %d, want 200", code)
	}
	return page.Total
}

// syncBuffer is a bytes.Buffer safe for a child's output copier and the
// test's polls at once.
type syncBuffer struct {
	mu sync.Mutex // protects b
	b  bytes.Buffer
}

// Write appends p to the buffer.
func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what has been written so far.
func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
