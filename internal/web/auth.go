package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/muster-force/muster"
)

// sessionCookie holds the secret of a staff user's session.
const sessionCookie = "muster_session"

// apiAuth admits requests that carry a valid bearer token, or a session
// cookie from the web UI, and puts the actor in the request context. Every
// API answer is Cache-Control: no-store, errors included: the API serves
// personal data and members' credentials (response and kit links). A
// handler whose answer may be kept (the iCalendar feed) sets its own.
func (s *Server) apiAuth(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		ctx := r.Context()
		var actor *muster.Actor
		var err error
		if h := r.Header.Get("Authorization"); h != "" {
			secret, ok := bearerToken(h)
			if !ok {
				s.apiError(w, r, muster.Errorf(muster.EUNAUTHORIZED, "The Authorization header must be \"Bearer TOKEN\"."))
				return
			}
			actor, err = s.Access.TokenActor(ctx, secret)
		} else if c, cerr := r.Cookie(sessionCookie); cerr == nil {
			actor, err = s.Access.SessionActor(ctx, c.Value)
			if err == nil && !safeMethod(r.Method) {
				// A session may change data only from muster's own pages.
				if cerr := s.crossOrigin.Check(r); cerr != nil {
					err = muster.Errorf(muster.EFORBIDDEN, "Cross-origin request refused.")
				}
			}
		} else {
			err = muster.Errorf(muster.EUNAUTHORIZED, "An API token is required: Authorization: Bearer TOKEN.")
		}
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		next(w, r.WithContext(s.actorContext(ctx, r, actor)))
	})
}

// actorContext returns ctx, of the request r, carrying the actor and the
// client's address (by which the access service counts failed tries of a
// password).
func (s *Server) actorContext(ctx context.Context, r *http.Request, actor *muster.Actor) context.Context {
	return muster.NewContextWithActor(muster.NewContextWithClientAddr(ctx, s.clientAddr(r)), actor)
}

// bearerToken returns the credentials of an Authorization header of the
// Bearer scheme, whose name is case-insensitive (RFC 7235 section 2.1),
// and false for any other scheme or for no credentials.
func bearerToken(h string) (string, bool) {
	scheme, cred, _ := strings.Cut(strings.TrimSpace(h), " ")
	cred = strings.TrimSpace(cred)
	return cred, strings.EqualFold(scheme, "Bearer") && cred != ""
}

// pageAuth admits requests with a live session and redirects the others to
// the login page.
func (s *Server) pageAuth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil {
			s.redirectToLogin(w, r)
			return
		}
		actor, err := s.Access.SessionActor(r.Context(), c.Value)
		if err != nil {
			if muster.ErrorCode(err) == muster.EUNAUTHORIZED {
				s.redirectToLogin(w, r)
				return
			}
			s.pageError(w, r, err)
			return
		}
		next(w, r.WithContext(s.actorContext(r.Context(), r, actor)))
	}
}

func (s *Server) redirectToLogin(w http.ResponseWriter, r *http.Request) {
	target := "/login"
	if r.Method == http.MethodGet && r.URL.Path != "/" {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// csrf guards the web UI's forms: a cross-origin check on every unsafe
// request, plus the form token checked by the page handlers (see
// checkFormToken).
func (s *Server) csrf(next http.HandlerFunc) http.Handler {
	return s.crossOrigin.Handler(next)
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
