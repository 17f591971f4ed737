// Package smpptest runs an SMS centre simulator for tests: npm smpp 0.5.1
// in server mode, driven by internal/notify/testdata/smpp-smsc.js.
package smpptest

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/muster-force/muster/internal/nodetest"
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
	script := filepath.Join(filepath.Dir(filepath.Dir(self)), "testdata/smpp-smsc.js")
	s := &SMSC{}
	onLine := func(line []byte) {
		var e Event
		if json.Unmarshal(line, &e) == nil {
			s.mu.Lock()
			s.events = append(s.events, e)
			s.mu.Unlock()
		}
	}
	p := nodetest.Start(t, "SMPP against a real SMPP server", []string{"smpp"}, onLine, script, "muster", "secret")
	s.Addr, s.stdin = "127.0.0.1:"+strconv.Itoa(p.Port), p.Stdin
	return s
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
