package web

import (
	"bytes"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// uiPassword is the password of the staff users the page tests create.
const uiPassword = "correct horse battery staple"

// uiEnv is a server over a seeded database, for the page tests: the
// tests of this package's internals reach s and db directly.
type uiEnv struct {
	t   *testing.T
	s   *Server
	db  *sqldb.DB
	h   http.Handler
	log *lockedBuffer
}

// newUIEnv seeds a database of the dialect (see sqldbtest.Seed) and
// returns a server over it with the clock at sqldbtest.Now.
func newUIEnv(t *testing.T, db *sqldb.DB) *uiEnv {
	t.Helper()
	sqldbtest.Seed(t, db)
	log := &lockedBuffer{}
	s, err := NewServer(Services{Units: db, Members: db, Roster: db, Access: db, Audit: db,
		Qualifications: db, Templates: db, Unavailability: db, Selection: db, Armory: db, Station: db, ArmoryReports: db, Ping: db.Ping, AnswerStats: db.AnswerStats}, slog.New(slog.NewTextHandler(log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return sqldbtest.Now }
	s.Zone = time.UTC // whatever the machine's zone, the pages' times read as the tests expect
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", log.String())
		}
	})
	return &uiEnv{t: t, s: s, db: db, h: s.Handler(), log: log}
}

// addUser creates a staff user with uiPassword.
func (e *uiEnv) addUser(login string, role muster.Role, unit string) {
	e.t.Helper()
	u := &muster.User{Login: login, Name: "Test " + login, Role: role, Unit: unit}
	if err := e.db.CreateUser(sqldbtest.System(), u, uiPassword); err != nil {
		e.t.Fatalf("create user %s: %v", login, err)
	}
}

// uiClient is a browser of sorts: it keeps cookies and sends requests
// straight to the handler.
type uiClient struct {
	e       *uiEnv
	cookies map[string]*http.Cookie
}

// client returns a client with no cookies.
func (e *uiEnv) client() *uiClient { return &uiClient{e: e, cookies: map[string]*http.Cookie{}} }

// signedIn creates a user and returns a client signed in as it through the
// login form.
func (e *uiEnv) signedIn(login string, role muster.Role, unit string) *uiClient {
	e.t.Helper()
	e.addUser(login, role, unit)
	c := e.client()
	rec := c.post("/login", url.Values{"login": {login}, "password": {uiPassword}})
	if rec.Code != http.StatusSeeOther || c.cookies[sessionCookie] == nil {
		e.t.Fatalf("sign in as %s: %d\n%s", login, rec.Code, rec.Body)
	}
	return c
}

// do sends the request with the client's cookies and keeps the ones set.
func (c *uiClient) do(req *http.Request) *httptest.ResponseRecorder {
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	c.e.h.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck
		}
	}
	return rec
}

// get sends a GET.
func (c *uiClient) get(path string) *httptest.ResponseRecorder {
	return c.do(httptest.NewRequest(http.MethodGet, path, nil))
}

// post sends a urlencoded form as it is (add the token with withToken).
func (c *uiClient) post(path string, form url.Values) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// token returns the form token of the client's session, as the pages
// embed it.
func (c *uiClient) token() string {
	ck := c.cookies[sessionCookie]
	if ck == nil {
		return ""
	}
	return tokenFor(ck.Value)
}

// withToken returns the form with the client's form token added.
func (c *uiClient) withToken(form url.Values) url.Values {
	out := url.Values{formTokenField: {c.token()}}
	for k, v := range form {
		out[k] = v
	}
	return out
}

// upload posts a multipart form with one file, as the import page does.
func (c *uiClient) upload(path string, fields map[string]string, fileName, content string) *httptest.ResponseRecorder {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", fileName)
	io.WriteString(fw, content)
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// follow GETs the Location of a redirect.
func (c *uiClient) follow(rec *httptest.ResponseRecorder) *httptest.ResponseRecorder {
	c.e.t.Helper()
	loc := rec.Header().Get("Location")
	if loc == "" {
		c.e.t.Fatalf("no redirect (status %d)", rec.Code)
	}
	return c.get(loc)
}

// wantPage fails the test unless the response has the status and its body
// contains every string (after unescaping HTML) and matches none of the
// "!"-prefixed ones.
func wantPage(t *testing.T, rec *httptest.ResponseRecorder, status int, contains ...string) {
	t.Helper()
	body := htmlText(rec.Body.String())
	if rec.Code != status {
		t.Fatalf("status = %d, want %d\n%s", rec.Code, status, body)
	}
	for _, s := range contains {
		if not, ok := strings.CutPrefix(s, "!"); ok {
			if strings.Contains(body, not) {
				t.Errorf("page contains %q, and should not\n%s", not, body)
			}
		} else if !strings.Contains(body, s) {
			t.Errorf("page lacks %q\n%s", s, body)
		}
	}
}

var entity = strings.NewReplacer("&#43;", "+", "&#39;", "'", "&#34;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`)

// htmlText undoes html/template's escaping of text, so tests can look for
// "+375…" rather than "&#43;375…".
func htmlText(s string) string { return entity.Replace(s) }

// tagText returns the text of s with tags removed and white space
// collapsed, for looking for phrases that span elements.
func tagText(s string) string {
	return strings.Join(strings.Fields(htmlText(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(s, " "))), " ")
}

// lockedBuffer is a log buffer safe for concurrent handlers.
type lockedBuffer struct {
	mu sync.Mutex // protects b
	b  bytes.Buffer
}

// Write appends p to the buffer.
func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns what was written.
func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// regexpFind returns the first group of the pattern's first match in s.
func regexpFind(t *testing.T, s, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no match of %s in\n%s", pattern, s)
	}
	return m[1]
}
