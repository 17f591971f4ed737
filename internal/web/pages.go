package web

import (
	"bytes"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/muster-force/muster"
)

// templateFS holds the page templates: layout.html and partials.html shared
// by every page, and one file per page defining "content".
//
//go:embed templates
var templateFS embed.FS

// pages holds the staff UI's templates, parsed once at start-up, and the
// key its form tokens are signed with.
type pages struct {
	tmpl map[string]*template.Template // by page name, e.g. "members"
}

// parsePages parses every page template with the layout. Any error fails
// start-up, so a broken template never reaches a user.
func parsePages(zone func() *time.Location) (*pages, error) {
	version, err := staticVersion()
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	base, err := template.New("").Funcs(templateFuncs(version, zone)).
		ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{tmpl: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := base.Clone()
		if err == nil {
			t, err = t.ParseFS(templateFS, f)
		}
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("page %s defines no \"content\" template", name)
		}
		p.tmpl[name] = t
	}
	return p, nil
}

// view is what the layout renders: the page's own data in Data, and the
// signed-in actor, the flash message and the form token for the layout.
type view struct {
	Title     string
	Nav       string // the navigation entry to mark as current
	Actor     *muster.Actor
	Flash     string
	FormToken string
	Data      any
}

// render writes the page with the status. The page is rendered into a
// buffer first so that a template error becomes a clean 500, never half a
// page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	t := s.pages.tmpl[name]
	if t == nil {
		s.Logger.Error("no such page template", "page", name, "path", loggedPath(r))
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	v.Actor = muster.ActorFrom(r.Context())
	if v.FormToken == "" {
		v.FormToken = s.formToken(r)
	}
	v.Flash = s.takeFlash(w, r)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.Logger.Error("render page", "page", name, "path", loggedPath(r), "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store") // pages carry personal data
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// errorView is the data of the error page.
type errorView struct {
	Status  int
	Message string
}

// pageError renders err as the error page with the status of its code.
// Internal errors are logged with the request and shown only as a generic
// message.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	code := muster.ErrorCode(err)
	if code == muster.EINTERNAL {
		s.Logger.Error("internal error", "method", r.Method, "path", loggedPath(r), "err", err)
	}
	status := statusFor(err)
	s.render(w, r, status, "error", &view{Title: http.StatusText(status),
		Data: errorView{Status: status, Message: muster.ErrorMessage(err)}})
}

// pageNotFound renders the error page for a path no route matches. It is
// for a catch-all route ("GET /" after the others), so that a mistyped
// address gets a page with the navigation rather than net/http's plain 404.
func (s *Server) pageNotFound(w http.ResponseWriter, r *http.Request) {
	s.pageError(w, r, muster.Errorf(muster.ENOTFOUND, "There is no page at %s.", r.URL.Path))
}

// statusFor returns the HTTP status of err's code.
func statusFor(err error) int {
	if st := statusOf[muster.ErrorCode(err)]; st != 0 {
		return st
	}
	return http.StatusInternalServerError
}

// flashCookie carries a message across a post/redirect/get.
const flashCookie = "muster_flash"

// redirectWithFlash sets the flash message and redirects to target with
// 303 See Other, ending a post/redirect/get.
func (s *Server) redirectWithFlash(w http.ResponseWriter, r *http.Request, target, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(msg)),
		Path: "/", MaxAge: 60, HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// takeFlash returns the flash message of the request, if any, and deletes
// it so that it shows once.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || len(b) > 500 {
		return ""
	}
	return string(b)
}

// today returns the server's current calendar date, against which
// qualifications are marked valid or expired.
func (s *Server) today() muster.Date { return muster.DateOf(s.Now()) }

// templateFuncs are the helpers templates may call; version is appended to
// static links, and zone gives the time zone "when" writes times in.
func templateFuncs(version string, zone func() *time.Location) template.FuncMap {
	return template.FuncMap{
		"static": func(name string) string { return "/static/" + name + "?v=" + version },
		"num":    formatNumber,
		"bytes":  formatBytes,
		"join":   strings.Join,
		"when":   func(t time.Time) string { return t.In(zone()).Format("2006-01-02 15:04 MST") },
	}
}

// formatNumber writes n with thin groups of three digits: 150 000.
func formatNumber(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f") // narrow no-break space
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
