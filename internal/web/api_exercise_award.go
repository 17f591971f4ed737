package web

import (
	"net/http"

	"github.com/muster-force/muster"
)

// awardList is the body of GET /api/v1/exercises/{id}/awards.
type awardList struct {
	Awards []*muster.Award `json:"awards"`
}

// apiExerciseAwards answers GET /api/v1/exercises/{id}/awards: the awards
// that changed something, newest first.
func (s *Server) apiExerciseAwards(w http.ResponseWriter, r *http.Request) {
	id, err := exerciseQuery(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := s.Exercises.Awards(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, awardList{list})
}

// apiAwardQualification answers POST /api/v1/exercises/{id}/awards: the
// qualification awarded or renewed to the participants who completed the
// exercise, and who was skipped.
func (s *Server) apiAwardQualification(w http.ResponseWriter, r *http.Request) {
	var in muster.AwardInput
	id, err := s.exerciseInput(w, r, &in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	res, err := s.Exercises.AwardQualification(r.Context(), id, in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
