package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestAccountContact sets a commander's own contact data on the account
// page: a bad phone is shown again with the reason and saves nothing; a
// good pair is saved, audited, and shown; a form without the CSRF token is
// refused.
func TestAccountContact(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		c := e.signedIn("cmd", muster.RoleCommander, "GOM")
		wantPage(t, c.get("/account"), http.StatusOK, "Contact", "Save contact")

		bad := c.post("/account/contact", c.withToken(url.Values{"email": {"cmd@example.org"}, "phone": {"80291234567"}}))
		wantPage(t, bad, http.StatusBadRequest, "phone: must be in E.164 form", `value="cmd@example.org"`, `value="80291234567"`)
		if u := currentUser(t, db, "cmd"); u.Email != "" || u.Phone != "" {
			t.Fatalf("a refused form saved %q, %q", u.Email, u.Phone)
		}

		rec := c.post("/account/contact", c.withToken(url.Values{"email": {" cmd@example.org "}, "phone": {"+375291234567"}}))
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", rec.Code, rec.Body)
		}
		wantPage(t, c.follow(rec), http.StatusOK, "Your contact details are saved.", `value="cmd@example.org"`, `value="+375291234567"`)
		if u := currentUser(t, db, "cmd"); u.Email != "cmd@example.org" || u.Phone != "+375291234567" {
			t.Fatalf("saved %q, %q", u.Email, u.Phone)
		}
		if rec := c.post("/account/contact", url.Values{"email": {"x@example.org"}}); rec.Code == http.StatusSeeOther || rec.Code == http.StatusOK {
			t.Fatalf("a form without the CSRF token: %d", rec.Code)
		}
		if u := currentUser(t, db, "cmd"); u.Email != "cmd@example.org" {
			t.Fatalf("a form without the CSRF token saved %q", u.Email)
		}
	})
}

// TestAPIUserContact sets a user's contact data through the API: an admin
// token may, a commander's token of another region may not (403), a bad
// e-mail is 400 naming the field, an unknown login 404.
func TestAPIUserContact(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		e.addUser("clerk-gom", muster.RoleClerk, "GOM")
		token := func(role muster.Role, unit string) string {
			secret, err := db.CreateToken(sqldbtest.System(), &muster.Token{Name: "t", Role: role, Unit: unit})
			if err != nil {
				t.Fatal(err)
			}
			return secret
		}
		admin, bre := token(muster.RoleAdmin, "TD"), token(muster.RoleAdmin, "BRE")
		put := func(tok, login, body string) *httptest.ResponseRecorder {
			r := httptest.NewRequest("PUT", "/api/v1/users/"+login+"/contact", strings.NewReader(body))
			r.Header.Set("Authorization", "Bearer "+tok)
			r.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, r)
			return rec
		}
		rec := put(admin, "clerk-gom", `{"email":"clerk@example.org","phone":"+375291234567"}`)
		var u muster.User
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &u) != nil || u.Email != "clerk@example.org" || u.Phone != "+375291234567" {
			t.Fatalf("admin sets: %d %s", rec.Code, rec.Body)
		}
		for _, c := range []struct {
			tok, login, body string
			status           int
			want             string
		}{
			{bre, "clerk-gom", `{"email":"other@example.org"}`, http.StatusForbidden, ""},
			{admin, "clerk-gom", `{"email":"not an address"}`, http.StatusBadRequest, `"field":"email"`},
			{admin, "nobody", `{"email":"x@example.org"}`, http.StatusNotFound, ""},
			{admin, "clerk-gom", `{"mail":"x@example.org"}`, http.StatusBadRequest, ""},
		} {
			if rec := put(c.tok, c.login, c.body); rec.Code != c.status || !strings.Contains(rec.Body.String(), c.want) {
				t.Errorf("PUT %s %s: %d %s, want %d with %s", c.login, c.body, rec.Code, rec.Body, c.status, c.want)
			}
		}
		if u := currentUser(t, db, "clerk-gom"); u.Email != "clerk@example.org" {
			t.Errorf("after refusals the e-mail is %q", u.Email)
		}
	})
}

// currentUser reads the user with the login as stored.
func currentUser(t *testing.T, db *sqldb.DB, login string) *muster.User {
	t.Helper()
	users, err := db.FindUsers(sqldbtest.System())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Login == login {
			return u
		}
	}
	t.Fatalf("no user %s", login)
	return nil
}
