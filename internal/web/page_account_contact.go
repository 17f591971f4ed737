package web

import (
	"net/http"
	"strings"

	"github.com/muster-force/muster"
)

// pageAccountContact saves the signed-in user's own e-mail address and
// phone, where muster sends them the daily expiry digest and escalated
// armory checks. A bad value shows the form again with what was typed.
func (s *Server) pageAccountContact(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	a := muster.ActorFrom(r.Context())
	if a == nil || a.Kind != "user" {
		s.pageError(w, r, muster.Errorf(muster.EFORBIDDEN, "Only a signed-in user has an account."))
		return
	}
	c := muster.UserContact{Email: strings.TrimSpace(r.PostFormValue("email")), Phone: strings.TrimSpace(r.PostFormValue("phone"))}
	_, err := s.Access.SetUserContact(r.Context(), a.Name, c)
	if err == nil {
		s.redirectWithFlash(w, r, "/account", "Your contact details are saved.")
		return
	}
	if muster.ErrorCode(err) != muster.EINVALID {
		s.pageError(w, r, err)
		return
	}
	data := s.accountData(r)
	data.Email, data.Phone, data.ContactError = c.Email, c.Phone, muster.ErrorMessage(err)
	s.render(w, r, statusFor(err), "account", &view{Title: "Account", Nav: "account", Data: data})
}
