package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/muster-force/muster"
)

// armoryReportView is the data of the armory reports' page.
type armoryReportView struct {
	Holdings *muster.HoldingsReport
	ItemsOut *muster.ItemsOutReport
	Overdue  *muster.OverdueReport
	Open     *muster.DiscrepancyReport
	CSV      map[string]string // each report's CSV address, by name
}

// pageArmoryReports answers GET /reports/armory?unit=CODE&days=N: the
// holdings, the items out per member, the overdue returns and the open
// check discrepancies of the unit's subtree (the actor's unit by default), each with its CSV file.
func (s *Server) pageArmoryReports(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := newQuery(r, "unit", "days")
	days := q.int("days", muster.DefaultOverdueDays, 0, 365)
	unit, err := s.armoryReportUnit(r, q)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v := armoryReportView{CSV: map[string]string{}}
	if v.Holdings, err = s.ArmoryReports.Holdings(ctx, unit); err == nil {
		if v.ItemsOut, err = s.ArmoryReports.ItemsOut(ctx, unit); err == nil {
			if v.Overdue, err = s.ArmoryReports.OverdueReturns(ctx, unit, days); err == nil {
				v.Open, err = s.ArmoryReports.OpenDiscrepancies(ctx, unit)
			}
		}
	}
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	for _, name := range []string{"holdings", "members", "overdue", "discrepancies"} {
		q := url.Values{"unit": {unit}, "format": {"csv"}}
		if name == "overdue" {
			q.Set("days", strconv.Itoa(days))
		}
		v.CSV[name] = "/api/v1/reports/armory/" + name + "?" + q.Encode()
	}
	s.render(w, r, http.StatusOK, "report_armory", &view{Title: "Armory reports · " + unit, Nav: "units", Data: v})
}
