package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/pgtest"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
	"github.com/muster-force/muster/internal/web"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// testServer is a server over a seeded database of one dialect, with the
// fake access service of access_fake_test.go and a captured log.
type testServer struct {
	*web.Server
	db     *sqldb.DB
	access *fakeAccess
	log    *syncBuffer
	h      http.Handler
}

// newTestServer seeds db (see sqldbtest.Seed) and returns a server over it.
func newTestServer(t *testing.T, db *sqldb.DB) *testServer {
	t.Helper()
	sqldbtest.Seed(t, db)
	access := newFakeAccess(t, db)
	logBuf := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logBuf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv, err := web.NewServer(web.Services{Units: db, Members: db, Roster: db, Access: access, Audit: db,
		Qualifications: db, Templates: db, Unavailability: db, Selection: db, Ping: db.Ping, AnswerStats: db.AnswerStats}, logger)
	if err != nil {
		t.Fatal(err)
	}
	srv.Now = func() time.Time { return sqldbtest.Now }
	srv.Zone = time.UTC
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", logBuf.String())
		}
	})
	return &testServer{Server: srv, db: db, access: access, log: logBuf, h: srv.Handler()}
}

// csvText is a request body sent as text/csv.
type csvText string

// rawBody is a request body sent as it is, with its Content-Type.
type rawBody struct{ contentType, body string }

// request sends a request to the server and returns the recorded answer.
// token, when not empty, goes in the Authorization header. body is nil, a
// string of JSON, a csvText, a rawBody, or any value to encode as JSON.
func request(t *testing.T, srv *testServer, method, url, token string, body any) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	contentType := "application/json"
	switch b := body.(type) {
	case nil:
		contentType = ""
	case string:
		r = strings.NewReader(b)
	case csvText:
		r, contentType = strings.NewReader(string(b)), "text/csv"
	case rawBody:
		r, contentType = strings.NewReader(b.body), b.contentType
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, url, r)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	srv.h.ServeHTTP(rec, req)
	return rec
}

// scenario is one request and what the answer must be.
type scenario struct {
	name               string
	method, url, token string
	body               any
	status             int
	code               string                                             // the error code, for error statuses
	field              string                                             // a field the error's details must name
	check              func(t *testing.T, rec *httptest.ResponseRecorder) // more checks, or nil
}

// run runs the scenarios in order against srv.
func run(t *testing.T, srv *testServer, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		rec := request(t, srv, sc.method, sc.url, sc.token, sc.body)
		if rec.Code != sc.status {
			t.Errorf("%s: %s %s = %d, want %d\n%s", sc.name, sc.method, sc.url, rec.Code, sc.status, rec.Body)
			continue
		}
		if sc.status >= 400 && strings.HasPrefix(sc.url, "/api/") {
			e := decodeError(t, rec)
			if sc.code != "" && e.Code != sc.code {
				t.Errorf("%s: error code %q, want %q (%s)", sc.name, e.Code, sc.code, e.Message)
			}
			if sc.field != "" && !e.names(sc.field) {
				t.Errorf("%s: error %q does not name field %q in its details %+v", sc.name, e.Message, sc.field, e.Details)
			}
		}
		if sc.check != nil {
			sc.check(t, rec)
		}
	}
}

// apiErr is the "error" object of an error answer.
type apiErr struct {
	Code    string               `json:"code"`
	Message string               `json:"message"`
	Details []muster.ErrorDetail `json:"details"`
}

// names reports whether a detail is about the field.
func (e apiErr) names(field string) bool {
	for _, d := range e.Details {
		if d.Field == field {
			return true
		}
	}
	return false
}

// decodeError decodes the contract's error shape, failing the test when
// the answer does not have it.
func decodeError(t *testing.T, rec *httptest.ResponseRecorder) apiErr {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error answer has Content-Type %q, want JSON: %s", ct, rec.Body)
	}
	var body struct {
		Error *apiErr `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil || body.Error == nil || body.Error.Code == "" || body.Error.Message == "" || body.Error.Details == nil {
		t.Fatalf("answer %d is not the contract's error shape (%v): %s", rec.Code, err, rec.Body)
	}
	return *body.Error
}

// decode decodes a JSON answer into v.
func decode(t *testing.T, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %s: %v", rec.Body, err)
	}
}

// syncBuffer is a bytes.Buffer safe for the logger and the test at once.
type syncBuffer struct {
	mu sync.Mutex // protects b
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestAPIAuthorizationScheme checks that the scheme of the Authorization
// header is case-insensitive (RFC 7235) and that anything but a bearer
// token is 401.
func TestAPIAuthorizationScheme(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newTestServer(t, db)
		for _, c := range []struct {
			header string
			status int
		}{
			{"Bearer admin-token", 200},
			{"bearer admin-token", 200},
			{"BEARER admin-token", 200},
			{"Bearer   admin-token ", 200},
			{"Basic admin-token", 401},
			{"Bearer", 401},
			{"bearer ", 401},
			{"Bearerx admin-token", 401},
			{"bearer wrong-token", 401},
		} {
			req := httptest.NewRequest("GET", "/api/v1/units/TD", nil)
			req.Header.Set("Authorization", c.header)
			rec := httptest.NewRecorder()
			srv.h.ServeHTTP(rec, req)
			if rec.Code != c.status {
				t.Errorf("Authorization: %q: %d, want %d\n%s", c.header, rec.Code, c.status, rec.Body)
			}
		}
	})
}
