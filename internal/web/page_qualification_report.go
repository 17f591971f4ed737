package web

import (
	"net/http"
	"strconv"

	"github.com/muster-force/muster"
)

// coverageView is the data of the qualification coverage page.
type coverageView struct {
	Report *muster.CoverageReport
	Chart  barChart
	CSV    string // the address of the same report as CSV
}

// newCoverageChart draws, for the report's unit, the share of its members
// holding each qualification.
func newCoverageChart(rep *muster.CoverageReport) barChart {
	var labels, percents []string
	var shares []float64
	if len(rep.Units) > 0 {
		for _, c := range rep.Units[0].Coverage {
			labels, percents, shares = append(labels, c.Qualification), append(percents, c.Percent()), append(shares, c.Share)
		}
	}
	return newBarChart("Members holding each qualification, "+rep.Unit,
		"Share of the members of "+rep.Unit+" holding each qualification valid on "+rep.Date.String()+"; the table below gives the numbers, the requirements and the gaps.",
		labels, percents, shares)
}

// pageQualificationCoverage answers GET
// /reports/qualifications?unit=CODE&depth=N: the coverage report as a
// table and a bar chart.
func (s *Server) pageQualificationCoverage(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "unit", "depth")
	f, err := s.coverageFilter(r, q)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	rep, err := s.Coverage.QualificationCoverage(r.Context(), f)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v := coverageView{Report: rep, Chart: newCoverageChart(rep),
		CSV: "/api/v1/reports/qualifications?unit=" + rep.Unit + "&depth=" + strconv.Itoa(rep.Depth) + "&format=csv"}
	s.render(w, r, http.StatusOK, "report_qualifications", &view{Title: "Qualifications · " + rep.Unit, Nav: "units", Data: v})
}
