package notify_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muster-force/muster/internal/nodetest"
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
	script, err := filepath.Abs("testdata/smtp-sink.js")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "mail.jsonl")
	p := nodetest.Start(t, "e-mail against a real SMTP server", []string{"smtp-server"}, nil, script, out)
	return &smtpSink{Addr: "127.0.0.1:" + strconv.Itoa(p.Port), out: out}
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
