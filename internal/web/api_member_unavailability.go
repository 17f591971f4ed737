package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/muster-force/muster"
)

// unavailabilityInput is the body of POST
// /api/v1/members/{service_number}/unavailability.
type unavailabilityInput struct {
	From   string `json:"from"` // RFC 3339
	To     string `json:"to"`   // RFC 3339, the end: the member can be called from then
	Reason string `json:"reason"`
}

// unavailabilityList is the body of GET …/unavailability.
type unavailabilityList struct {
	Unavailability []*muster.Unavailability `json:"unavailability"`
}

// parseTimeField reads an RFC 3339 time of the field; "" is the zero time,
// which Validate reports as required.
func parseTimeField(field, s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, muster.FieldError(field, "must be a time such as 2026-12-01T00:00:00+03:00 (RFC 3339)")
	}
	return t, nil
}

// apiListUnavailability answers GET /api/v1/members/{service_number}/unavailability.
func (s *Server) apiListUnavailability(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := s.Unavailability.MemberUnavailability(r.Context(), r.PathValue("service_number"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, unavailabilityList{list})
}

// apiAddUnavailability answers POST /api/v1/members/{service_number}/unavailability
// with 201 and the period.
func (s *Server) apiAddUnavailability(w http.ResponseWriter, r *http.Request) {
	var in unavailabilityInput
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	sn := r.PathValue("service_number")
	u := &muster.Unavailability{ServiceNumber: sn, Reason: in.Reason}
	var err error
	if u.From, err = parseTimeField("from", in.From); err == nil {
		u.To, err = parseTimeField("to", in.To)
	}
	if err == nil {
		err = s.Unavailability.AddUnavailability(r.Context(), u)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	created(w, "/api/v1/members/"+sn+"/unavailability/"+strconv.FormatInt(u.ID, 10), u)
}

// apiDeleteUnavailability answers DELETE
// /api/v1/members/{service_number}/unavailability/{id} with 204.
func (s *Server) apiDeleteUnavailability(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	sn := r.PathValue("service_number")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		s.apiError(w, r, muster.Errorf(muster.ENOTFOUND, "Member %s has no unavailability %s.", sn, quoteShort(r.PathValue("id"))))
		return
	}
	if err := s.Unavailability.DeleteUnavailability(r.Context(), sn, id); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
