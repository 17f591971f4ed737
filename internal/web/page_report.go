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
	Chart      barChart
	CSV        string // the address of the same report as CSV
}

// barChart is a horizontal bar chart of shares, drawn as inline SVG by
// the "barchart" template: one bar per label, its length the share.
type barChart struct {
	Width, Height int
	Title, Desc   string
	Bars          []chartBar
}

// chartBar is one bar; coordinates in SVG user units.
type chartBar struct {
	Label, Percent       string
	Y, TextY, BarW, Full int
}

// The chart's geometry: a label column, then the bar, then its value.
const (
	chartLabelW = 140
	chartBarW   = 360
	chartRow    = 28
	chartBarH   = 18
)

// newBarChart lays out one bar per label with its share (0 to 1; more is
// drawn full) and its percentage for people.
func newBarChart(title, desc string, labels, percents []string, shares []float64) barChart {
	c := barChart{Width: chartLabelW + chartBarW + 60, Height: chartRow*len(labels) + 8, Title: title, Desc: desc}
	for i, label := range labels {
		y := 4 + i*chartRow
		c.Bars = append(c.Bars, chartBar{Label: label, Percent: percents[i], Y: y, TextY: y + chartBarH - 4,
			BarW: int(min(shares[i], 1)*chartBarW + 0.5), Full: chartBarW})
	}
	return c
}

// newParticipationChart draws the share of each unit's members taking part.
func newParticipationChart(rep *muster.ParticipationReport) barChart {
	var labels, percents []string
	var shares []float64
	for _, p := range rep.Units {
		labels, percents, shares = append(labels, p.Unit), append(percents, p.Percent()), append(shares, p.Share)
	}
	return newBarChart(fmt.Sprintf("Share of members taking part, %d", rep.Year),
		fmt.Sprintf("Share of members who took part in exercises in %d, per unit of %s; the table below gives the numbers.", rep.Year, rep.Unit),
		labels, percents, shares)
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
