package web

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// sseEvent is one server-sent event.
type sseEvent struct{ name, data string }

// readEvents reads the events of a stream into a channel, which closes
// when the stream ends; comments and retry lines are skipped.
func readEvents(body *bufio.Reader) <-chan sseEvent {
	ch := make(chan sseEvent, 16)
	go func() {
		defer close(ch)
		var ev sseEvent
		for {
			line, err := body.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\r\n")
			switch {
			case line == "":
				if ev.name != "" || ev.data != "" {
					ch <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data += strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return ch
}

func TestAPICallUpStream(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		id := strconv.FormatInt(e.createCallUp(callUpBody(set("channels", []string{"paper"}), set("drill", false))), 10)
		n, _ := strconv.ParseInt(id, 10, 64)
		g1 := e.responsePath(n, "G1")

		// Errors come before the stream, as JSON.
		e.run([]apiScenario{
			{name: "no token", method: "GET", path: "/api/v1/callups/" + id + "/stream", status: 401, code: muster.EUNAUTHORIZED},
			{name: "outside the subtree", method: "GET", path: "/api/v1/callups/" + id + "/stream?unit=GOM", who: "commander@GOM-MOZ", status: 403, code: muster.EFORBIDDEN},
			{name: "unknown", method: "GET", path: "/api/v1/callups/9999/stream", who: "admin@TD", status: 404, code: muster.ENOTFOUND},
			{name: "bad depth", method: "GET", path: "/api/v1/callups/" + id + "/stream?depth=x", who: "admin@TD", status: 400, field: "depth"},
			{name: "unknown parameter", method: "GET", path: "/api/v1/callups/" + id + "/stream?since=1", who: "admin@TD", status: 400, field: "since"},
		})

		stop := make(chan struct{})
		e.s.Stopping = stop
		// Only a wake-up can bring the events below within the test's 30 s.
		e.s.ReadinessPoll = time.Hour
		srv := httptest.NewServer(e.h)
		defer srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v1/callups/"+id+"/stream?unit=GOM&depth=2", nil)
		req.Header.Set("Authorization", "Bearer "+e.tokens["viewer@TD"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("stream: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
		}
		events := readEvents(bufio.NewReader(resp.Body))
		next := func(what string) muster.Readiness {
			t.Helper()
			select {
			case ev, ok := <-events:
				if !ok {
					t.Fatalf("the stream ended before %s", what)
				}
				var rd muster.Readiness
				if ev.name != "readiness" || json.Unmarshal([]byte(ev.data), &rd) != nil {
					t.Fatalf("%s: event %q %q", what, ev.name, ev.data)
				}
				return rd
			case <-ctx.Done():
				t.Fatalf("no event for %s", what)
			}
			return muster.Readiness{}
		}
		rd := next("the first event")
		if rd.Unit != "GOM" || rd.Targeted != 1 || rd.Yes != 0 || rd.NoAnswer != 1 || len(rd.Children) != 1 || len(rd.Children[0].Children) != 1 {
			t.Errorf("first event %+v", rd)
		}

		if rec := e.answerRequest("POST", g1, "192.0.2.9", jsonType, `{"answer":"yes"}`); rec.Code != 200 {
			t.Fatalf("answer: %d %s", rec.Code, rec.Body)
		}
		rd = next("the answer")
		if rd.Yes != 1 || rd.NoAnswer != 0 || rd.Children[0].Yes != 1 {
			t.Errorf("after G1's yes: %+v", rd)
		}

		// A check-in reaches the stream too: the cache moves G1 and wakes it.
		if rec := e.api("POST", "/api/v1/callups/"+id+"/checkins", "admin@TD", map[string]string{"service_number": "G1"}); rec.Code != 200 {
			t.Fatalf("check-in: %d %s", rec.Code, rec.Body)
		}
		rd = next("the check-in")
		if rd.CheckedIn != 1 || rd.Yes != 1 || rd.Children[0].CheckedIn != 1 {
			t.Errorf("after G1's check-in: %+v", rd)
		}

		// The stream ends when the server stops.
		req2, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v1/callups/"+id+"/stream", nil)
		req2.Header.Set("Authorization", "Bearer "+e.tokens["admin@TD"])
		resp2, err := http.DefaultClient.Do(req2)
		if err != nil {
			t.Fatal(err)
		}
		defer resp2.Body.Close()
		events2 := readEvents(bufio.NewReader(resp2.Body))
		if ev := <-events2; ev.name != "readiness" {
			t.Fatalf("second stream: %+v", ev)
		}
		close(stop)
		select {
		case _, ok := <-events2:
			if ok {
				t.Errorf("an event after the server stopped")
			}
		case <-ctx.Done():
			t.Errorf("the stream did not end when the server stopped")
		}
	})
}
