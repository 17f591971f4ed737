package web

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

func TestAccountTOTP(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		c := e.signedIn("admin", muster.RoleAdmin, "TD")
		wantPage(t, c.get("/account"), http.StatusOK, "Signed in as", "admin", "Set up an authenticator app", `name="csrf_token"`)

		// A session alone does not set up a second factor.
		wantPage(t, c.post("/account/totp", c.withToken(url.Values{"action": {"begin"}})), http.StatusBadRequest,
			`id="totp-error"`, "Your current password is not right.", "!otpauth://", `id="totp-password"`)
		wantPage(t, c.post("/account/totp", c.withToken(url.Values{"action": {"begin"}, "password": {"not the password"}})),
			http.StatusBadRequest, "Your current password is not right.", "!otpauth://")

		rec := c.post("/account/totp", c.withToken(url.Values{"action": {"begin"}, "password": {uiPassword}}))
		wantPage(t, rec, http.StatusOK, "otpauth://totp/", `<svg class="qr"`, `id="totp-secret"`, `name="action" value="confirm"`)
		setup := htmlText(regexpFind(t, rec.Body.String(), `name="url" value="([^"]*)"`))
		u, err := url.Parse(setup)
		if err != nil || u.Query().Get("secret") == "" {
			t.Fatalf("set-up URL %q: %v", setup, err)
		}
		if got := regexpFind(t, rec.Body.String(), `id="totp-secret">([^<]*)<`); got != u.Query().Get("secret") {
			t.Errorf("shown key %q, URL's secret %q", got, u.Query().Get("secret"))
		}

		bad := c.post("/account/totp", c.withToken(url.Values{"action": {"confirm"}, "code": {"000000"}, "url": {setup}}))
		wantPage(t, bad, http.StatusBadRequest, "not valid", `<svg class="qr"`)

		code, err := totp.GenerateCode(u.Query().Get("secret"), sqldbtest.Now)
		if err != nil {
			t.Fatal(err)
		}
		rec = c.post("/account/totp", c.withToken(url.Values{"action": {"confirm"}, "code": {code}, "url": {setup}}))
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("confirm: %d\n%s", rec.Code, rec.Body)
		}
		wantPage(t, c.follow(rec), http.StatusOK, "Two-factor sign-in is on", "Set up again")

		// From now on the login form needs the code as well.
		c2 := e.client()
		wantPage(t, c2.post("/login", url.Values{"login": {"admin"}, "password": {uiPassword}}), http.StatusUnauthorized, "Wrong login")
		later := sqldbtest.Now.Add(30 * time.Second) // the code of the confirmed step is used up
		db.Now = func() time.Time { return later }
		next, _ := totp.GenerateCode(u.Query().Get("secret"), later)
		rec = c2.post("/login", url.Values{"login": {"admin"}, "password": {uiPassword}, "code": {next}})
		if rec.Code != http.StatusSeeOther || c2.cookies[sessionCookie] == nil {
			t.Fatalf("sign in with a code: %d\n%s", rec.Code, rec.Body)
		}

		// On: setting up again or switching off needs the password and a
		// code of the current key.
		wantPage(t, c.get("/account"), http.StatusOK, `id="totp-code"`, `name="action" value="disable"`)
		wantPage(t, c.post("/account/totp", c.withToken(url.Values{"action": {"begin"}, "password": {uiPassword}})),
			http.StatusBadRequest, "A valid one-time code is required.", "!otpauth://")
		wantPage(t, c.post("/account/totp", c.withToken(url.Values{"action": {"disable"}, "password": {uiPassword}})),
			http.StatusBadRequest, "A valid one-time code is required.")
		later = later.Add(30 * time.Second)
		next, _ = totp.GenerateCode(u.Query().Get("secret"), later)
		rec = c.post("/account/totp", c.withToken(url.Values{"action": {"disable"}, "password": {uiPassword}, "code": {next}}))
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("switch off: %d\n%s", rec.Code, rec.Body)
		}
		wantPage(t, c.follow(rec), http.StatusOK, "Two-factor sign-in is off", "Set up an authenticator app", "!Switch off")
		if rec := e.client().post("/login", url.Values{"login": {"admin"}, "password": {uiPassword}}); rec.Code != http.StatusSeeOther {
			t.Errorf("sign in without a code after switching off: %d", rec.Code)
		}
	})
}

func TestQRSVG(t *testing.T) {
	if got := qrSVG("not a url\x00"); got != "" {
		t.Errorf("qrSVG of a bad URL = %q", got)
	}
	svg := string(qrSVG("otpauth://totp/muster:admin?secret=JBSWY3DPEHPK3PXP&issuer=muster"))
	if len(svg) < 500 || svg[:4] != "<svg" {
		t.Errorf("qrSVG = %q", svg)
	}
}

// TestAccountPassword: a user changes their own password on the account
// page with the current one; the change signs out their other sessions and
// keeps this one.
func TestAccountPassword(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		c := e.signedIn("ivanova", muster.RoleClerk, "GOM")
		other := e.client()
		if rec := other.post("/login", url.Values{"login": {"ivanova"}, "password": {uiPassword}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("second sign-in: %d", rec.Code)
		}
		wantPage(t, c.get("/account"), http.StatusOK, `action="/account/password"`, `id="current_password"`, `autocomplete="new-password"`)
		const next = "a brand new password"
		form := func(current, pw, again string) url.Values {
			return c.withToken(url.Values{"current_password": {current}, "new_password": {pw}, "new_password2": {again}})
		}
		wantPage(t, c.post("/account/password", form(uiPassword, next, next+"!")), http.StatusBadRequest,
			`id="password-error"`, "The new password and its repetition differ.", "!"+next)
		wantPage(t, c.post("/account/password", form("not the password", next, next)), http.StatusBadRequest,
			"Your current password is not right.", "!not the password")
		wantPage(t, c.post("/account/password", form(uiPassword, "too short", "too short")), http.StatusBadRequest,
			"at least 12 characters")
		if rec := c.post("/account/password", url.Values{"current_password": {uiPassword}, "new_password": {next}, "new_password2": {next}}); rec.Code != http.StatusForbidden {
			t.Errorf("without the form token: %d, want 403", rec.Code)
		}

		rec := c.post("/account/password", form(uiPassword, next, next))
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("change: %d\n%s", rec.Code, rec.Body)
		}
		wantPage(t, c.follow(rec), http.StatusOK, "Your password is changed")
		if rec := other.get("/account"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login?next=%2Faccount" {
			t.Errorf("the other session after the change: %d to %q, want the login page", rec.Code, rec.Header().Get("Location"))
		}
		wantPage(t, e.client().post("/login", url.Values{"login": {"ivanova"}, "password": {uiPassword}}), http.StatusUnauthorized)
		if rec := e.client().post("/login", url.Values{"login": {"ivanova"}, "password": {next}}); rec.Code != http.StatusSeeOther {
			t.Errorf("sign in with the new password: %d", rec.Code)
		}
	})
}
