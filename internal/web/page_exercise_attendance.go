package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/rostercsv"
)

// maxGridBytes bounds the attendance grid's form: a few thousand rows.
const maxGridBytes = 1 << 20

// pageMarkAttendance answers POST /exercises/{id}/attendance: the day's
// grid, a checkbox present_SN and a field hours_SN per participant listed
// in sn, recorded all or none.
func (s *Server) pageMarkAttendance(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxGridBytes)
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, muster.Errorf(muster.ETOOLARGE, "The form is too large; mark one unit at a time."))
		return
	}
	if err := s.checkFormToken(r); err != nil {
		s.pageError(w, r, err)
		return
	}
	v, err := s.exerciseView(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	var marks []muster.Mark
	var problems []muster.ErrorDetail
	for i, sn := range r.PostForm["sn"] {
		m := muster.Mark{ServiceNumber: sn, Date: v.Sheet.Date, Present: r.PostFormValue("present_"+sn) != ""}
		if h := strings.TrimSpace(r.PostFormValue("hours_" + sn)); h != "" && m.Present {
			n, err := strconv.ParseFloat(strings.Replace(h, ",", ".", 1), 64)
			if err != nil {
				problems = append(problems, muster.ErrorDetail{Line: i + 1, Field: "hours", Message: sn + ": not a number: " + quoteShort(h)})
			}
			m.Hours = n
		}
		for _, d := range m.Validate() {
			d.Line, d.Message = i+1, sn+": "+d.Message
			problems = append(problems, d)
		}
		marks = append(marks, m)
	}
	if len(problems) == 0 && len(marks) > 0 {
		_, err = s.Exercises.MarkAttendance(r.Context(), v.Exercise.ID, marks)
	}
	if len(problems) > 0 || err != nil {
		s.exerciseFailed(w, r, v, err, problems)
		return
	}
	s.redirectWithFlash(w, r, fmt.Sprintf("/exercises/%d?day=%s", v.Exercise.ID, v.Sheet.Date),
		fmt.Sprintf("Attendance of %s recorded for %d participants.", v.Sheet.Date, len(marks)))
}

// exerciseFailed shows the exercise's page with the problems of a change
// (422), or the error page for a fault of muster's own or a refusal.
func (s *Server) exerciseFailed(w http.ResponseWriter, r *http.Request, v *exerciseView, err error, problems []muster.ErrorDetail) {
	switch muster.ErrorCode(err) {
	case "", muster.EINVALID, muster.EUNPROCESSABLE, muster.ECONFLICT, muster.ETOOLARGE:
	default:
		s.pageError(w, r, err)
		return
	}
	status := http.StatusUnprocessableEntity
	if err != nil {
		v.Error, problems, status = muster.ErrorMessage(err), muster.ErrorDetails(err), statusFor(err)
	} else {
		v.Error = "Nothing was recorded: correct the rows below."
	}
	v.Problems = problems
	s.renderExercise(w, r, status, v)
}

// pageUploadAttendance answers POST /exercises/{id}/sheet: an attendance
// sheet (CSV: service_number,date,present,hours) recorded all or none.
func (s *Server) pageUploadAttendance(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxImportBytes+1<<20)
	if err := r.ParseMultipartForm(maxUploadMemory); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			err = muster.Errorf(muster.ETOOLARGE, "The file is larger than %s.", formatBytes(s.MaxImportBytes))
		} else {
			err = muster.Errorf(muster.EINVALID, "The upload could not be read; choose the file again.")
		}
		s.pageError(w, r, err)
		return
	}
	if err := s.checkFormToken(r); err != nil {
		s.pageError(w, r, err)
		return
	}
	v, err := s.exerciseView(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.exerciseFailed(w, r, v, muster.Errorf(muster.EINVALID, "Choose a CSV file to upload."), nil)
		return
	}
	defer file.Close()
	sheet, err := rostercsv.NewMarkReader(file, hdr.Filename)
	var n int
	if err == nil {
		n, err = s.Exercises.ImportAttendance(r.Context(), v.Exercise.ID, sheet)
	}
	if err != nil {
		s.exerciseFailed(w, r, v, err, nil)
		return
	}
	s.redirectWithFlash(w, r, fmt.Sprintf("/exercises/%d?day=%s", v.Exercise.ID, v.Sheet.Date),
		fmt.Sprintf("%s: %d marks recorded or corrected.", hdr.Filename, n))
}

// pageAddParticipants answers POST /exercises/{id}/participants: service
// numbers (separated by spaces, commas or lines) added with a role and
// track, all or none.
func (s *Server) pageAddParticipants(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	v, err := s.exerciseView(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	in := muster.ParticipantsInput{ServiceNumbers: strings.FieldsFunc(r.PostFormValue("service_numbers"), func(c rune) bool {
		return c == ',' || c == ';' || c == ' ' || c == '\n' || c == '\r' || c == '\t'
	}), Role: muster.ParticipantRole(r.PostFormValue("role")), Track: strings.TrimSpace(r.PostFormValue("track"))}
	if err := s.Exercises.AddParticipants(r.Context(), v.Exercise.ID, in); err != nil {
		s.exerciseFailed(w, r, v, err, nil)
		return
	}
	s.redirectWithFlash(w, r, fmt.Sprintf("/exercises/%d", v.Exercise.ID),
		fmt.Sprintf("%d members added as %s.", len(in.ServiceNumbers), in.Role))
}

// printView is the data of the printable attendance sheet.
type printView struct {
	Sheet    *muster.DaySheet
	UnitName string
	Rows     []printRow
}

// printRow is one numbered line of the printed sheet.
type printRow struct {
	N int
	*muster.DayRow
}

// pageAttendancePrint answers GET /exercises/{id}/print?day=YYYY-MM-DD&unit=CODE:
// the day's attendance sheet of the unit's subtree, to print and sign.
func (s *Server) pageAttendancePrint(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := exerciseID(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	e, err := s.Exercises.FindExercise(ctx, id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	day, err := exerciseDay(r, e, s.today())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	unit := r.FormValue("unit")
	if unit == "" {
		unit = e.Unit
	}
	sheet, err := s.Exercises.DaySheet(ctx, id, unit, day)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v := printView{Sheet: sheet, UnitName: sheet.Unit}
	for i, row := range sheet.Rows {
		v.Rows = append(v.Rows, printRow{i + 1, row})
	}
	if u, err := s.Units.FindUnit(ctx, sheet.Unit); err == nil {
		v.UnitName = u.Name
	}
	s.render(w, r, http.StatusOK, "exercise_print", &view{Title: "Attendance " + day.String(), Nav: "exercises", Data: v})
}

// pageCreateCalendarFeed answers POST /exercises/feeds: a calendar feed of
// the unit (or of the member) at a secret address, shown once in the flash.
func (s *Server) pageCreateCalendarFeed(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	f := &muster.CalendarFeed{Unit: r.PostFormValue("unit"), ServiceNumber: r.PostFormValue("service_number")}
	sec, err := s.Exercises.CreateCalendarFeed(r.Context(), f)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, "/exercises", "Calendar feed created; subscribe to it in your calendar app (this address is shown only once): "+
		s.baseURL(r)+calendarPath+sec+".ics")
}
