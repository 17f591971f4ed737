package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/ical"
)

// calendarFeedInput is the body of POST /api/v1/calendar-feeds: a unit or
// a member.
type calendarFeedInput struct {
	Unit          string `json:"unit"`
	ServiceNumber string `json:"service_number"`
}

// calendarFeedCreated is a new feed with its secret address, shown once.
type calendarFeedCreated struct {
	*muster.CalendarFeed
	URL string `json:"url"`
}

// calendarFeedList is the body of GET /api/v1/calendar-feeds.
type calendarFeedList struct {
	Feeds []*muster.CalendarFeed `json:"feeds"`
}

// calendarPath is where the feeds are served, without signing in.
const calendarPath = "/calendar/"

// apiUnitCalendar answers GET /api/v1/units/{code}/calendar.ics: the
// exercises of the unit's subtree as an iCalendar file.
func (s *Server) apiUnitCalendar(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	if !muster.ValidCode(code) {
		s.apiError(w, r, muster.Errorf(muster.ENOTFOUND, "There is no unit %s.", quoteShort(code)))
		return
	}
	list, err := s.Exercises.FindExercises(r.Context(), muster.ExerciseFilter{Unit: code})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	s.writeCalendar(w, r, "Exercises of "+code, code, list)
}

// calendarFeed answers GET /calendar/{file}, file being SECRET.ics: the
// feed's exercises, for calendar apps that cannot sign in.
func (s *Server) calendarFeed(w http.ResponseWriter, r *http.Request) {
	sec, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		http.Error(w, "Unknown or revoked calendar feed.", http.StatusNotFound)
		return
	}
	f, list, err := s.Exercises.CalendarFeed(r.Context(), sec)
	if code := muster.ErrorCode(err); code == muster.EUNAUTHORIZED {
		http.Error(w, "Unknown or revoked calendar feed.", http.StatusNotFound)
		return
	} else if err != nil {
		s.Logger.Error("calendar feed", "path", calendarPath+"…", "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	name, file := "Exercises of "+f.Unit, f.Unit
	if f.ServiceNumber != "" {
		name, file = "Exercises of "+f.ServiceNumber, f.ServiceNumber
	}
	s.writeCalendar(w, r, name, file, list)
}

// writeCalendar writes the exercises as an iCalendar file: one all-day
// event per exercise, its UID "exercise-ID@HOST" stable across feeds.
func (s *Server) writeCalendar(w http.ResponseWriter, r *http.Request, name, file string, list []*muster.Exercise) {
	host := r.Host
	if u, err := url.Parse(s.baseURL(r)); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	cal := ical.Calendar{ProdID: "-//muster//exercises//EN", Name: name}
	for _, e := range list {
		cal.Events = append(cal.Events, ical.Event{
			UID: "exercise-" + strconv.FormatInt(e.ID, 10) + "@" + host, Stamp: e.UpdatedAt,
			Start: e.Start.Time(), End: e.End.Time(), Summary: e.Title, Location: e.Location,
			Description: exerciseDescription(e), Categories: []string{e.Unit},
		})
	}
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", `inline; filename="exercises-`+file+`.ics"`)
	h.Set("Cache-Control", "private, no-cache")
	if err := cal.Write(w); err != nil {
		s.Logger.Info("calendar write", "err", err)
	}
}

// exerciseDescription is the text of an exercise's calendar event.
func exerciseDescription(e *muster.Exercise) string {
	var b strings.Builder
	b.WriteString("Unit: " + e.Unit + "\n")
	if e.Lead != "" {
		b.WriteString("Lead: " + e.Lead + "\n")
	}
	for _, o := range e.Objectives {
		b.WriteString("Objective: " + o + "\n")
	}
	for _, p := range e.Partners {
		b.WriteString("With: " + p + "\n")
	}
	for _, t := range e.Tracks {
		b.WriteString("Track: " + t + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// apiCreateCalendarFeed answers POST /api/v1/calendar-feeds with 201 and
// the feed's secret address, shown only this once.
func (s *Server) apiCreateCalendarFeed(w http.ResponseWriter, r *http.Request) {
	var in calendarFeedInput
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	f := &muster.CalendarFeed{Unit: in.Unit, ServiceNumber: in.ServiceNumber}
	sec, err := s.Exercises.CreateCalendarFeed(r.Context(), f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	created(w, "/api/v1/calendar-feeds/"+strconv.FormatInt(f.ID, 10),
		calendarFeedCreated{f, s.baseURL(r) + calendarPath + sec + ".ics"})
}

// apiListCalendarFeeds answers GET /api/v1/calendar-feeds, without secrets.
func (s *Server) apiListCalendarFeeds(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := s.Exercises.FindCalendarFeeds(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, calendarFeedList{list})
}

// apiRevokeCalendarFeed answers DELETE /api/v1/calendar-feeds/{id} with 204.
func (s *Server) apiRevokeCalendarFeed(w http.ResponseWriter, r *http.Request) {
	id, perr := strconv.ParseInt(r.PathValue("id"), 10, 64)
	err := newQuery(r).err()
	if perr != nil || id < 1 {
		err = muster.Errorf(muster.ENOTFOUND, "There is no calendar feed %s.", quoteShort(r.PathValue("id")))
	}
	if err == nil {
		err = s.Exercises.RevokeCalendarFeed(r.Context(), id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
