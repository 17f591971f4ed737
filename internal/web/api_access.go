package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

// tokenInput is the body of POST /api/v1/tokens.
type tokenInput struct {
	Role muster.Role `json:"role"`
	Unit string      `json:"unit"`
	Name string      `json:"name"`
}

// newToken is the answer to POST /api/v1/tokens: the token with its
// secret, which is shown this once.
type newToken struct {
	Secret string `json:"token"`
	*muster.Token
}

// userInput is the body of POST /api/v1/users.
type userInput struct {
	Login    string      `json:"login"`
	Name     string      `json:"name"`
	Role     muster.Role `json:"role"`
	Unit     string      `json:"unit"`
	Password string      `json:"password"`
}

// roleProblem returns what is wrong with a role, or "".
func roleProblem(r muster.Role) string {
	if r.Valid() {
		return ""
	}
	names := make([]string, len(muster.Roles))
	for i, v := range muster.Roles {
		names[i] = string(v)
	}
	return "must be one of " + strings.Join(names, ", ")
}

// apiListTokens answers GET /api/v1/tokens: {"tokens":[...]}, without
// their secrets.
func (s *Server) apiListTokens(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := s.Access.FindTokens(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if list == nil {
		list = []*muster.Token{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": list})
}

// apiCreateToken answers POST /api/v1/tokens with 201 and the token,
// including its secret.
func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request) {
	var in tokenInput
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case roleProblem(in.Role) != "":
		s.apiError(w, r, muster.FieldError("role", roleProblem(in.Role)))
		return
	case !muster.ValidCode(in.Unit):
		s.apiError(w, r, muster.FieldError("unit", "required, a unit code"))
		return
	case in.Name == "" || len(in.Name) > 100:
		s.apiError(w, r, muster.FieldError("name", "required, at most 100 bytes"))
		return
	}
	t := &muster.Token{Name: in.Name, Role: in.Role, Unit: in.Unit}
	secret, err := s.Access.CreateToken(r.Context(), t)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	created(w, "/api/v1/tokens/"+strconv.FormatInt(t.ID, 10), newToken{Secret: secret, Token: t})
}

// apiRevokeToken answers DELETE /api/v1/tokens/{id} with 204.
func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.apiError(w, r, muster.FieldError("id", "must be a whole number of 1 or more"))
		return
	}
	if err := s.Access.RevokeToken(r.Context(), id); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiListUsers answers GET /api/v1/users: {"users":[...]}.
func (s *Server) apiListUsers(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := s.Access.FindUsers(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if list == nil {
		list = []*muster.User{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": list})
}

// apiCreateUser answers POST /api/v1/users with 201 and the user.
func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) {
	var in userInput
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	switch {
	case strings.TrimSpace(in.Login) == "":
		s.apiError(w, r, muster.FieldError("login", "required"))
		return
	case roleProblem(in.Role) != "":
		s.apiError(w, r, muster.FieldError("role", roleProblem(in.Role)))
		return
	case !muster.ValidCode(in.Unit):
		s.apiError(w, r, muster.FieldError("unit", "required, a unit code"))
		return
	case in.Password == "":
		s.apiError(w, r, muster.FieldError("password", "required"))
		return
	}
	u := &muster.User{Login: in.Login, Name: in.Name, Role: in.Role, Unit: in.Unit}
	if err := s.Access.CreateUser(r.Context(), u, in.Password); err != nil {
		s.apiError(w, r, err)
		return
	}
	created(w, "/api/v1/users/"+url.PathEscape(u.Login), u)
}
