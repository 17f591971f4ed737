package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/muster-force/muster"
)

// summonForm is the exercise page's form that summons members through a
// call-up of kind exercise: the call-up form's fields (page_callups.go)
// with the participants' role and track, and the count of the last
// preview.
type summonForm struct {
	*callUpForm
	Role, Track string
	Counted     bool // Count is the answer of a preview
	Count       int
}

// newSummonForm returns the empty form: the exercise's unit, active
// members, trainees, SMS and e-mail.
func (s *Server) newSummonForm(r *http.Request, e *muster.Exercise) (*summonForm, error) {
	f, err := s.newCallUpForm(r)
	if err != nil {
		return nil, err
	}
	f.Unit = e.Unit
	f.Channel = map[string]bool{string(muster.ChannelSMS): true, string(muster.ChannelEmail): true}
	return &summonForm{callUpForm: f, Role: string(muster.RoleTrainee)}, nil
}

// pageSummon answers POST /exercises/{id}/summon. With action=preview it
// counts who would be summoned (a dry run: nothing changes) and shows the
// form again; otherwise it summons them and redirects to the exercise.
// Bad fields show the form again with each error next to its field.
func (s *Server) pageSummon(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	if err := mayCallUp(r); err != nil {
		s.pageError(w, r, err)
		return
	}
	v, err := s.exerciseView(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	f := v.Summon
	f.readForm(r)
	f.Role, f.Track = strings.TrimSpace(r.PostFormValue("role")), strings.TrimSpace(r.PostFormValue("track"))
	c := f.callUp(s.Now().Location())
	preview := r.PostFormValue("action") == "preview"
	if len(f.Errors) == 0 && f.Error == "" {
		err = s.Exercises.Summon(r.Context(), v.Exercise.ID, muster.SummonInput{CallUp: c, Track: f.Track,
			Role: muster.ParticipantRole(f.Role), DryRun: preview})
		switch muster.ErrorCode(err) {
		case "":
		case muster.EINVALID, muster.ECONFLICT, muster.ENOTFOUND, muster.EFORBIDDEN:
			f.addErrors(err)
		default:
			s.pageError(w, r, err)
			return
		}
	}
	switch {
	case len(f.Errors) > 0 || f.Error != "":
		status := http.StatusBadRequest
		if err != nil {
			status = statusFor(err)
		}
		s.renderExercise(w, r, status, v)
	case preview:
		f.Counted, f.Count = true, c.Targeted
		s.renderExercise(w, r, http.StatusOK, v)
	default:
		s.redirectWithFlash(w, r, fmt.Sprintf("/exercises/%d", v.Exercise.ID),
			fmt.Sprintf("Summoned %d members through call-up %d; follow their answers on its board.", c.Targeted, c.ID))
	}
}
