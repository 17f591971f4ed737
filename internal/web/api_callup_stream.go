package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
)

// The event stream's timing: the least time between two reads of the
// readiness (a storm of answers wakes a stream every few milliseconds),
// how often it reads without being woken unless Server.ReadinessPoll says
// otherwise, and how often it sends a comment so proxies keep an idle
// stream open.
const (
	streamMinGap    = 200 * time.Millisecond
	streamPoll      = 5 * time.Second
	streamHeartbeat = 15 * time.Second
	streamRetryMs   = 2000 // the client's reconnection delay
)

// apiCallUpStream answers GET /api/v1/callups/{id}/stream?unit=CODE&depth=N
// with a text/event-stream of the readiness: an "event: readiness" with
// the same JSON as GET .../readiness at once, then again whenever it
// changes, and a comment every 15 seconds. It ends when the client goes
// away or the server stops (s.Stopping).
//
// A stream sleeps until the call-up's readiness changes in this process
// (CallUps.ReadinessChanged: the readiness cache wakes it after each
// committed answer batch, check-in or notice reached), then reads the
// readiness, at most once per streamMinGap, and sends it if its JSON
// differs. A read costs a few primary-key reads and a roll-up of the
// counts kept in memory, not a count of the members. Changes committed by
// other muster processes sharing a PostgreSQL database wake nobody here:
// for them the stream also reads every ReadinessPoll (5 s), a slow poll
// rather than LISTEN/NOTIFY, which would need a pgx connection of its own
// per process outside database/sql for a lag that only several processes
// have.
func (s *Server) apiCallUpStream(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "unit", "depth")
	unit := q.code("unit")
	depth := q.int("depth", 1, 0, 10)
	if err := q.err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	id, err := callUpID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	ctx := r.Context()
	read := func() ([]byte, error) {
		rd, err := s.CallUps.Readiness(ctx, id, unit, depth)
		if err != nil {
			return nil, err
		}
		return json.Marshal(apiReadiness(rd))
	}
	// The first read checks the call-up and the actor's scope while an
	// error can still be a JSON answer.
	changed := s.CallUps.ReadinessChanged(id) // before the read: no change is missed
	last, err := read()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{}) // the stream outlives any server write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, "retry: "+strconv.Itoa(streamRetryMs)+"\n\n")
	if writeEvent(w, last) != nil || rc.Flush() != nil {
		return
	}
	every := s.ReadinessPoll
	if every <= 0 {
		every = streamPoll
	}
	poll := time.NewTicker(every)
	defer poll.Stop()
	beat := time.NewTicker(streamHeartbeat)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.Stopping:
			return
		case <-beat.C:
			if _, err := io.WriteString(w, ": heartbeat\n\n"); err != nil || rc.Flush() != nil {
				return
			}
			continue
		case <-changed:
		case <-poll.C:
		}
		changed = s.CallUps.ReadinessChanged(id)
		b, err := read()
		if err != nil {
			if ctx.Err() == nil {
				// End the stream; the client reconnects and gets the
				// error, or the readiness, afresh.
				s.Logger.Error("readiness stream", "method", r.Method, "path", loggedPath(r), "err", err)
			}
			return
		}
		if !bytes.Equal(b, last) {
			last = b
			if writeEvent(w, b) != nil || rc.Flush() != nil {
				return
			}
			beat.Reset(streamHeartbeat)
		}
		// A storm wakes the stream at every commit: read at most once a gap.
		select {
		case <-ctx.Done():
			return
		case <-s.Stopping:
			return
		case <-time.After(streamMinGap):
		}
	}
}

// writeEvent writes one readiness event; data is JSON on one line.
func writeEvent(w io.Writer, data []byte) error {
	var buf bytes.Buffer
	buf.WriteString("event: readiness\ndata: ")
	buf.Write(data)
	buf.WriteString("\n\n")
	_, err := w.Write(buf.Bytes())
	return err
}
