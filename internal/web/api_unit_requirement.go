package web

import (
	"net/http"

	"github.com/muster-force/muster"
)

// requirementsBody is the answer of GET and PUT
// /api/v1/units/{code}/requirements.
type requirementsBody struct {
	Unit         string                   `json:"unit"`
	Requirements []muster.UnitRequirement `json:"requirements"`
}

// apiUnitRequirements answers GET /api/v1/units/{code}/requirements with
// what the unit requires: {"unit","requirements":[{"qualification","needed"}]}.
func (s *Server) apiUnitRequirements(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	code := r.PathValue("code")
	list, err := s.Requirements.FindUnitRequirements(r.Context(), code)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, requirementsBody{Unit: code, Requirements: list})
}

// apiSetUnitRequirements answers PUT /api/v1/units/{code}/requirements
// {"requirements":[{"qualification","needed"}]}: the list replaces the
// unit's requirements, all or none; the answer is the stored list.
func (s *Server) apiSetUnitRequirements(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Requirements []muster.UnitRequirement `json:"requirements"`
	}
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	if in.Requirements == nil {
		s.apiError(w, r, muster.FieldError("requirements", "required, a list (empty to require nothing)"))
		return
	}
	code := r.PathValue("code")
	list, err := s.Requirements.SetUnitRequirements(r.Context(), code, in.Requirements)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, requirementsBody{Unit: code, Requirements: list})
}
