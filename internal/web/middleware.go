package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/muster-force/muster"
)

// statusWriter remembers the status of the response it passes on.
type statusWriter struct {
	http.ResponseWriter
	status int // 0 until the header is written
}

// WriteHeader records the final status and passes it on.
func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write passes b on; it implies status 200 when no header was written.
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends buffered data to the client, for streamed responses.
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// recoverPanics turns a panic in a handler into a logged error (with the
// stack) and a 500 JSON error for the client (without it). When the
// response has already begun, the connection is cut instead.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.Logger.Error("panic", "method", r.Method, "path", loggedPath(r),
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if sw.status != 0 {
				panic(http.ErrAbortHandler)
			}
			var body errorBody
			body.Error.Code = muster.EINTERNAL
			body.Error.Message = "Internal error."
			body.Error.Details = []muster.ErrorDetail{}
			writeJSON(sw, http.StatusInternalServerError, body)
		}()
		next.ServeHTTP(sw, r)
	})
}

// observe counts each request by route pattern and status, and times it,
// in s.metrics. A request that panics before answering counts as a 500.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		done := false
		defer func() {
			status := sw.status
			if status == 0 {
				status = http.StatusOK // what net/http sends for an empty answer
				if !done {
					status = http.StatusInternalServerError
				}
			}
			d := time.Since(start)
			s.metrics.observe(r.Pattern, status, d)
			if s.Logger.Enabled(r.Context(), slog.LevelDebug) { // else its arguments cost allocations for nothing
				s.Logger.Debug("request", "method", r.Method, "path", loggedPath(r), "status", status, "duration", d)
			}
		}()
		next.ServeHTTP(sw, r)
		done = true
	})
}

// contentSecurityPolicy allows only muster's own scripts, styles, images
// and forms, and no framing.
const contentSecurityPolicy = "default-src 'self'; object-src 'none'; base-uri 'none'; " +
	"frame-ancestors 'none'; form-action 'self'"

// hstsPolicy is the Strict-Transport-Security of a muster served over
// HTTPS: a year, for the public URL's host alone.
const hstsPolicy = "max-age=31536000"

// securityHeaders sets the headers that keep browsers strict with every
// response: no MIME sniffing, no referrer to other sites, no framing, and
// a content security policy; with hsts (the public URL is https), HTTPS
// only for a year, even when a TLS proxy in front speaks plain HTTP to
// muster.
func securityHeaders(next http.Handler, hsts bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if hsts {
			h.Set("Strict-Transport-Security", hstsPolicy)
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// secretPaths are the path prefixes whose next segment is a secret: a
// member's response token, a calendar feed's secret and a member's kit
// token.
var secretPaths = []string{"/r/", calendarPath, kitPath}

// loggedPath is the request's path as logs may show it, with the secret
// segment of a secretPaths path replaced: whoever reads the logs must not
// be able to answer for a member, follow a feed or confirm a member's kit.
func loggedPath(r *http.Request) string {
	p := r.URL.Path
	for _, prefix := range secretPaths {
		rest, ok := strings.CutPrefix(p, prefix)
		if !ok {
			continue
		}
		tail := ""
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			tail = rest[i:]
		} else if i := strings.LastIndexByte(rest, '.'); i >= 0 {
			tail = rest[i:] // keep .ics
		}
		return prefix + "SECRET" + tail
	}
	return p
}
