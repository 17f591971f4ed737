package web

import (
	"net/http"

	"github.com/muster-force/muster"
)

// apiSetUserContact answers PUT /api/v1/users/{login}/contact, body
// {"email","phone"} (either may be empty), with 200 and the user.
func (s *Server) apiSetUserContact(w http.ResponseWriter, r *http.Request) {
	var in muster.UserContact
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	u, err := s.Access.SetUserContact(r.Context(), r.PathValue("login"), in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}
