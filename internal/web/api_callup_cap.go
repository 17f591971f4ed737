package web

import (
	"net"
	"net/http"
	"net/url"
	"strconv"

	"github.com/muster-force/muster/internal/cap"
)

// apiCallUpCAP answers GET /api/v1/callups/{id}/cap with the call-up as a
// CAP 1.2 alert (application/cap+xml); a drill has status Exercise. The
// sender is "muster@" and the host of the public URL, or of the request.
// Sent is the call-up's creation time: a call-up does not change once
// created, so each read gives the same alert, as its identifier says.
func (s *Server) apiCallUpCAP(w http.ResponseWriter, r *http.Request) {
	id, err := callUpQuery(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	ctx := r.Context()
	c, err := s.CallUps.FindCallUp(ctx, id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	u, err := s.Units.FindUnit(ctx, c.Unit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	doc, err := cap.Alert(c, cap.Options{Sender: s.capSender(r), UnitName: u.Name, SentAt: c.CreatedAt, Location: s.Zone})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/cap+xml; charset=utf-8")
	h.Set("Content-Disposition", `inline; filename="callup-`+strconv.FormatInt(id, 10)+`.cap.xml"`)
	w.WriteHeader(http.StatusOK)
	w.Write(doc)
}

// capSender returns "muster@" and the host name of the public URL or of
// the request, without a port; "muster@localhost" when neither has one
// CAP accepts.
func (s *Server) capSender(r *http.Request) string {
	host := r.Host
	if s.PublicURL != "" {
		if u, err := url.Parse(s.PublicURL); err == nil && u.Host != "" {
			host = u.Host
		}
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "" || !validCAPHost(host) {
		host = "localhost"
	}
	return "muster@" + host
}

// validCAPHost reports whether a host name may stand in a CAP sender: no
// whitespace, commas, < or &.
func validCAPHost(h string) bool {
	for _, c := range h {
		switch c {
		case ' ', '\t', '\r', '\n', ',', '<', '&':
			return false
		}
	}
	return true
}
