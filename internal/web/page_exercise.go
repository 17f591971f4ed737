package web

import (
	"net/http"
	"strconv"

	"github.com/muster-force/muster"
)

// exercisesView is the data of the yearly plan.
type exercisesView struct {
	Year, Prev, Next int
	Unit             string
	Exercises        []*muster.Exercise
	CanPlan          bool
}

// pageExercises answers GET /exercises?year=YYYY&unit=CODE: the yearly
// plan of a unit's subtree (the actor's by default), by start date.
func (s *Server) pageExercises(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "year", "unit")
	v := exercisesView{Year: q.int("year", s.Now().Year(), 1900, 9999), Unit: q.code("unit")}
	if err := q.err(); err != nil {
		s.pageError(w, r, err)
		return
	}
	list, err := s.Exercises.FindExercises(r.Context(), muster.ExerciseFilter{Unit: v.Unit, Year: v.Year})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v.Exercises, v.Prev, v.Next = list, v.Year-1, v.Year+1
	v.CanPlan = mayCallUp(r) == nil
	s.render(w, r, http.StatusOK, "exercises", &view{Title: "Exercises " + strconv.Itoa(v.Year), Nav: "exercises", Data: v})
}

// exerciseView is the data of an exercise's page.
type exerciseView struct {
	Exercise     *muster.Exercise
	Participants []*muster.Participant
	Sheet        *muster.DaySheet
	Days         []muster.Date
	Roles        []muster.ParticipantRole
	Awards       []*muster.Award // of qualifications, newest first
	Reception    *muster.Reception
	CanPlan      bool
	CanMark      bool
	CanAward     bool                 // the exercise is over and the actor may plan
	Problems     []muster.ErrorDetail // of the last attendance or participants change
	Error        string
	Summon       *summonForm // for those who may plan (page_exercise_summon.go)
}

// pageExercise answers GET /exercises/{id}?day=YYYY-MM-DD: the exercise,
// its participants and the attendance grid of the day (the first day, or
// today while the exercise runs).
func (s *Server) pageExercise(w http.ResponseWriter, r *http.Request) {
	v, err := s.exerciseView(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.renderExercise(w, r, http.StatusOK, v)
}

func (s *Server) renderExercise(w http.ResponseWriter, r *http.Request, status int, v *exerciseView) {
	s.render(w, r, status, "exercise", &view{Title: v.Exercise.Title, Nav: "exercises", Data: v})
}

// exerciseView reads what the exercise's page shows.
func (s *Server) exerciseView(r *http.Request) (*exerciseView, error) {
	ctx := r.Context()
	id, err := exerciseID(r)
	if err != nil {
		return nil, err
	}
	e, err := s.Exercises.FindExercise(ctx, id)
	if err != nil {
		return nil, err
	}
	day, err := exerciseDay(r, e, s.today())
	if err != nil {
		return nil, err
	}
	participants, err := s.Exercises.Participants(ctx, id)
	if err != nil {
		return nil, err
	}
	sheet, err := s.Exercises.DaySheet(ctx, id, "", day)
	if err != nil {
		return nil, err
	}
	awards, err := s.Exercises.Awards(ctx, id)
	if err != nil {
		return nil, err
	}
	a := muster.ActorFrom(ctx)
	v := &exerciseView{Exercise: e, Participants: participants, Sheet: sheet, Roles: muster.ParticipantRoles, Awards: awards,
		CanPlan: mayCallUp(r) == nil, CanMark: a != nil && a.Role.Can(muster.PermCheckIn)}
	v.CanAward = v.CanPlan && s.today().After(e.End)
	if s.Reception != nil {
		if v.Reception, err = s.Reception.Reception(ctx, id); err != nil {
			return nil, err
		}
	}
	if v.CanPlan {
		if v.Summon, err = s.newSummonForm(r, e); err != nil {
			return nil, err
		}
	}
	for d := e.Start; !d.After(e.End); d = d.AddDays(1) {
		v.Days = append(v.Days, d)
	}
	return v, nil
}

// exerciseDay returns the day asked for in ?day= (or the form's day), or
// today while the exercise runs, or its first day.
func exerciseDay(r *http.Request, e *muster.Exercise, today muster.Date) (muster.Date, error) {
	s := r.FormValue("day")
	if s == "" {
		if e.Contains(today) {
			return today, nil
		}
		return e.Start, nil
	}
	d, err := muster.ParseDate(s)
	if err != nil || !e.Contains(d) {
		return muster.Date{}, muster.Errorf(muster.EINVALID, "day: %s is not a day of the exercise (%s – %s).", quoteShort(s), e.Start, e.End)
	}
	return d, nil
}
