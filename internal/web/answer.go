package web

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

// The member's answer page, /r/{token}: no login, no script, a few
// kilobytes, so that it works on any phone. The token in the path is the
// member's credential. Its signature is checked first, without a database
// read: a bad one counts against the client's failure limit
// (answer_limit.go), a good one is never limited, so that a guesser behind
// the same proxy address as the members locks none of them out. Browsers' cross-site POSTs are refused by s.csrf; a
// CSRF form token is impossible without a session, and a forged POST
// would need the member's token anyway.

// errBadLink is what the holder of a bad token is told: 404 for every
// forged, truncated or unknown token, as JSON or as the page, so that no
// answer tells a forged signature from a member not called up.
var errBadLink = muster.Errorf(muster.ENOTFOUND,
	"This answer link is not valid. Check that it is exactly as on your notice, or ask your unit.")

// errTooManyFailures is the 429 of a client over its failure limit; it
// names the wait its Retry-After header gives.
var errTooManyFailures = muster.Errorf(muster.ERATELIMIT,
	"Too many wrong answer links from your address. Wait %d seconds and try again.", retryAfterSeconds)

// maxTokenLen bounds a token before it reaches the service.
const maxTokenLen = 64

// answerInput is the body of POST /r/{token}.
type answerInput struct {
	Answer     muster.AnswerKind `json:"answer"`
	ETAMinutes int               `json:"eta_minutes"`
	Reason     string            `json:"reason"`
}

// answerView is the data of the answer page.
type answerView struct {
	Token  string
	Page   *muster.MemberCallUp // nil on a bad link
	Saved  bool                 // "Your answer is recorded"
	Error  string
	ETA    string // as typed
	Reason string // as typed
	// PushKey, when push is on, is the VAPID public key for push.js.
	PushKey string
}

// answerPage answers GET /r/{token} with the member's call-up.
func (s *Server) answerPage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !s.answerToken(w, r, token, false) {
		return
	}
	p, err := s.CallUps.AnswerPage(r.Context(), token)
	if err != nil {
		s.answerFailed(w, r, false, err)
		return
	}
	s.renderAnswer(w, r, http.StatusOK, &answerView{Token: token, Page: p})
}

// answerSubmit answers POST /r/{token}: JSON in, JSON out; a form in
// (urlencoded or multipart), the page again; any other body 415. It
// answers 200 only once the service has stored the answer.
func (s *Server) answerSubmit(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	// No body type, or one muster does not read: a script that asks for
	// JSON gets the JSON errors.
	isJSON := strings.Contains(r.Header.Get("Accept"), "application/json")
	supported := true
	if ct := r.Header.Get("Content-Type"); ct == "application/json" {
		isJSON = true // as below, without parsing
	} else if ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		switch {
		case err != nil:
			supported = false
		case mt == "application/json" || strings.HasSuffix(mt, "+json"):
			isJSON = true
		case mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data":
			isJSON = false
		default:
			supported = false
		}
	}
	if !s.answerToken(w, r, token, isJSON) {
		return
	}
	if !supported {
		err := muster.Errorf(muster.EUNSUPPORTED, "Content-Type %s is not read here: send application/json, application/x-www-form-urlencoded or multipart/form-data.",
			quoteShort(r.Header.Get("Content-Type")))
		err.Details = []muster.ErrorDetail{{Field: "Content-Type", Message: "must be application/json or a form"}}
		if isJSON {
			s.apiError(w, r, err)
		} else {
			s.renderAnswer(w, r, http.StatusUnsupportedMediaType, &answerView{Error: err.Message})
		}
		return
	}
	ctx := r.Context()
	if isJSON {
		var in answerInput
		if err := decodeAnswer(w, r, &in); err != nil {
			s.apiError(w, r, err)
			return
		}
		a := &muster.Answer{Answer: in.Answer, ETAMinutes: in.ETAMinutes, Reason: strings.TrimSpace(in.Reason), Via: "link"}
		if err := a.Validate(); err != nil {
			s.apiError(w, r, err)
			return
		}
		if err := s.CallUps.SaveAnswer(ctx, token, a); err != nil {
			s.answerFailed(w, r, true, err)
			return
		}
		writeAnswer(w, a)
		return
	}
	if err := s.parseFormOnly(w, r); err != nil {
		s.answerFailed(w, r, false, err)
		return
	}
	v := &answerView{Token: token, ETA: strings.TrimSpace(r.PostFormValue("eta_minutes")),
		Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	p, err := s.CallUps.AnswerPage(ctx, token)
	if err != nil {
		s.answerFailed(w, r, false, err)
		return
	}
	v.Page = p
	a := &muster.Answer{Answer: muster.AnswerKind(r.PostFormValue("answer")), Reason: v.Reason, Via: "link"}
	if a.Answer == muster.AnswerLate {
		if n, err := strconv.Atoi(v.ETA); err == nil {
			a.ETAMinutes = n
		}
	}
	if err := a.Validate(); err != nil {
		v.Error = answerProblem(err)
		s.renderAnswer(w, r, http.StatusBadRequest, v)
		return
	}
	if err := s.CallUps.SaveAnswer(ctx, token, a); muster.ErrorCode(err) == muster.ECONFLICT {
		// Checked in, or the call-up closed: the page as it stands now,
		// with the reason.
		if p, perr := s.CallUps.AnswerPage(ctx, token); perr == nil {
			v.Page = p
		}
		v.Error, v.ETA, v.Reason = muster.ErrorMessage(err), "", ""
		s.renderAnswer(w, r, http.StatusConflict, v)
		return
	} else if err != nil {
		s.answerFailed(w, r, false, err)
		return
	}
	p.Last, v.Saved, v.ETA, v.Reason = a, true, "", ""
	s.renderAnswer(w, r, http.StatusOK, v)
}

// answerProblem says what is wrong with an answer, in the member's terms.
func answerProblem(err error) string {
	for _, d := range muster.ErrorDetails(err) {
		switch d.Field {
		case "eta_minutes":
			return "Say how late you will be, in minutes (1 to 2880)."
		case "reason":
			return "The reason is too long: at most 500 characters."
		}
	}
	return "Choose one of the three answers."
}

// answerToken answers and returns false unless the token is one muster
// signed, checked without a database read. A bad token counts against the
// client's failure limit and is errBadLink, 404; once the client is over
// the limit it is 429 instead. A good token is never limited.
func (s *Server) answerToken(w http.ResponseWriter, r *http.Request, token string, isJSON bool) bool {
	err := s.linkTokenError(w, r, token, errBadLink, s.CallUps.CheckAnswerToken)
	if err == nil {
		return true
	}
	s.answerFailed(w, r, isJSON, err)
	return false
}

// linkTokenError checks the token of an answer or kit link with check,
// which reads no database: nil for a token muster signed. A bad one (or,
// as bad, one empty or too long) counts against the client's failure
// limit; once the client is over the limit, it counts nothing and the
// error is errTooManyFailures, with Retry-After set.
func (s *Server) linkTokenError(w http.ResponseWriter, r *http.Request, token string, bad error, check func(context.Context, string) error) error {
	err := bad
	if token != "" && len(token) <= maxTokenLen {
		err = check(r.Context(), token)
	}
	if err != nil && badLink(err) && s.overLinkLimit(w, r) {
		return errTooManyFailures
	}
	return err
}

// badLink reports whether err refuses a link itself: a token that is not
// one muster signed (EUNAUTHORIZED) or names nothing (ENOTFOUND).
func badLink(err error) bool {
	code := muster.ErrorCode(err)
	return code == muster.EUNAUTHORIZED || code == muster.ENOTFOUND
}

// overLinkLimit counts a bad answer or kit link against the client's
// failure limit. When the client is over the limit already it counts
// nothing, sets Retry-After and reports true: the caller answers 429.
func (s *Server) overLinkLimit(w http.ResponseWriter, r *http.Request) bool {
	addr, now := s.clientAddr(r), s.Now()
	if !s.answerFailures.allow(addr, now) {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
		return true
	}
	s.answerFailures.fail(addr, now)
	return false
}

// answerFailed answers a failed request: a bad token (the service's
// EUNAUTHORIZED, or ENOTFOUND for a member not called up) is errBadLink,
// 404 in JSON and as a page; other errors keep their status.
func (s *Server) answerFailed(w http.ResponseWriter, r *http.Request, isJSON bool, err error) {
	if badLink(err) {
		err = errBadLink
	} else if muster.ErrorCode(err) == muster.EINTERNAL {
		s.Logger.Error("internal error", "method", r.Method, "path", loggedPath(r), "err", err)
	}
	if isJSON {
		s.apiError(w, r, err)
		return
	}
	s.renderAnswer(w, r, statusFor(err), &answerView{Error: muster.ErrorMessage(err)})
}

// renderAnswer writes the answer page: its own small template, not the
// staff layout.
func (s *Server) renderAnswer(w http.ResponseWriter, r *http.Request, status int, v *answerView) {
	if s.Push != nil {
		v.PushKey = s.PushKey
	}
	var buf bytes.Buffer
	if err := s.pages.tmpl["answer"].ExecuteTemplate(&buf, "answer", v); err != nil {
		s.Logger.Error("render page", "page", "answer", "path", loggedPath(r), "err", err)
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
