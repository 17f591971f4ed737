// Package smpptest runs an SMS centre simulator for tests: npm smpp 0.5.1
// in server mode, driven by internal/notify/testdata/smpp-smsc.js.
package smpptest

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// SMSC is a real SMPP server process: npm smpp in server mode, run by
// node from internal/testdeps (see internal/notify/testdata/smpp-smsc.js).
type SMSC struct {
	Addr  string
	stdin io.WriteCloser

	mu     sync.Mutex // protects events
	events []Event
}

// Event is one line the simulator printed.
type Event struct {
	Event              string `json:"event"`
	SystemID           string `json:"system_id"`
	OK                 bool   `json:"ok"`
	To                 string `json:"to"`
	Source             string `json:"source"`
	DataCoding         int    `json:"data_coding"`
	EsmClass           int    `json:"esm_class"`
	UDH                string `json:"udh"`
	Text               string `json:"text"`
	RegisteredDelivery int    `json:"registered_delivery"`
	MessageID          string `json:"message_id"`
	Status             int    `json:"status"`
}

// Start starts the simulator on a free loopback port, accepting the
// system_id "muster" with the password "secret", stopped when the test
// ends. Without node or smpp (scripts/test-deps) it skips, unless
// MUSTER_REQUIRE_NODE=1.
func Start(t testing.TB) *SMSC {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	notify := filepath.Dir(filepath.Dir(self))
	deps := filepath.Join(notify, "../testdeps")
	node, err := exec.LookPath("node")
	missing := ""
	if err != nil {
		missing = "node is not installed"
	} else if _, err := os.Stat(filepath.Join(deps, "node_modules/smpp/package.json")); err != nil {
		missing = "smpp is not installed in internal/testdeps (run scripts/test-deps)"
	}
	if missing != "" {
		if os.Getenv("MUSTER_REQUIRE_NODE") == "1" {
			t.Fatalf("%s, and MUSTER_REQUIRE_NODE=1", missing)
		}
		t.Skipf("SKIPPED: SMPP was NOT tested against a real SMPP server: %s", missing)
	}
	cmd := exec.Command(node, filepath.Join(notify, "testdata/smpp-smsc.js"), "muster", "secret")
	cmd.Dir = deps
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &SMSC{}
	if s.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	ready := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		ready <- line
		for {
			line, err := r.ReadBytes('\n')
			if err != nil {
				return
			}
			var e Event
			if json.Unmarshal(line, &e) == nil {
				s.mu.Lock()
				s.events = append(s.events, e)
				s.mu.Unlock()
			}
		}
	}()
	select {
	case line := <-ready:
		var hello struct{ Port int }
		if err := json.Unmarshal([]byte(line), &hello); err != nil || hello.Port == 0 {
			t.Fatalf("smpp-smsc said %q", line)
		}
		s.Addr = "127.0.0.1:" + strconv.Itoa(hello.Port)
		return s
	case <-time.After(20 * time.Second):
		t.Fatal("smpp-smsc did not start within 20 s")
	}
	return nil
}

// Command sends the simulator a command (see testdata/smpp-smsc.js) and
// waits until it has taken it.
func (s *SMSC) Command(t testing.TB, cmd map[string]any) {
	t.Helper()
	b, _ := json.Marshal(cmd)
	done := len(s.Events("done"))
	if _, err := s.stdin.Write(append(b, '\n')); err != nil {
		t.Fatal(err)
	}
	WaitFor(t, "the SMSC to take the command", func() bool { return len(s.Events("done")) > done })
}

// Message is a text the SMSC took, its parts put together.
type Message struct {
	To, Text, FirstID  string
	RegisteredDelivery int
}

// Messages returns the texts the SMSC took, whole, in the order of their
// first parts; a text with a part missing is left out.
func (s *SMSC) Messages() []Message {
	type whole struct {
		m     Message
		parts map[int]string
		count int
	}
	var list []*whole
	byRef := map[string]*whole{}
	for _, e := range s.Events("submit") {
		udh, _ := hex.DecodeString(e.UDH)
		if len(udh) != 5 || udh[0] != 0 {
			list = append(list, &whole{m: Message{To: e.To, Text: e.Text, FirstID: e.MessageID, RegisteredDelivery: e.RegisteredDelivery}})
			continue
		}
		key := fmt.Sprintf("%s/%d/%d", e.To, udh[2], udh[3])
		w := byRef[key]
		if w == nil || w.parts[int(udh[4])] != "" { // a new text, or the same one sent again
			w = &whole{m: Message{To: e.To, RegisteredDelivery: e.RegisteredDelivery}, parts: map[int]string{}, count: int(udh[3])}
			byRef[key] = w
			list = append(list, w)
		}
		w.parts[int(udh[4])] = e.Text
		if udh[4] == 1 {
			w.m.FirstID = e.MessageID
		}
	}
	var out []Message
	for _, w := range list {
		if w.parts != nil {
			if len(w.parts) != w.count {
				continue
			}
			for i := 1; i <= w.count; i++ {
				w.m.Text += w.parts[i]
			}
		}
		out = append(out, w.m)
	}
	return out
}

// Sync waits until the events of everything the simulator did before
// are in Events.
func (s *SMSC) Sync(t testing.TB) {
	t.Helper()
	s.Command(t, map[string]any{"cmd": "sync"})
}

// Events returns the simulator's events of the kind, in order; see Sync.
func (s *SMSC) Events(kind string) []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []Event
	for _, e := range s.events {
		if e.Event == kind {
			list = append(list, e)
		}
	}
	return list
}

// WaitFor polls cond until it holds, failing the test after 30 s.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
