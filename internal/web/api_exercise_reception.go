package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/muster-force/muster"
)

// apiArrive answers POST /api/v1/exercises/{id}/arrivals {"service_number"}:
// the arrival, also when it was recorded before (then "already": true).
func (s *Server) apiArrive(w http.ResponseWriter, r *http.Request) {
	s.apiArrival(w, r, s.Reception.Arrive)
}

// apiDepart answers POST /api/v1/exercises/{id}/departures {"service_number"}.
func (s *Server) apiDepart(w http.ResponseWriter, r *http.Request) {
	s.apiArrival(w, r, s.Reception.Depart)
}

func (s *Server) apiArrival(w http.ResponseWriter, r *http.Request,
	record func(ctx context.Context, id int64, in muster.ArrivalInput) (*muster.Arrival, error)) {
	var in muster.ArrivalInput
	id, err := s.exerciseInput(w, r, &in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	a, err := record(r.Context(), id, in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// apiReception answers GET /api/v1/exercises/{id}/reception: the overview
// per unit, the sites and the kit.
func (s *Server) apiReception(w http.ResponseWriter, r *http.Request) {
	id, err := exerciseQuery(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	rec, err := s.Reception.Reception(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

// apiParticipantReception answers GET
// /api/v1/exercises/{id}/participants/{service_number}/reception.
func (s *Server) apiParticipantReception(w http.ResponseWriter, r *http.Request) {
	id, err := exerciseQuery(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	s.writeParticipantReception(w, r, id, r.PathValue("service_number"))
}

func (s *Server) writeParticipantReception(w http.ResponseWriter, r *http.Request, id int64, serviceNumber string) {
	p, err := s.Reception.ParticipantReception(r.Context(), id, serviceNumber)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// apiAddNote answers POST
// /api/v1/exercises/{id}/participants/{service_number}/notes {"text"} with
// 201 and the note.
func (s *Server) apiAddNote(w http.ResponseWriter, r *http.Request) {
	var n muster.ParticipantNote
	id, err := s.exerciseInput(w, r, &struct {
		Text *string `json:"text"`
	}{&n.Text})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	sn := r.PathValue("service_number")
	if err := s.Reception.AddNote(r.Context(), id, sn, &n); err != nil {
		s.apiError(w, r, err)
		return
	}
	created(w, "/api/v1/exercises/"+strconv.FormatInt(id, 10)+"/participants/"+url.PathEscape(sn)+"/reception", n)
}
