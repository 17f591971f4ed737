package web

import (
	"bytes"
	"net/http"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/paper"
)

// pageCallUpPrint answers GET /callups/{id}/notices/print: the paper
// notices of a call-up, one A4 page per member with the response link as a
// QR code, for staff to print from the browser. Only the paper channel's
// notices are printed; the others are sent.
func (s *Server) pageCallUpPrint(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := callUpID(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	c, err := s.CallUps.FindCallUp(ctx, id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	unitName := c.Unit
	if u, err := s.Units.FindUnit(ctx, c.Unit); err == nil {
		unitName = u.Name
	}
	var notices []muster.Notice
	err = s.CallUps.Notices(ctx, id, s.baseURL(r), func(n muster.Notice) error {
		if n.Channel == muster.ChannelPaper {
			notices = append(notices, n)
		}
		return nil
	})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	// Rendered whole before the first byte, so that a failure is an error
	// page rather than half a stack of notices.
	var buf bytes.Buffer
	if err := s.paper.Write(&buf, c, unitName, notices, s.Zone); err != nil {
		s.pageError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store") // every member's response link
	w.Write(buf.Bytes())
}

// servePrintCSS serves the stylesheet of the printed notices.
func servePrintCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write([]byte(paper.CSS))
}
