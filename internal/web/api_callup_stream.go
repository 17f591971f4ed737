package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
)

// The event stream's timing: how often it reads the readiness, and how
// often it sends a comment so proxies keep an idle stream open.
const (
	streamPoll      = 500 * time.Millisecond
	streamHeartbeat = 15 * time.Second
	streamRetryMs   = 2000 // the client's reconnection delay
)

// apiCallUpStream answers GET /api/v1/callups/{id}/stream?unit=CODE&depth=N
// with a text/event-stream of the readiness: an "event: readiness" with
// the same JSON as GET .../readiness at once, then again whenever it
// changes, and a comment every 15 seconds. It ends when the client goes
// away or the server stops (s.Stopping).
//
// Each stream reads the readiness every 500 ms and compares the JSON bytes.
// A read costs a few primary-key reads and a roll-up of the call-up's
// counts kept in memory (sqldb's readiness cache, which the answer writer
// updates after each commit), not a count of its members, so many boards
// may follow a large call-up; waking the streams on a commit instead of
// polling would lower their lag further.
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
	last, err := read()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{}) // the stream outlives any server write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, "retry: "+strconv.Itoa(streamRetryMs)+"\n\n")
	if writeEvent(w, last) != nil || rc.Flush() != nil {
		return
	}
	poll := time.NewTicker(streamPoll)
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
		case <-poll.C:
			b, err := read()
			if err != nil {
				if ctx.Err() == nil {
					// End the stream; the client reconnects and gets the
					// error, or the readiness, afresh.
					s.Logger.Error("readiness stream", "method", r.Method, "path", loggedPath(r), "err", err)
				}
				return
			}
			if bytes.Equal(b, last) {
				continue
			}
			last = b
			if writeEvent(w, b) != nil || rc.Flush() != nil {
				return
			}
			beat.Reset(streamHeartbeat)
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
