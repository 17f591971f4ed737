package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

// exerciseForm is the form of a new or changed exercise: the values as
// typed (lists one item a line) and an error per field.
type exerciseForm struct {
	ID                                      int64
	Title, Unit, Start, End, Location, Lead string
	Objectives, Partners, Tracks            string
	Errors                                  map[string]string
	Error                                   string
}

func exerciseFormOf(e *muster.Exercise) *exerciseForm {
	return &exerciseForm{ID: e.ID, Title: e.Title, Unit: e.Unit, Start: e.Start.String(), End: e.End.String(),
		Location: e.Location, Lead: e.Lead, Objectives: strings.Join(e.Objectives, "\n"),
		Partners: strings.Join(e.Partners, "\n"), Tracks: strings.Join(e.Tracks, "\n"), Errors: map[string]string{}}
}

// readForm reads the posted fields into f.
func (f *exerciseForm) readForm(r *http.Request) {
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	f.Title, f.Unit, f.Start, f.End, f.Location, f.Lead = v("title"), v("unit"), v("start"), v("end"), v("location"), v("lead")
	f.Objectives, f.Partners, f.Tracks = v("objectives"), v("partners"), v("tracks")
}

// exercise turns the form into an exercise, noting dates that do not parse.
func (f *exerciseForm) exercise() *muster.Exercise {
	e := &muster.Exercise{ID: f.ID, Title: f.Title, Unit: f.Unit, Location: f.Location, Lead: f.Lead,
		Objectives: strings.Split(f.Objectives, "\n"), Partners: strings.Split(f.Partners, "\n"), Tracks: strings.Split(f.Tracks, "\n")}
	for _, d := range []struct {
		field, value string
		to           *muster.Date
	}{{"start", f.Start, &e.Start}, {"end", f.End, &e.End}} {
		if d.value == "" {
			continue
		}
		t, err := muster.ParseDate(d.value)
		if err != nil {
			f.Errors[d.field] = "must be a date such as 2027-01-08"
		}
		*d.to = t
	}
	return e
}

// addErrors puts err's details next to their fields, and the rest above.
func (f *exerciseForm) addErrors(err error) {
	for _, d := range muster.ErrorDetails(err) {
		if d.Field != "" && f.Errors[d.Field] == "" {
			f.Errors[d.Field] = d.Message
		} else if d.Field == "" && f.Error == "" {
			f.Error = d.Message
		}
	}
	if len(f.Errors) == 0 && f.Error == "" {
		f.Error = muster.ErrorMessage(err)
	}
}

// pageExerciseNew shows the form of a new exercise.
func (s *Server) pageExerciseNew(w http.ResponseWriter, r *http.Request) {
	if err := mayCallUp(r); err != nil {
		s.pageError(w, r, err)
		return
	}
	f := &exerciseForm{Errors: map[string]string{}}
	if a := muster.ActorFrom(r.Context()); a != nil {
		f.Unit = a.Unit
	}
	s.renderExerciseForm(w, r, http.StatusOK, f)
}

// pageExerciseEdit shows the form of an exercise's fields.
func (s *Server) pageExerciseEdit(w http.ResponseWriter, r *http.Request) {
	id, err := exerciseID(r)
	if err == nil {
		err = mayCallUp(r)
	}
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	e, err := s.Exercises.FindExercise(r.Context(), id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.renderExerciseForm(w, r, http.StatusOK, exerciseFormOf(e))
}

// pageExerciseSave creates (POST /exercises) or changes (POST
// /exercises/{id}) the exercise of the form and redirects to its page;
// invalid fields show the form again with each error next to its field.
func (s *Server) pageExerciseSave(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	f := &exerciseForm{Errors: map[string]string{}}
	if r.PathValue("id") != "" {
		id, err := exerciseID(r)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		f.ID = id
	}
	f.readForm(r)
	e := f.exercise()
	if len(f.Errors) == 0 {
		if err := e.Validate(); err != nil {
			f.addErrors(err)
		}
	}
	if len(f.Errors) > 0 || f.Error != "" {
		s.renderExerciseForm(w, r, http.StatusBadRequest, f)
		return
	}
	save, msg := s.Exercises.CreateExercise, "Exercise planned."
	if f.ID != 0 {
		save, msg = s.Exercises.UpdateExercise, "Exercise changed."
	}
	if err := save(r.Context(), e); err != nil {
		if muster.ErrorCode(err) == muster.EINTERNAL || muster.ErrorCode(err) == muster.ENOTFOUND {
			s.pageError(w, r, err)
			return
		}
		f.addErrors(err)
		s.renderExerciseForm(w, r, statusFor(err), f)
		return
	}
	s.redirectWithFlash(w, r, "/exercises/"+strconv.FormatInt(e.ID, 10), msg)
}

func (s *Server) renderExerciseForm(w http.ResponseWriter, r *http.Request, status int, f *exerciseForm) {
	title := "New exercise"
	if f.ID != 0 {
		title = "Change exercise"
	}
	s.render(w, r, status, "exercise_form", &view{Title: title, Nav: "exercises", Data: f})
}

// formField is one field of the form as the template shows it.
type formField struct{ Name, Label, Value, Help, Error string }

// Inputs returns the form's one-line fields.
func (f *exerciseForm) Inputs() []formField {
	return []formField{
		{"title", "Title", f.Title, "", f.Errors["title"]},
		{"unit", "Unit", f.Unit, "The unit whose subtree trains, e.g. a region.", f.Errors["unit"]},
		{"start", "First day", f.Start, "YYYY-MM-DD", f.Errors["start"]},
		{"end", "Last day", f.End, "YYYY-MM-DD; at most 92 days in all.", f.Errors["end"]},
		{"location", "Location", f.Location, "", f.Errors["location"]},
		{"lead", "Lead", f.Lead, "e.g. head of the district executive committee", f.Errors["lead"]},
	}
}

// Lists returns the form's fields of one item a line.
func (f *exerciseForm) Lists() []formField {
	return []formField{
		{"objectives", "Objectives", f.Objectives, "One a line.", f.Errors["objectives"]},
		{"partners", "Partner units from outside muster", f.Partners, "One a line, e.g. an army engineering battalion.", f.Errors["partners"]},
		{"tracks", "Tracks", f.Tracks, "One a line, e.g. command staff. Optional.", f.Errors["tracks"]},
	}
}
