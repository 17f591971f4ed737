package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// loginFrom posts the login form from the client address addr.
func (e *uiEnv) loginFrom(addr, login, password string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	form := url.Values{"login": {login}, "password": {password}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	req.RemoteAddr = addr + ":40000"
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// TestLoginRateLimitPerAddress: one address that fails against many
// logins is stopped, with a Retry-After that its message names, while
// other addresses sign in; time gives the address its tries back.
func TestLoginRateLimitPerAddress(t *testing.T) {
	e := newUIEnv(t, sqldbtest.Open(t, "sqlite"))
	e.addUser("ivanova", muster.RoleClerk, "GOM")
	const sprayer, staff = "203.0.113.9", "198.51.100.20"
	for i := range loginBurst {
		// A different login each time: the per-login limit never trips.
		if rec := e.loginFrom(sprayer, "guess"+strconv.Itoa(i), uiPassword); rec.Code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d, want 401", i+1, rec.Code)
		}
	}
	rec := e.loginFrom(sprayer, "ivanova", uiPassword)
	wantPage(t, rec, http.StatusTooManyRequests, "Too many failed sign-ins from your address. Try again in 1 minute.", `value="ivanova"`)
	if got := rec.Header().Get("Retry-After"); got != "60" {
		t.Errorf("Retry-After %q, want 60", got)
	}
	if rec := e.loginFrom(staff, "ivanova", uiPassword); rec.Code != http.StatusSeeOther {
		t.Errorf("another address: %d, want 303", rec.Code)
	}
	// The wait is the real one: half a refill later, half is left.
	e.s.Now = func() time.Time { return sqldbtest.Now.Add(loginRefill / 2) }
	rec = e.loginFrom(sprayer, "ivanova", uiPassword)
	wantPage(t, rec, http.StatusTooManyRequests, "Try again in 30 seconds.")
	if got := rec.Header().Get("Retry-After"); got != "30" {
		t.Errorf("Retry-After half a refill later %q, want 30", got)
	}
	e.s.Now = func() time.Time { return sqldbtest.Now.Add(loginRefill) }
	if rec := e.loginFrom(sprayer, "ivanova", uiPassword); rec.Code != http.StatusSeeOther {
		t.Errorf("after %v: %d, want 303", loginRefill, rec.Code)
	}
}

// TestLoginRateLimitPerLogin: the access service's limit per login and
// address is a 429 whose Retry-After and message give the wait that is
// left, for that address only: a guesser does not lock the login's owner
// out.
func TestLoginRateLimitPerLogin(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		e.addUser("ivanova", muster.RoleClerk, "GOM")
		const guesser, staff = "203.0.113.9", "198.51.100.20"
		for i := range 5 {
			if rec := e.loginFrom(guesser, "ivanova", "wrong password!"); rec.Code != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i+1, rec.Code)
			}
		}
		db.Now = func() time.Time { return sqldbtest.Now.Add(5 * time.Minute) }
		rec := e.loginFrom(guesser, "ivanova", uiPassword)
		wantPage(t, rec, http.StatusTooManyRequests, "Too many failed sign-ins. Try again in 10 minutes.")
		if got := rec.Header().Get("Retry-After"); got != "600" {
			t.Errorf("Retry-After %q, want 600", got)
		}
		if rec := e.loginFrom(staff, "ivanova", uiPassword); rec.Code != http.StatusSeeOther {
			t.Errorf("the owner, from another address: %d, want 303", rec.Code)
		}
	})
}

// TestLoginRemembersTheDevice: a browser that signed in keeps a device
// cookie for the login form alone, and with it signs in while failures
// spread over twenty addresses lock the login for everyone else.
func TestLoginRemembersTheDevice(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		e.addUser("ivanova", muster.RoleClerk, "GOM")
		const staff = "198.51.100.20"
		device := deviceCookieOf(t, e.loginFrom(staff, "ivanova", uiPassword))
		if device.Path != "/login" || !device.HttpOnly || !device.Secure || device.SameSite != http.SameSiteStrictMode ||
			device.MaxAge != int(muster.DeviceLifetime/time.Second) || !strings.HasPrefix(device.Value, "msd_") {
			t.Errorf("device cookie %+v", device)
		}
		for i := range 100 {
			if rec := e.loginFrom(fmt.Sprintf("192.0.2.%d", i/5), "ivanova", "wrong password!"); rec.Code != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i+1, rec.Code)
			}
		}
		wantPage(t, e.loginFrom(staff, "ivanova", uiPassword), http.StatusTooManyRequests, "Too many failed sign-ins.")
		rec := e.loginFrom(staff, "ivanova", uiPassword, device)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("the remembered browser: %d %s", rec.Code, rec.Body)
		}
		if next := deviceCookieOf(t, rec); next.Value == device.Value {
			t.Error("the device token was not replaced")
		}
	})
}

// deviceCookieOf returns the device cookie a sign-in set.
func deviceCookieOf(t *testing.T, rec *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name == deviceCookie {
			return c
		}
	}
	t.Fatalf("no %s cookie after a sign-in: %d %v", deviceCookie, rec.Code, rec.Result().Cookies())
	return nil
}
