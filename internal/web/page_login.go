package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/muster-force/muster"
)

// The login form's failure limit per client address, beside the access
// service's per login: an address may fail loginBurst times in a row, then
// once more per loginRefill, so that it cannot try a password against
// every login. Behind a proxy every client shares the proxy's address.
const (
	loginBurst  = 20
	loginRefill = time.Minute
)

// loginView is the data of the login form.
type loginView struct {
	Login string
	Next  string
	Error string
}

// pageLogin shows the login form, or sends a user who is signed in already
// on to ?next=.
func (s *Server) pageLogin(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	if c, err := r.Cookie(sessionCookie); err == nil {
		if _, err := s.Access.SessionActor(r.Context(), c.Value); err == nil {
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
	}
	s.render(w, r, http.StatusOK, "login", &view{Title: "Sign in", Data: loginView{Next: next}})
}

// pageLoginSubmit checks the login, password and one-time code, starts a
// session and redirects to ?next= when it is a local path. Wrong
// credentials show the form again with 401, keeping the login but never the
// password. The form has no form token; see form.go.
func (s *Server) pageLoginSubmit(w http.ResponseWriter, r *http.Request) {
	if err := s.parseFormOnly(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	data := loginView{Login: strings.TrimSpace(r.PostFormValue("login")), Next: localPath(r.PostFormValue("next"))}
	code := strings.ReplaceAll(r.PostFormValue("code"), " ", "")
	addr, now := s.clientAddr(r), s.Now()
	ctx := muster.NewContextWithClientAddr(r.Context(), addr)
	device := ""
	if c, err := r.Cookie(deviceCookie); err == nil {
		device = c.Value
		ctx = muster.NewContextWithDevice(ctx, device)
	}
	var u *muster.User
	var err error
	if wait := s.loginFailures.wait(addr, now); wait > 0 {
		err = muster.RateLimited("Too many failed sign-ins from your address.", wait)
	} else if u, err = s.Access.Authenticate(ctx, data.Login, r.PostFormValue("password"), code); muster.ErrorCode(err) == muster.EUNAUTHORIZED {
		s.loginFailures.fail(addr, now)
	}
	if err == nil {
		var secret string
		secret, err = s.Access.CreateSession(ctx, u.ID)
		if err == nil {
			s.setSessionCookie(w, secret)
			s.rememberDevice(ctx, w, u.ID, device)
			http.Redirect(w, r, data.Next, http.StatusSeeOther)
			return
		}
	}
	switch muster.ErrorCode(err) {
	case muster.EUNAUTHORIZED:
		data.Error = "Wrong login, password or one-time code."
	case muster.ERATELIMIT, muster.EINVALID:
		data.Error = muster.ErrorMessage(err)
	default:
		s.pageError(w, r, err)
		return
	}
	s.Logger.Info("sign-in refused", "login", data.Login, "remote", addr, "code", muster.ErrorCode(err))
	setRetryAfter(w, err)
	s.render(w, r, statusFor(err), "login", &view{Title: "Sign in", Data: data})
}

// deviceCookie holds the device token of a browser a staff user has
// signed in from (AccessService.RememberDevice). It goes to the login
// form alone, and lasts as long as the access service remembers devices.
const deviceCookie = "muster_device"

// rememberDevice gives the browser a new device token after a sign-in. The
// sign-in stands if that fails: the token only shields the user from
// lock-outs that others' failures cause.
func (s *Server) rememberDevice(ctx context.Context, w http.ResponseWriter, userID int64, old string) {
	token, err := s.Access.RememberDevice(ctx, userID, old)
	if err != nil {
		s.Logger.Error("remember device", "err", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: token, Path: "/login", MaxAge: int(muster.DeviceLifetime / time.Second),
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteStrictMode})
}

// pageLogout ends the session and returns to the login page.
func (s *Server) pageLogout(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Access.DeleteSession(r.Context(), c.Value); err != nil && muster.ErrorCode(err) != muster.EUNAUTHORIZED {
			s.pageError(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w)
	s.redirectWithFlash(w, r, "/login", "You are signed out.")
}
