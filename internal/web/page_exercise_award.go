package web

import (
	"fmt"
	"net/http"

	"github.com/muster-force/muster"
)

// pageAwardQualification answers POST /exercises/{id}/awards: the
// "Award a qualification" form, whose fields are those of the API's
// AwardInput (roles repeated), with post/redirect/get and a flash that
// says what was done.
func (s *Server) pageAwardQualification(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	v, err := s.exerciseView(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	form := &query{values: r.PostForm}
	in := muster.AwardInput{Qualification: form.str("qualification"), Track: form.str("track"),
		ValidMonths: form.int("valid_months", 0, 0, 1200), MinDays: form.int("min_days", 0, 0, muster.MaxExerciseDays)}
	for _, role := range form.list("roles") {
		in.Roles = append(in.Roles, muster.ParticipantRole(role))
	}
	if err := form.err(); err != nil {
		s.exerciseFailed(w, r, v, err, nil)
		return
	}
	res, err := s.Exercises.AwardQualification(r.Context(), v.Exercise.ID, in)
	if err != nil {
		s.exerciseFailed(w, r, v, err, nil)
		return
	}
	s.redirectWithFlash(w, r, fmt.Sprintf("/exercises/%d", v.Exercise.ID),
		fmt.Sprintf("%s: %d awarded, %d renewed, %d skipped.", in.Qualification, res.Awarded, res.Renewed, len(res.Skipped)))
}
