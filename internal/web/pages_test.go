package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

func TestParsePages(t *testing.T) {
	p, err := parsePages(func() *time.Location { return time.UTC })
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"login", "error", "dashboard", "units", "unit", "members", "member",
		"member_edit", "import", "export", "account"} {
		if p.tmpl[name] == nil {
			t.Errorf("no template for page %s", name)
		}
	}
}

func TestFormTokenBoundToSession(t *testing.T) {
	a, b := tokenFor("mss_one"), tokenFor("mss_two")
	if a == "" || a == b || a != tokenFor("mss_one") || strings.Contains(a, "mss_one") {
		t.Fatalf("form tokens %q and %q: want stable, distinct per session, not revealing it", a, b)
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/members?q=ivan": "/members?q=ivan", "/": "/", "": "/", "members": "/",
		"//evil.example/x": "/", "/\\evil.example": "/", "https://evil.example/": "/",
		"/%0d%0aSet-Cookie:x": "/%0d%0aSet-Cookie:x", "/a\r\nb": "/", "javascript:alert(1)": "/",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSignedOut: every page but the login page sends a visitor without a
// session to the login page, keeping where they were going.
func TestSignedOut(t *testing.T) {
	e := newUIEnv(t, sqldbtest.Open(t, "sqlite"))
	c := e.client()
	for path, want := range map[string]string{
		"/": "/login", "/members?q=x": "/login?next=%2Fmembers%3Fq%3Dx", "/units/GOM": "/login?next=%2Funits%2FGOM",
		"/members/G1": "/login?next=%2Fmembers%2FG1", "/import": "/login?next=%2Fimport", "/export": "/login?next=%2Fexport",
		"/account": "/login?next=%2Faccount",
	} {
		rec := c.get(path)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != want {
			t.Errorf("GET %s: %d to %q, want 303 to %q", path, rec.Code, rec.Header().Get("Location"), want)
		}
	}
	rec := c.post("/members/G1", url.Values{"phone": {"+375290000000"}})
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Errorf("POST without a session: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	c.cookies[sessionCookie] = &http.Cookie{Name: sessionCookie, Value: "mss_forged"}
	if rec := c.get("/members"); rec.Code != http.StatusSeeOther {
		t.Errorf("GET with a forged session: %d, want 303", rec.Code)
	}
}

func TestLogin(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		e.addUser("ivanova", muster.RoleClerk, "GOM")
		c := e.client()
		wantPage(t, c.get("/login?next=/members"), http.StatusOK, "Sign in", `name="next" value="/members"`, "One-time code")

		rec := c.post("/login", url.Values{"login": {"ivanova"}, "password": {"wrong password!"}, "next": {"/members"}})
		wantPage(t, rec, http.StatusUnauthorized, "Wrong login, password or one-time code.", `value="ivanova"`, "!wrong password!")
		if c.cookies[sessionCookie] != nil {
			t.Fatal("a failed sign-in set a session cookie")
		}

		rec = c.post("/login", url.Values{"login": {"ivanova"}, "password": {uiPassword}, "next": {"/members?q=iv"}})
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/members?q=iv" {
			t.Fatalf("sign in: %d to %q", rec.Code, rec.Header().Get("Location"))
		}
		ck := c.cookies[sessionCookie]
		if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || !ck.Secure {
			t.Fatalf("session cookie = %+v, want HttpOnly, SameSite=Lax, Path=/, Secure", ck)
		}
		wantPage(t, c.get("/"), http.StatusOK, "Dashboard", "Sign out", "Signed in as ivanova")
		// Signed in already: the login page sends the user on.
		if rec := c.get("/login?next=/units"); rec.Header().Get("Location") != "/units" {
			t.Errorf("login page when signed in: %d to %q", rec.Code, rec.Header().Get("Location"))
		}

		// ?next= never leads off the site.
		c2 := e.client()
		rec = c2.post("/login", url.Values{"login": {"ivanova"}, "password": {uiPassword}, "next": {"//evil.example/"}})
		if rec.Header().Get("Location") != "/" {
			t.Errorf("next=//evil.example: redirect to %q, want /", rec.Header().Get("Location"))
		}
	})
}

func TestLogout(t *testing.T) {
	e := newUIEnv(t, sqldbtest.Open(t, "sqlite"))
	c := e.signedIn("ivanova", muster.RoleClerk, "GOM")
	session := c.cookies[sessionCookie]
	wantPage(t, c.post("/logout", nil), http.StatusForbidden, "This form has expired")
	wantPage(t, c.get("/"), http.StatusOK, "Dashboard")

	rec := c.post("/logout", c.withToken(nil))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login" {
		t.Fatalf("sign out: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	if c.cookies[sessionCookie] != nil {
		t.Error("the session cookie was not cleared")
	}
	wantPage(t, c.follow(rec), http.StatusOK, "You are signed out.")
	// The session is gone from the server too: the old cookie no longer works.
	c.cookies[sessionCookie] = session
	if rec := c.get("/"); rec.Code != http.StatusSeeOther {
		t.Errorf("old session after sign-out: %d, want 303", rec.Code)
	}
}

// TestFormToken: every POST page refuses a form without its session's
// token, or with another session's, and changes nothing.
func TestFormToken(t *testing.T) {
	e := newUIEnv(t, sqldbtest.Open(t, "sqlite"))
	c := e.signedIn("admin", muster.RoleAdmin, "TD")
	other := e.signedIn("admin2", muster.RoleAdmin, "TD")
	for _, tok := range []string{"", "forged", other.token()} {
		form := url.Values{"phone": {"+375290000001"}, "action": {"begin"}, formTokenField: {tok}}
		for _, path := range []string{"/members/G1", "/account/totp", "/logout"} {
			wantPage(t, c.post(path, form), http.StatusForbidden, "This form has expired")
		}
		wantPage(t, c.upload("/import", map[string]string{formTokenField: tok, "kind": "members"}, "m.csv",
			"service_number,phone\nG1,+375290000001\n"), http.StatusForbidden)
	}
	m, err := e.db.FindMember(sqldbtest.System(), "G1")
	if err != nil || m.Phone != "+375291234567" {
		t.Fatalf("G1 after refused forms: %+v, %v", m, err)
	}
	// A cross-site POST is refused before the handler, token or not.
	req := c.post("/members/G1", c.withToken(url.Values{"phone": {"+375290000001"}}))
	if req.Code != http.StatusSeeOther {
		t.Fatalf("same-site save: %d", req.Code)
	}
	form := c.withToken(url.Values{"family_name": {"X"}})
	r := strings.NewReader(form.Encode())
	hr, _ := http.NewRequest(http.MethodPost, "/members/G1", r)
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hr.Header.Set("Sec-Fetch-Site", "cross-site")
	if rec := c.do(hr); rec.Code != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", rec.Code)
	}
}

func TestStaticFiles(t *testing.T) {
	e := newUIEnv(t, sqldbtest.Open(t, "sqlite"))
	c := e.client()
	for _, name := range []string{"muster.css", "muster.js", "icon.svg"} {
		rec := c.get("/static/" + name + "?v=1")
		if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %d, Cache-Control %q", name, rec.Code, rec.Header().Get("Cache-Control"))
		}
	}
	for _, path := range []string{"/static/", "/static/nope.css"} {
		if rec := c.get(path); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, rec.Code)
		}
	}
	// Pages link to the files with the version of this build.
	body := c.get("/login").Body.String()
	if v, _ := staticVersion(); !strings.Contains(body, "/static/muster.css?v="+v) {
		t.Errorf("login page does not link the versioned stylesheet:\n%s", body)
	}
}

func TestPageNotFound(t *testing.T) {
	e := newUIEnv(t, sqldbtest.Open(t, "sqlite"))
	rec := httptest.NewRecorder()
	e.s.pageNotFound(rec, httptest.NewRequest(http.MethodGet, "/nope%3Cscript%3E", nil))
	wantPage(t, rec, http.StatusNotFound, "There is no page at /nope<script>.")
	if strings.Contains(rec.Body.String(), "<script>") {
		t.Errorf("the path is not escaped:\n%s", rec.Body)
	}
}
