package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/muster-force/muster"
)

// CSRF defence of the staff UI, in two layers:
//
//  1. s.csrf (auth.go) refuses every unsafe request that the browser marks
//     as cross-site (Sec-Fetch-Site, or Origin against Host), and the
//     session cookie is SameSite=Lax, so other sites' forms do not carry it.
//  2. Every POST form carries a form token, HMAC-SHA256 of a fixed label
//     keyed by the session cookie's secret value (the secret is the key:
//     whoever lacks the cookie cannot compute the token, and every muster
//     process sharing the database computes the same one), and every POST
//     page handler checks it (checkFormToken) before it
//     changes anything; a missing or wrong token is 403. A page of another
//     origin can read neither the cookie nor the token.
//
// The login form has no session to bind a token to. It relies on layer 1
// alone: a login CSRF needs a cross-site POST, which the cross-origin
// check refuses in every browser that sends Sec-Fetch-Site or Origin. A
// token not bound to the browser (a signed timestamp, say) would add
// nothing, since an attacker could fetch one; binding one to a pre-session
// cookie would add a cookie and an expiry users trip over for no gain
// over layer 1.

// formTokenField is the name of the hidden field carrying the form token.
const formTokenField = "csrf_token"

// maxFormBytes bounds a urlencoded form.
const maxFormBytes = 64 << 10

// errBadFormToken is the 403 of a form without a valid token.
var errBadFormToken = muster.Errorf(muster.EFORBIDDEN,
	"This form has expired or did not come from muster. Go back, reload the page and try again.")

// formToken returns the form token of the request's session, or "" when
// there is no session cookie.
func (s *Server) formToken(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	return tokenFor(c.Value)
}

// tokenFor returns the form token bound to a session secret.
func tokenFor(session string) string {
	mac := hmac.New(sha256.New, []byte(session))
	mac.Write([]byte("muster form token"))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// checkFormToken returns EFORBIDDEN unless the request's form carries the
// token of its session cookie. The form must be parsed already (parseForm,
// or ParseMultipartForm for uploads).
func (s *Server) checkFormToken(r *http.Request) error {
	want := s.formToken(r)
	got := r.PostFormValue(formTokenField)
	if want == "" || !hmac.Equal([]byte(got), []byte(want)) {
		return errBadFormToken
	}
	return nil
}

// parseForm parses a urlencoded form of at most maxFormBytes and checks its
// form token.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) error {
	if err := s.parseFormOnly(w, r); err != nil {
		return err
	}
	return s.checkFormToken(r)
}

// parseFormOnly parses a form of at most maxFormBytes: urlencoded, or
// multipart/form-data as some clients send it (its parts, files too, count
// against the same limit and stay in memory).
func (s *Server) parseFormOnly(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	var err error
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		err = r.ParseMultipartForm(maxFormBytes)
		if r.MultipartForm != nil {
			r.MultipartForm.RemoveAll()
		}
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return muster.Errorf(muster.ETOOLARGE, "The form is too large.")
		}
		return muster.Errorf(muster.EINVALID, "The form could not be read.")
	}
	return nil
}

// setSessionCookie gives the browser the session's secret.
func (s *Server) setSessionCookie(w http.ResponseWriter, secret string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/",
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// clearSessionCookie removes the session cookie from the browser.
func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// localPath returns next when it is a path on this site ("/members?q=x"),
// and "/" otherwise, so that ?next= cannot send a user to another site
// ("//evil.example", "https://…", "/\evil.example").
func localPath(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\x00\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}
