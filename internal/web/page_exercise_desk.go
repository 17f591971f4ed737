package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

// deskView is the data of an exercise's arrival desk.
type deskView struct {
	Exercise *muster.Exercise
	Error    string
	Input    string // as typed, after an error
}

// pageArrivalDesk shows the arrival desk of an exercise: one big field for
// a service number or a scanned call-up notice, and a button each for
// arrival and departure.
func (s *Server) pageArrivalDesk(w http.ResponseWriter, r *http.Request) {
	e, err := s.deskExercise(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.renderDesk(w, r, http.StatusOK, &deskView{Exercise: e})
}

func (s *Server) renderDesk(w http.ResponseWriter, r *http.Request, status int, v *deskView) {
	s.render(w, r, status, "exercise_desk", &view{Title: "Arrival desk · " + v.Exercise.Title, Nav: "exercises", Data: v})
}

// pageArrivalDeskScan records the arrival (or, with action=depart, the
// departure) of the member of the desk's field and shows the desk again
// (post/redirect/get) with what happened, or the desk with the problem.
func (s *Server) pageArrivalDeskScan(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	e, err := s.deskExercise(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	input := strings.TrimSpace(r.PostFormValue("code"))
	record := s.Reception.Arrive
	if r.PostFormValue("action") == "depart" {
		record = s.Reception.Depart
	}
	var a *muster.Arrival
	sn, _, callUp, err := s.scannedMember(r, input)
	if err == nil {
		a, err = record(r.Context(), e.ID, muster.ArrivalInput{ServiceNumber: sn, CallUp: callUp})
	}
	if err != nil {
		switch muster.ErrorCode(err) {
		case muster.EINVALID, muster.ENOTFOUND, muster.ECONFLICT, muster.EUNPROCESSABLE, muster.EFORBIDDEN:
			s.renderDesk(w, r, statusFor(err), &deskView{Exercise: e, Error: muster.ErrorMessage(err), Input: input})
		default:
			s.pageError(w, r, err)
		}
		return
	}
	s.redirectWithFlash(w, r, "/exercises/"+strconv.FormatInt(e.ID, 10)+"/desk", a.Message)
}

// deskExercise returns the exercise of the path, when the actor may
// record arrivals.
func (s *Server) deskExercise(r *http.Request) (*muster.Exercise, error) {
	if a := muster.ActorFrom(r.Context()); a == nil || !a.Role.Can(muster.PermCheckIn) {
		return nil, muster.Errorf(muster.EFORBIDDEN, "Your role does not allow recording arrivals.")
	}
	id, err := exerciseID(r)
	if err != nil {
		return nil, err
	}
	return s.Exercises.FindExercise(r.Context(), id)
}
