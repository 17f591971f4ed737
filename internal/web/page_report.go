package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/muster-force/muster"
)

// participationView is the data of the participation report's page.
type participationView struct {
	Report     *muster.ParticipationReport
	Prev, Next int
	Chart      participationChart
	CSV        string // the address of the same report as CSV
}

// participationChart is the report's bar chart, drawn as inline SVG: one
// bar per unit, its length the unit's share of members taking part.
type participationChart struct {
	Width, Height int
	Desc          string
	Bars          []participationBar
}

// participationBar is one unit's bar; coordinates in SVG user units.
type participationBar struct {
	Label, Percent       string
	Y, TextY, BarW, Full int
}

// The chart's geometry: a label column, then the bar, then its value.
const (
	chartLabelW = 140
	chartBarW   = 360
	chartRow    = 28
	chartBar    = 18
)

// newParticipationChart lays out the bars of the report's units.
func newParticipationChart(rep *muster.ParticipationReport) participationChart {
	c := participationChart{Width: chartLabelW + chartBarW + 60, Height: chartRow*len(rep.Units) + 8,
		Desc: fmt.Sprintf("Share of members who took part in exercises in %d, per unit of %s; the table below gives the numbers.", rep.Year, rep.Unit)}
	for i, p := range rep.Units {
		y := 4 + i*chartRow
		c.Bars = append(c.Bars, participationBar{Label: p.Unit, Percent: p.Percent(), Y: y, TextY: y + chartBar - 4,
			BarW: int(p.Share*chartBarW + 0.5), Full: chartBarW})
	}
	return c
}

// pageParticipation answers GET
// /reports/participation?unit=CODE&year=YYYY&depth=N: the participation
// report as a table and a bar chart.
func (s *Server) pageParticipation(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "unit", "year", "depth")
	f, err := s.participationFilter(r, q)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	rep, err := s.Reports.Participation(r.Context(), f)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v := participationView{Report: rep, Prev: rep.Year - 1, Next: rep.Year + 1, Chart: newParticipationChart(rep),
		CSV: "/api/v1/reports/participation?unit=" + rep.Unit + "&year=" + strconv.Itoa(rep.Year) + "&depth=" + strconv.Itoa(rep.Depth) + "&format=csv"}
	title := "Participation " + strconv.Itoa(rep.Year) + " · " + rep.Unit
	s.render(w, r, http.StatusOK, "report_participation", &view{Title: title, Nav: "exercises", Data: v})
}
