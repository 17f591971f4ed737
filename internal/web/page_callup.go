package web

import (
	"net/http"

	"github.com/muster-force/muster"
)

// readinessRow is one line of the readiness board.
type readinessRow struct {
	*muster.Readiness
	Child    bool
	Coming   int    // yes + late
	Percent  int    // coming of targeted
	Width    int    // the bar's width, Percent in steps of 5
	BarClass string // "low" under 50 %, "mid" under 90 %, "full" from 90 %
}

// readinessRows returns the unit's row, then its children's.
func readinessRows(rd *muster.Readiness) []readinessRow {
	rows := []readinessRow{readinessRowOf(rd, false)}
	for _, c := range rd.Children {
		rows = append(rows, readinessRowOf(c, true))
	}
	return rows
}

func readinessRowOf(rd *muster.Readiness, child bool) readinessRow {
	row := readinessRow{Readiness: rd, Child: child, Coming: rd.Yes + rd.Late}
	if rd.Targeted > 0 {
		row.Percent = row.Coming * 100 / rd.Targeted
		row.Width = min((row.Percent+2)/5*5, 100)
		if row.Width == 0 && row.Coming > 0 {
			row.Width = 5
		}
	}
	switch {
	case row.Percent >= 90:
		row.BarClass = "full"
	case row.Percent >= 50:
		row.BarClass = "mid"
	default:
		row.BarClass = "low"
	}
	return row
}

// callUpView is the data of a call-up's board.
type callUpView struct {
	CallUp   *muster.CallUp
	Rows     []readinessRow
	CanCheck bool // the actor may check members in and get the notices

	// Selection counts who was selected and who stands by.
	Selection *muster.SelectionSummary
	CanCall   bool               // the actor may select and save templates
	Past      bool               // the report-by time has passed: the no-show list is made
	Quals     []qualificationRow // per required qualification (page_callup_escalation.go)
}

// pageCallUp shows a call-up and its readiness board: the counts of its
// unit and of each child unit. With JavaScript, static/board.js follows
// GET /api/v1/callups/{id}/stream and updates the numbers in place;
// without it, a meta refresh inside <noscript> reloads the page every 5
// seconds (a Refresh header would reload the live page too).
func (s *Server) pageCallUp(w http.ResponseWriter, r *http.Request) {
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
	rd, err := s.CallUps.Readiness(ctx, id, "", 1)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	sel, err := s.Selection.SelectionSummary(ctx, id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	a := muster.ActorFrom(ctx)
	s.render(w, r, http.StatusOK, "callup", &view{Title: c.Title, Nav: "callups",
		Data: callUpView{CallUp: c, Rows: readinessRows(rd), CanCheck: a != nil && a.Role.Can(muster.PermCheckIn),
			Selection: sel, CanCall: mayCallUp(r) == nil, Past: !s.Now().Before(c.ReportBy),
			Quals: qualificationRows(rd)}})
}
