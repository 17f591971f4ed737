package web

import (
	"net/http"

	"github.com/muster-force/muster"
)

// pageAccountPassword changes the signed-in user's own password: the
// current one, then the new one twice. The service checks the current
// password and ends the user's other sessions; this one stays signed in.
// A refusal shows the form again, never with what was typed.
func (s *Server) pageAccountPassword(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	var session string
	if c, err := r.Cookie(sessionCookie); err == nil {
		session = c.Value
	}
	var err error
	if r.PostFormValue("new_password") != r.PostFormValue("new_password2") {
		err = muster.Errorf(muster.EINVALID, "The new password and its repetition differ.")
	} else {
		err = s.Access.ChangePassword(r.Context(), session, r.PostFormValue("current_password"), r.PostFormValue("new_password"))
	}
	if err == nil {
		s.redirectWithFlash(w, r, "/account", "Your password is changed; your other sessions are signed out.")
		return
	}
	status := s.refusedOnAccount(w, r, err)
	if status == 0 {
		return
	}
	data := s.accountData(r)
	data.PasswordError = muster.ErrorMessage(err)
	s.render(w, r, status, "account", &view{Title: "Account", Nav: "account", Data: data})
}
