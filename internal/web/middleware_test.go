package web

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// newBareServer returns a server without services, logging into buf.
func newBareServer(t *testing.T, buf *bytes.Buffer) *Server {
	t.Helper()
	var w io.Writer = io.Discard
	if buf != nil {
		w = buf
	}
	s, err := NewServer(Services{}, slog.New(slog.NewTextHandler(w, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRecoverPanics(t *testing.T) {
	var log bytes.Buffer
	s := newBareServer(t, &log)
	h := s.recoverPanics(s.observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("boom: pq: relation \"secret_table\" does not exist")
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/units", nil))
	if rec.Code != 500 {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	want := `{"error":{"code":"internal","message":"Internal error.","details":[]}}` + "\n"
	if rec.Body.String() != want {
		t.Errorf("body %q, want %q", rec.Body, want)
	}
	if !strings.Contains(log.String(), "secret_table") || !strings.Contains(log.String(), "middleware_test.go") {
		t.Errorf("the panic and its stack were not logged:\n%s", log.String())
	}
	var metrics strings.Builder
	s.metrics.write(&metrics)
	if !strings.Contains(metrics.String(), `muster_http_requests_total{route="unmatched",code="500"} 1`) {
		t.Errorf("the panic was not counted as a 500:\n%s", metrics.String())
	}
}

// TestRecoverPanicsAfterWrite checks that a panic after the answer began
// cuts the connection (http.ErrAbortHandler) rather than append an error.
func TestRecoverPanicsAfterWrite(t *testing.T) {
	s := newBareServer(t, nil)
	for _, v := range []any{"late boom", http.ErrAbortHandler} {
		h := s.recoverPanics(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("partial"))
			panic(v)
		}))
		func() {
			defer func() {
				if got := recover(); got != http.ErrAbortHandler {
					t.Errorf("panic(%v) after writing: recovered %v, want http.ErrAbortHandler", v, got)
				}
			}()
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
		}()
	}
}

func TestSecurityHeaders(t *testing.T) {
	h := newBareServer(t, nil).Handler()
	for _, path := range []string{"/healthz", "/api/v1/openapi.json", "/api/v1/units", "/no/such/page"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		for name, want := range map[string]string{
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
			"X-Frame-Options":         "DENY",
			"Content-Security-Policy": contentSecurityPolicy,
		} {
			if got := rec.Header().Get(name); got != want {
				t.Errorf("GET %s: %s = %q, want %q", path, name, got, want)
			}
		}
	}
	if !strings.HasPrefix(contentSecurityPolicy, "default-src 'self'") || strings.Contains(contentSecurityPolicy, "unsafe") {
		t.Errorf("the content security policy is not strict: %s", contentSecurityPolicy)
	}
}

// TestHSTS: with an https public URL every response tells browsers to use
// HTTPS only, for a year; without one (plain http), none does.
func TestHSTS(t *testing.T) {
	for public, want := range map[string]string{"https://muster.example": "max-age=31536000", "http://muster.example": "", "": ""} {
		s := newBareServer(t, nil)
		s.PublicURL = public
		h := s.Handler()
		for _, path := range []string{"/healthz", "/login", "/api/v1/units", "/static/muster.css", "/no/such/page"} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
			if got := rec.Header().Get("Strict-Transport-Security"); got != want {
				t.Errorf("public URL %q, GET %s: Strict-Transport-Security %q, want %q", public, path, got, want)
			}
		}
	}
}

func TestStatusWriterFlush(t *testing.T) {
	rec := httptest.NewRecorder()
	sw := &statusWriter{ResponseWriter: rec}
	if err := http.NewResponseController(sw).Flush(); err != nil {
		t.Fatal(err)
	}
	if !rec.Flushed || sw.status != 200 {
		t.Errorf("flushed %v, status %d", rec.Flushed, sw.status)
	}
}

// TestLoggedPathHidesSecrets: request logs, even at debug level, never
// carry a response token, a calendar feed's secret or a kit token.
func TestLoggedPathHidesSecrets(t *testing.T) {
	var log bytes.Buffer
	s := newBareServer(t, &log)
	s.Logger = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := s.observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for path, want := range map[string]string{
		"/r/AbCdEfGhIjKlMnOpQrStUvWxYz":      "/r/SECRET",
		"/r/AbCdEfGhIjKlMnOpQrStUvWxYz/push": "/r/SECRET/push",
		"/calendar/0123456789abcdef.ics":     "/calendar/SECRET.ics",
		"/k/AbCdEfGhIjKlMnOpQrStUvWxYz":      "/k/SECRET",
		"/api/v1/units/GOM":                  "/api/v1/units/GOM",
	} {
		log.Reset()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
		if !strings.Contains(log.String(), "path="+want+" ") {
			t.Errorf("%s logged as:\n%s\nwant path=%s", path, log.String(), want)
		}
		if strings.Contains(log.String(), "AbCdEf") || strings.Contains(log.String(), "0123456789abcdef") {
			t.Errorf("%s: the secret reached the log:\n%s", path, log.String())
		}
	}
}
