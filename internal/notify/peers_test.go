package notify_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpSink is a real SMTP server process: npm smtp-server, run by node
// from internal/testdeps (see testdata/smtp-sink.js).
type smtpSink struct {
	Addr string
	out  string
}

// sunkMail is one message the SMTP server accepted.
type sunkMail struct {
	From string   `json:"from"`
	To   []string `json:"to"`
	Raw  string   `json:"raw"`
}

// startSMTP starts the SMTP server on a free loopback port, stopped when
// the test ends. Without node or smtp-server (scripts/test-deps) it skips,
// unless MUSTER_REQUIRE_NODE=1.
func startSMTP(t *testing.T) *smtpSink {
	t.Helper()
	deps, err := filepath.Abs("../testdeps")
	if err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs("testdata/smtp-sink.js")
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	missing := ""
	if err != nil {
		missing = "node is not installed"
	} else if _, err := os.Stat(filepath.Join(deps, "node_modules/smtp-server/package.json")); err != nil {
		missing = "smtp-server is not installed in internal/testdeps (run scripts/test-deps)"
	}
	if missing != "" {
		if os.Getenv("MUSTER_REQUIRE_NODE") == "1" {
			t.Fatalf("%s, and MUSTER_REQUIRE_NODE=1", missing)
		}
		t.Skipf("SKIPPED: e-mail was NOT tested against a real SMTP server: %s", missing)
	}
	out := filepath.Join(t.TempDir(), "mail.jsonl")
	cmd := exec.Command(node, script, out)
	cmd.Dir = deps
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- line
		io.Copy(io.Discard, stdout)
	}()
	select {
	case line := <-ready:
		var hello struct{ Port int }
		if err := json.Unmarshal([]byte(line), &hello); err != nil || hello.Port == 0 {
			t.Fatalf("smtp-sink said %q", line)
		}
		return &smtpSink{Addr: "127.0.0.1:" + strconv.Itoa(hello.Port), out: out}
	case <-time.After(20 * time.Second):
		t.Fatal("smtp-sink did not start within 20 s")
	}
	return nil
}

// Mails returns the messages the server accepted, in order.
func (s *smtpSink) Mails(t *testing.T) []sunkMail {
	t.Helper()
	b, err := os.ReadFile(s.out)
	if os.IsNotExist(err) {
		return nil
	} else if err != nil {
		t.Fatal(err)
	}
	var list []sunkMail
	for line := range strings.Lines(string(b)) {
		var m sunkMail
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("smtp-sink line %q: %v", line, err)
		}
		list = append(list, m)
	}
	return list
}

// gateway is a local HTTP SMS gateway that records what it gets.
type gateway struct {
	*httptest.Server
	Key string

	mu   sync.Mutex // protects following fields
	got  []gatewayRequest
	fail map[string][]int // status codes to answer, in turn, per number
}

type gatewayRequest struct {
	To, Text, Auth, IdempotencyKey string
	At                             time.Time
}

func startGateway(t *testing.T) *gateway {
	g := &gateway{Key: "test-key", fail: map[string][]int{}}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct{ To, Text string }
		if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&body) != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		g.mu.Lock()
		g.got = append(g.got, gatewayRequest{To: body.To, Text: body.Text, Auth: r.Header.Get("Authorization"),
			IdempotencyKey: r.Header.Get("Idempotency-Key"), At: time.Now()})
		n := len(g.got)
		code := 0
		if f := g.fail[body.To]; len(f) > 0 {
			code, g.fail[body.To] = f[0], f[1:]
		}
		g.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+g.Key {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if code != 0 {
			http.Error(w, "scripted failure", code)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"id": "gw-" + strconv.Itoa(n)})
	}))
	t.Cleanup(g.Close)
	return g
}

// Requests returns what the gateway got, in order.
func (g *gateway) Requests() []gatewayRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]gatewayRequest(nil), g.got...)
}

// FailNext makes the gateway answer the number with these statuses first.
func (g *gateway) FailNext(to string, codes ...int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.fail[to] = append(g.fail[to], codes...)
}
