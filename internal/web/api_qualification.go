package web

import (
	"net/http"
	"net/url"

	"github.com/muster-force/muster"
)

// qualificationInput is the body of PUT /api/v1/qualifications/{code}.
// Code may be left out; when given it must match the path.
type qualificationInput struct {
	Code           string `json:"code"`
	Name           string `json:"name"`
	ValidityMonths int    `json:"validity_months"`
}

// apiListQualifications answers GET /api/v1/qualifications with the
// catalogue by code: {"qualifications":[...]}.
func (s *Server) apiListQualifications(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := s.Qualifications.FindQualifications(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if list == nil {
		list = []*muster.Qualification{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"qualifications": list})
}

// apiSaveQualification answers PUT /api/v1/qualifications/{code}: it
// creates the catalogue entry (201) or replaces it (200).
func (s *Server) apiSaveQualification(w http.ResponseWriter, r *http.Request) {
	var in qualificationInput
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	code := r.PathValue("code")
	if in.Code != "" && in.Code != code {
		s.apiError(w, r, muster.FieldError("code", "must match the code in the path ("+code+") or be left out"))
		return
	}
	existing, err := s.Qualifications.FindQualifications(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	q := &muster.Qualification{Code: code, Name: in.Name, ValidityMonths: in.ValidityMonths}
	if err := s.Qualifications.SaveQualification(r.Context(), q); err != nil {
		s.apiError(w, r, err)
		return
	}
	for _, e := range existing {
		if e.Code == code {
			writeJSON(w, http.StatusOK, q)
			return
		}
	}
	created(w, "/api/v1/qualifications/"+url.PathEscape(code), q)
}
