package web

import (
	"net/http"
	"strconv"

	"github.com/muster-force/muster"
)

// participantList is the body of GET and POST /api/v1/exercises/{id}/participants.
type participantList struct {
	Participants []*muster.Participant `json:"participants"`
}

// summonInput is the body of POST /api/v1/exercises/{id}/callup: a
// call-up's fields without its kind (always exercise), with the title and
// unit defaulting to the exercise's, and the track the summoned follow.
type summonInput struct {
	Title         string                 `json:"title"`
	Unit          string                 `json:"unit"`
	Filter        muster.CallUpFilter    `json:"filter"`
	Message       string                 `json:"message"`
	AssemblyPoint string                 `json:"assembly_point"`
	ReportBy      string                 `json:"report_by"` // RFC 3339
	Channels      []muster.Channel       `json:"channels"`
	Drill         bool                   `json:"drill"`
	Track         string                 `json:"track"`
	Role          muster.ParticipantRole `json:"role"`
}

// summonResult is the answer of a summons.
type summonResult struct {
	CallUp       *muster.CallUp `json:"callup"`
	Participants int            `json:"participants"`
}

// apiExerciseParticipants answers GET /api/v1/exercises/{id}/participants.
func (s *Server) apiExerciseParticipants(w http.ResponseWriter, r *http.Request) {
	id, err := exerciseQuery(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	s.writeParticipants(w, r, id)
}

func (s *Server) writeParticipants(w http.ResponseWriter, r *http.Request, id int64) {
	list, err := s.Exercises.Participants(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, participantList{list})
}

// apiAddParticipants answers POST /api/v1/exercises/{id}/participants:
// the members added by hand, all or none, and the participants after.
func (s *Server) apiAddParticipants(w http.ResponseWriter, r *http.Request) {
	var in muster.ParticipantsInput
	id, err := s.exerciseInput(w, r, &in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.Exercises.AddParticipants(r.Context(), id, in); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.writeParticipants(w, r, id)
}

// apiSummon answers POST /api/v1/exercises/{id}/callup with 201: a
// call-up of kind exercise, whose targeted members became participants.
func (s *Server) apiSummon(w http.ResponseWriter, r *http.Request) {
	var in summonInput
	id, err := s.exerciseInput(w, r, &in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	reportBy, err := muster.ParseReportBy(in.ReportBy)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	c := &muster.CallUp{Title: in.Title, Kind: muster.CallUpExercise, Unit: in.Unit, Filter: in.Filter, Message: in.Message,
		AssemblyPoint: in.AssemblyPoint, ReportBy: reportBy, Channels: in.Channels, Drill: in.Drill}
	if err := s.Exercises.Summon(r.Context(), id, muster.SummonInput{CallUp: c, Track: in.Track, Role: in.Role}); err != nil {
		s.apiError(w, r, err)
		return
	}
	e, err := s.Exercises.FindExercise(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	created(w, "/api/v1/callups/"+strconv.FormatInt(c.ID, 10), summonResult{apiCallUp(c), e.Participants})
}
