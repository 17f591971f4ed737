package web

import (
	"net/http"
	"net/url"

	"github.com/muster-force/muster"
)

// unitInput is the body of POST /api/v1/units.
type unitInput struct {
	Code           string          `json:"code"`
	Name           string          `json:"name"`
	Parent         string          `json:"parent"`
	Kind           muster.UnitKind `json:"kind"`
	TargetStrength int             `json:"target_strength"`
}

// apiListUnits answers GET /api/v1/units?under=CODE&depth=N&kind=K with
// the units in tree order: {"units":[...]}.
func (s *Server) apiListUnits(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "under", "depth", "kind")
	f := muster.UnitFilter{Under: q.code("under"), Depth: q.int("depth", 0, 0, 10), Kind: muster.UnitKind(q.str("kind"))}
	if f.Kind != "" && f.Kind.Rank() < 0 {
		q.bad("kind", "must be one of command, region, district, unit, subunit")
	}
	if err := q.err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	units, err := s.Units.FindUnits(r.Context(), f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if units == nil {
		units = []*muster.Unit{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"units": units})
}

// apiCreateUnit answers POST /api/v1/units with 201 and the new unit.
func (s *Server) apiCreateUnit(w http.ResponseWriter, r *http.Request) {
	var in unitInput
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	u := &muster.Unit{Code: in.Code, Name: in.Name, Parent: in.Parent, Kind: in.Kind, TargetStrength: in.TargetStrength}
	if err := s.Units.CreateUnit(r.Context(), u); err != nil {
		s.apiError(w, r, err)
		return
	}
	created(w, "/api/v1/units/"+url.PathEscape(u.Code), u)
}

// apiGetUnit answers GET /api/v1/units/{code}.
func (s *Server) apiGetUnit(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	u, err := s.Units.FindUnit(r.Context(), r.PathValue("code"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

// apiUpdateUnit answers PATCH /api/v1/units/{code}: the fields present in
// the body change, the others stay.
func (s *Server) apiUpdateUnit(w http.ResponseWriter, r *http.Request) {
	var upd muster.UnitUpdate
	if err := s.apiInput(w, r, &upd); err != nil {
		s.apiError(w, r, err)
		return
	}
	u, err := s.Units.UpdateUnit(r.Context(), r.PathValue("code"), upd)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

// apiUnitStrength answers GET /api/v1/units/{code}/strength?depth=N with
// the strength of the unit and of its subunits down to depth levels:
// {"strengths":[...]}, the unit first.
func (s *Server) apiUnitStrength(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "depth")
	depth := q.int("depth", 1, 0, 10)
	if err := q.err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := s.Units.UnitStrengths(r.Context(), r.PathValue("code"), depth)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if list == nil {
		list = []muster.UnitStrength{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"strengths": list})
}
