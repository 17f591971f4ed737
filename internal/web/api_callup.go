package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/rostercsv"
)

// callUpList is the body of GET /api/v1/callups.
type callUpList struct {
	CallUps []*muster.CallUp `json:"callups"`
}

// apiCallUp prepares a call-up for JSON: lists are arrays, never null.
func apiCallUp(c *muster.CallUp) *muster.CallUp {
	if c.Filter.Status == nil {
		c.Filter.Status = []muster.MemberStatus{}
	}
	if c.Filter.Qualifications == nil {
		c.Filter.Qualifications = []string{}
	}
	if c.Channels == nil {
		c.Channels = []muster.Channel{}
	}
	if c.Requirements == nil {
		c.Requirements = []muster.Requirement{}
	}
	if c.Escalation.Reminders == nil {
		c.Escalation.Reminders = []muster.Duration{}
	}
	if c.EscalationStatus == nil {
		c.EscalationStatus = []muster.EscalationTimer{}
	}
	return c
}

// apiReadiness prepares a readiness tree for JSON: children are always an
// array.
func apiReadiness(r *muster.Readiness) *muster.Readiness {
	if r.Children == nil {
		r.Children = []*muster.Readiness{}
	}
	for _, c := range r.Children {
		apiReadiness(c)
	}
	return r
}

// callUpID returns the {id} of the path, or ENOTFOUND when it is not a
// positive whole number.
func callUpID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, muster.Errorf(muster.ENOTFOUND, "There is no call-up %s.", quoteShort(r.PathValue("id")))
	}
	return id, nil
}

// callUpQuery returns the call-up id of a request that takes no query
// parameters: EINVALID for any parameter, else ENOTFOUND for a bad id.
func callUpQuery(r *http.Request) (int64, error) {
	if err := newQuery(r).err(); err != nil {
		return 0, err
	}
	return callUpID(r)
}

// callUpInput is callUpQuery for a request whose JSON body it then
// decodes into v.
func (s *Server) callUpInput(w http.ResponseWriter, r *http.Request, v any) (int64, error) {
	id, err := callUpQuery(r)
	if err == nil {
		err = decodeJSON(w, r, v)
	}
	return id, err
}

// baseURL returns the base of response links: s.PublicURL, or the
// request's host with the http scheme.
func (s *Server) baseURL(r *http.Request) string {
	if s.PublicURL != "" {
		return strings.TrimSuffix(s.PublicURL, "/")
	}
	return "http://" + r.Host
}

// apiCreateCallUp answers POST /api/v1/callups with 201 and the call-up,
// its id and how many members it targets.
func (s *Server) apiCreateCallUp(w http.ResponseWriter, r *http.Request) {
	var in muster.CallUpRequest
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.createCallUp(w, r, &in)
}

// createCallUp creates the call-up of the input and answers 201.
func (s *Server) createCallUp(w http.ResponseWriter, r *http.Request, in *muster.CallUpRequest) {
	c, err := in.CallUp()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := c.Validate(s.Now()); err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.CallUps.CreateCallUp(r.Context(), c); err != nil {
		s.apiError(w, r, err)
		return
	}
	created(w, "/api/v1/callups/"+strconv.FormatInt(c.ID, 10), apiCallUp(c))
}

// apiListCallUps answers GET /api/v1/callups with the call-ups the actor
// may see: {"callups":[...]}.
func (s *Server) apiListCallUps(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := s.CallUps.FindCallUps(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if list == nil {
		list = []*muster.CallUp{}
	}
	for _, c := range list {
		apiCallUp(c)
	}
	writeJSON(w, http.StatusOK, callUpList{list})
}

// apiGetCallUp answers GET /api/v1/callups/{id}.
func (s *Server) apiGetCallUp(w http.ResponseWriter, r *http.Request) {
	id, err := callUpQuery(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	c, err := s.CallUps.FindCallUp(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiCallUp(c))
}

// apiCallUpReadiness answers GET /api/v1/callups/{id}/readiness?unit=CODE&depth=N:
// the counts in the unit's subtree (the call-up's own unit by default)
// and in its children down to depth levels (1 by default).
func (s *Server) apiCallUpReadiness(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "unit", "depth")
	unit := q.code("unit")
	depth := q.int("depth", 1, 0, 10)
	if err := q.err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	id, err := callUpID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	rd, err := s.CallUps.Readiness(r.Context(), id, unit, depth)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiReadiness(rd))
}

// apiCallUpNotices answers GET /api/v1/callups/{id}/notices with a CSV
// file, streamed: service_number,name,channel,response_url, one row per
// targeted member and channel.
func (s *Server) apiCallUpNotices(w http.ResponseWriter, r *http.Request) {
	id, err := callUpQuery(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	cw := rostercsv.NewWriter(w)
	started := false
	start := func() {
		if started {
			return
		}
		started = true
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="callup-`+strconv.FormatInt(id, 10)+`-notices.csv"`)
		w.WriteHeader(http.StatusOK)
		cw.Write([]string{"service_number", "name", "channel", "response_url"})
	}
	n := 0
	err = s.CallUps.Notices(r.Context(), id, s.baseURL(r), func(nt muster.Notice) error {
		start()
		if err := cw.Write([]string{nt.ServiceNumber, nt.Name, string(nt.Channel), nt.ResponseURL}); err != nil {
			return err
		}
		if n++; n%1000 == 0 {
			cw.Flush()
			return cw.Error()
		}
		return nil
	})
	if err != nil && !started {
		// An unknown or foreign call-up fails before the first row.
		s.apiError(w, r, err)
		return
	}
	if err != nil {
		// The status is sent: cut the connection so the client sees a
		// truncated file, never a short one that looks complete.
		s.Logger.Error("notices stream", "method", r.Method, "path", loggedPath(r), "err", err)
		panic(http.ErrAbortHandler)
	}
	start()
	cw.Flush()
}

// checkInInput is the body of POST /api/v1/callups/{id}/checkins.
type checkInInput struct {
	ServiceNumber string `json:"service_number"`
}

// checkInResult is the answer of a check-in.
type checkInResult struct {
	CallUp        int64  `json:"callup"`
	ServiceNumber string `json:"service_number"`
	CheckedIn     bool   `json:"checked_in"`
}

// apiCallUpCheckIn answers POST /api/v1/callups/{id}/checkins: the member
// is checked in at the assembly point (again, harmlessly, if already).
func (s *Server) apiCallUpCheckIn(w http.ResponseWriter, r *http.Request) {
	var in checkInInput
	id, err := s.callUpInput(w, r, &in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	sn := strings.TrimSpace(in.ServiceNumber)
	if sn == "" {
		s.apiError(w, r, muster.FieldError("service_number", "required"))
		return
	}
	if err := s.CallUps.CheckIn(r.Context(), id, sn); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, checkInResult{CallUp: id, ServiceNumber: sn, CheckedIn: true})
}
