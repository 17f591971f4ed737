package web

import (
	"mime"
	"net/http"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/rostercsv"
)

// attendanceResult is the answer of marking attendance: how many marks
// were new or changed.
type attendanceResult struct {
	Recorded int `json:"recorded"`
}

// markInput is the JSON body of one mark: present is a pointer so that a
// body without it is refused rather than read as absent.
type markInput struct {
	ServiceNumber string                 `json:"service_number"`
	Date          muster.Date            `json:"date"`
	Present       *bool                  `json:"present"`
	Hours         float64                `json:"hours"`
	Role          muster.ParticipantRole `json:"role,omitempty"`
}

// apiMarkAttendance answers POST /api/v1/exercises/{id}/attendance: one
// mark as JSON ({"service_number","date","present","hours","role"}), or an
// attendance sheet as text/csv (service_number,date,present,hours[,role]),
// recorded all or none, every bad row reported with its line and column.
func (s *Server) apiMarkAttendance(w http.ResponseWriter, r *http.Request) {
	id, err := exerciseQuery(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "text/csv" {
		s.apiImportAttendance(w, r, id)
		return
	}
	var in markInput
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	var details []muster.ErrorDetail
	if in.Present == nil {
		details = append(details, muster.ErrorDetail{Field: "present", Message: "required, true or false"})
		in.Present = new(true) // so that the hours are not checked as an absence's
	}
	m := muster.Mark{ServiceNumber: in.ServiceNumber, Date: in.Date, Present: *in.Present, Hours: in.Hours, Role: in.Role}
	details = append(details, m.Validate()...)
	if err := muster.InvalidFields("mark", details); err != nil {
		s.apiError(w, r, err)
		return
	}
	n, err := s.Exercises.MarkAttendance(r.Context(), id, []muster.Mark{m})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, attendanceResult{n})
}

// apiImportAttendance records the CSV attendance sheet of the body.
func (s *Server) apiImportAttendance(w http.ResponseWriter, r *http.Request, id int64) {
	body, err := s.csvBody(w, r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	sheet, err := rostercsv.NewMarkReader(body, importBodyName)
	if err != nil {
		s.apiError(w, r, importError(err))
		return
	}
	n, err := s.Exercises.ImportAttendance(r.Context(), id, sheet)
	if err != nil {
		s.apiError(w, r, importError(err))
		return
	}
	writeJSON(w, http.StatusOK, attendanceResult{n})
}

// apiAttendance answers GET /api/v1/exercises/{id}/attendance: the
// exercise's days and each participant's days present and hours.
func (s *Server) apiAttendance(w http.ResponseWriter, r *http.Request) {
	id, err := exerciseQuery(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	sum, err := s.Exercises.Attendance(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sum)
}

// apiAttendanceDay answers GET /api/v1/exercises/{id}/attendance/{date}?unit=CODE:
// every participant of the unit's subtree with the day's mark, or null.
func (s *Server) apiAttendanceDay(w http.ResponseWriter, r *http.Request) {
	id, err := exerciseID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	q := newQuery(r, "unit")
	unit := q.code("unit")
	day, derr := muster.ParseDate(r.PathValue("date"))
	if derr != nil {
		q.bad("date", "must be a day of the exercise, YYYY-MM-DD")
	}
	if err := q.err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	sheet, err := s.Exercises.DaySheet(r.Context(), id, unit, day)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sheet)
}
