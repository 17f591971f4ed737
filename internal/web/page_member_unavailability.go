package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/muster-force/muster"
)

// dateLayout is the value of an <input type="date">.
const dateLayout = "2006-01-02"

// pageMemberUnavailabilityAdd records a period from the member page's
// form: from the first day's start to the end of the last day, in the
// server's time zone, and redirects back to the member.
func (s *Server) pageMemberUnavailabilityAdd(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	sn := r.PathValue("service_number")
	back := "/members/" + sn
	loc := s.Now().Location()
	u := &muster.Unavailability{ServiceNumber: sn, Reason: r.PostFormValue("reason")}
	from, errFrom := time.ParseInLocation(dateLayout, r.PostFormValue("from"), loc)
	to, errTo := time.ParseInLocation(dateLayout, r.PostFormValue("to"), loc)
	var err error
	switch {
	case errFrom != nil:
		err = muster.FieldError("from", "must be a date such as 2026-12-01")
	case errTo != nil:
		err = muster.FieldError("to", "must be a date such as 2026-12-14")
	default:
		u.From, u.To = from, to.AddDate(0, 0, 1)
		err = s.Unavailability.AddUnavailability(r.Context(), u)
	}
	switch muster.ErrorCode(err) {
	case "":
		s.redirectWithFlash(w, r, back, "Unavailable from "+from.Format(dateLayout)+" to "+to.Format(dateLayout)+" recorded.")
	case muster.EINVALID:
		s.redirectWithFlash(w, r, back, "The period was not recorded. "+muster.ErrorMessage(err))
	default:
		s.pageError(w, r, err)
	}
}

// pageMemberUnavailabilityDelete deletes a period and redirects back to
// the member.
func (s *Server) pageMemberUnavailabilityDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	sn := r.PathValue("service_number")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.pageError(w, r, muster.Errorf(muster.ENOTFOUND, "There is no such period."))
		return
	}
	if err := s.Unavailability.DeleteUnavailability(r.Context(), sn, id); err != nil {
		s.pageError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, "/members/"+sn, "Period deleted.")
}
