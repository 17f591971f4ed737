package web

import (
	"net/http"
	"strconv"

	"github.com/muster-force/muster"
)

// exerciseInput is the body of POST /api/v1/exercises and PUT
// /api/v1/exercises/{id}.
type exerciseInput struct {
	Title      string      `json:"title"`
	Unit       string      `json:"unit"`
	Start      muster.Date `json:"start"`
	End        muster.Date `json:"end"`
	Location   string      `json:"location"`
	Lead       string      `json:"lead"`
	Objectives []string    `json:"objectives"`
	Partners   []string    `json:"partners"`
	Tracks     []string    `json:"tracks"`
}

func (in *exerciseInput) exercise() *muster.Exercise {
	return &muster.Exercise{Title: in.Title, Unit: in.Unit, Start: in.Start, End: in.End, Location: in.Location,
		Lead: in.Lead, Objectives: in.Objectives, Partners: in.Partners, Tracks: in.Tracks}
}

// exerciseList is the body of GET /api/v1/exercises.
type exerciseList struct {
	Exercises []*muster.Exercise `json:"exercises"`
}

// exerciseID returns the {id} of the path, or ENOTFOUND when it is not a
// positive whole number.
func exerciseID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, muster.Errorf(muster.ENOTFOUND, "There is no exercise %s.", quoteShort(r.PathValue("id")))
	}
	return id, nil
}

// exerciseQuery returns the exercise id of a request that takes no query
// parameters: ENOTFOUND for a bad id, else EINVALID for any parameter.
func exerciseQuery(r *http.Request) (int64, error) {
	id, err := exerciseID(r)
	if err == nil {
		err = newQuery(r).err()
	}
	return id, err
}

// exerciseInput returns the exercise id of a request whose JSON body it
// decodes into v (see apiInput); the id is checked first.
func (s *Server) exerciseInput(w http.ResponseWriter, r *http.Request, v any) (int64, error) {
	id, err := exerciseID(r)
	if err == nil {
		err = s.apiInput(w, r, v)
	}
	return id, err
}

// apiCreateExercise answers POST /api/v1/exercises with 201 and the
// exercise.
func (s *Server) apiCreateExercise(w http.ResponseWriter, r *http.Request) {
	var in exerciseInput
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	e := in.exercise()
	if err := s.Exercises.CreateExercise(r.Context(), e); err != nil {
		s.apiError(w, r, err)
		return
	}
	created(w, "/api/v1/exercises/"+strconv.FormatInt(e.ID, 10), e)
}

// apiListExercises answers GET /api/v1/exercises?unit=CODE&year=YYYY: the
// yearly plan of a unit's subtree, by start date.
func (s *Server) apiListExercises(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "unit", "year")
	f := muster.ExerciseFilter{Unit: q.code("unit"), Year: q.int("year", 0, 1900, 9999)}
	if err := q.err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := s.Exercises.FindExercises(r.Context(), f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, exerciseList{list})
}

// apiGetExercise answers GET /api/v1/exercises/{id}.
func (s *Server) apiGetExercise(w http.ResponseWriter, r *http.Request) {
	id, err := exerciseQuery(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	e, err := s.Exercises.FindExercise(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

// apiUpdateExercise answers PUT /api/v1/exercises/{id}: the exercise's
// fields replaced by the body's.
func (s *Server) apiUpdateExercise(w http.ResponseWriter, r *http.Request) {
	var in exerciseInput
	id, err := s.exerciseInput(w, r, &in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	e := in.exercise()
	e.ID = id
	if err := s.Exercises.UpdateExercise(r.Context(), e); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

// apiDeleteExercise answers DELETE /api/v1/exercises/{id} with 204.
func (s *Server) apiDeleteExercise(w http.ResponseWriter, r *http.Request) {
	id, err := exerciseQuery(r)
	if err == nil {
		err = s.Exercises.DeleteExercise(r.Context(), id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
