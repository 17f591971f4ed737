package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

// The member's armory page, /k/{token}: what they hold with its receipts,
// and during a check campaign a form to confirm each serial or report it
// missing. Like the answer page (answer.go) it needs no login and no
// script; the token is the credential, its signature checked first: bad
// tokens count against the client's failure limit shared with the answer
// page, good ones are never limited.

// errBadKitLink is what the holder of a bad kit token is told.
var errBadKitLink = muster.Errorf(muster.EUNAUTHORIZED,
	"This armory link is not valid. Check that it is exactly as on your receipt, or ask your armorer.")

// kitView is the data of the kit page.
type kitView struct {
	Token string
	Kit   *muster.MemberKit // nil on a bad link
	Saved bool
	Error string
}

// kitPage answers GET /k/{token}.
func (s *Server) kitPage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !s.kitToken(w, r, token) {
		return
	}
	k, err := s.Kits.KitPage(r.Context(), token)
	if err != nil {
		s.kitFailed(w, r, err)
		return
	}
	s.renderKit(w, r, http.StatusOK, &kitView{Token: token, Kit: k})
}

// kitSubmit answers POST /k/{token}: a form with check=ID, s.SERIAL=held
// or missing per item, and other (serials held beyond those listed). It
// answers 200 with the page only once the confirmation is stored.
func (s *Server) kitSubmit(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !s.kitToken(w, r, token) {
		return
	}
	if err := s.parseFormOnly(w, r); err != nil {
		s.kitFailed(w, r, err)
		return
	}
	k, err := s.Kits.KitPage(r.Context(), token)
	if err != nil {
		s.kitFailed(w, r, err)
		return
	}
	v := &kitView{Token: token, Kit: k}
	checkID, err := strconv.ParseInt(r.PostFormValue("check"), 10, 64)
	if err != nil {
		v.Error = "This check form is not valid; open your link again."
		s.renderKit(w, r, http.StatusBadRequest, v)
		return
	}
	var c muster.CheckConfirmation
	for key, vals := range r.PostForm {
		serial, ok := strings.CutPrefix(key, "s.")
		if !ok || len(vals) == 0 {
			continue
		}
		switch vals[0] {
		case "held":
			c.Serials = append(c.Serials, serial)
		case "missing":
			c.Missing = append(c.Missing, serial)
		}
	}
	c.Serials = append(c.Serials, strings.Fields(r.PostFormValue("other"))...)
	if _, err := s.Kits.ConfirmKit(r.Context(), token, checkID, c); err != nil {
		if code := muster.ErrorCode(err); code == muster.EUNPROCESSABLE || code == muster.ECONFLICT || code == muster.ENOTFOUND {
			v.Error = kitProblem(err)
			s.renderKit(w, r, statusFor(err), v)
			return
		}
		s.kitFailed(w, r, err)
		return
	}
	if v.Kit, err = s.Kits.KitPage(r.Context(), token); err != nil {
		s.kitFailed(w, r, err)
		return
	}
	v.Saved = true
	s.renderKit(w, r, http.StatusOK, v)
}

// kitProblem says what is wrong with a confirmation, in the member's terms.
func kitProblem(err error) string {
	switch muster.ErrorCode(err) {
	case muster.ECONFLICT:
		return "This check has ended. Ask your armorer."
	case muster.ENOTFOUND:
		return "This check does not exist; open your link again."
	}
	for _, d := range muster.ErrorDetails(err) {
		if d.Field == "serials" && strings.Contains(d.Message, "at least one") {
			return "Choose, for at least one item, whether you have it."
		}
	}
	return "A serial number you typed is not valid: letters, digits, '-', '.', '/' or '_', at most 32."
}

// kitToken answers and returns false unless the token is a kit link
// muster signed, checked without a database read: a bad one counts against
// the client's failure limit (shared with the answer page) and is a 404
// page, or 429 once the client is over the limit; a good one is never
// limited.
func (s *Server) kitToken(w http.ResponseWriter, r *http.Request, token string) bool {
	err := s.linkTokenError(w, r, token, errBadKitLink, s.Kits.CheckKitToken)
	if err == nil {
		return true
	}
	if err == errTooManyFailures {
		s.renderKit(w, r, http.StatusTooManyRequests, &kitView{Error: "Too many wrong links from your address. Wait " + strconv.Itoa(retryAfterSeconds) + " seconds and try again."})
		return false
	}
	s.kitFailed(w, r, err)
	return false
}

// kitFailed answers a failed request: a bad token is a 404 page; internal
// errors are logged, never shown.
func (s *Server) kitFailed(w http.ResponseWriter, r *http.Request, err error) {
	status := statusFor(err)
	if badLink(err) {
		err, status = errBadKitLink, http.StatusNotFound
	} else if muster.ErrorCode(err) == muster.EINTERNAL {
		s.Logger.Error("internal error", "method", r.Method, "path", loggedPath(r), "err", err)
	}
	s.renderKit(w, r, status, &kitView{Error: muster.ErrorMessage(err)})
}

// renderKit writes the kit page.
func (s *Server) renderKit(w http.ResponseWriter, r *http.Request, status int, v *kitView) {
	var buf bytes.Buffer
	if err := s.pages.tmpl["kit"].ExecuteTemplate(&buf, "kit", v); err != nil {
		s.Logger.Error("render page", "page", "kit", "path", loggedPath(r), "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer") // the path is a credential
	w.WriteHeader(status)
	buf.WriteTo(w)
}
