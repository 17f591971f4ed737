package web

import (
	"net/http"
	"strings"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/rostercsv"
)

// exportView is the data of the export form.
type exportView struct {
	Unit  string
	Error string
}

// pageExport shows the export form, or with ?download= streams the members
// of a unit subtree (the actor's whole subtree when no unit is given) as
// the contract's CSV, in service-number order.
func (s *Server) pageExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	unit := strings.TrimSpace(q.Get("unit"))
	if !q.Has("download") {
		s.render(w, r, http.StatusOK, "export", &view{Title: "Export", Nav: "export", Data: exportView{Unit: unit}})
		return
	}
	name := "members"
	if unit != "" {
		// Check the unit before the first byte, so that a wrong code gets
		// a page rather than a broken download.
		if _, err := s.Units.FindUnit(ctx, unit); err != nil {
			if code := muster.ErrorCode(err); code == muster.EINTERNAL {
				s.pageError(w, r, err)
			} else {
				s.render(w, r, statusFor(err), "export", &view{Title: "Export", Nav: "export",
					Data: exportView{Unit: unit, Error: muster.ErrorMessage(err)}})
			}
			return
		}
		name += "-" + unit
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+"-"+s.today().String()+`.csv"`)
	h.Set("Cache-Control", "no-store")
	mw := rostercsv.NewMemberWriter(w)
	err := s.Roster.ExportMembers(ctx, unit, mw.Write)
	if err == nil {
		err = mw.Flush()
	}
	if err != nil {
		// The status is sent; cut the connection so that the client sees a
		// failed download rather than a short file that looks complete.
		s.Logger.Error("export members", "path", loggedPath(r), "unit", unit, "err", err)
		panic(http.ErrAbortHandler)
	}
}
