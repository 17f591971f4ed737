package web

import (
	"net/http"
	"strconv"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/rostercsv"
)

// participationHeader is the header row of the participation CSV file.
var participationHeader = []string{"unit", "name", "level", "exercises", "members", "participants", "share", "days_present", "hours"}

// participationFilter reads unit (the actor's top unit by default), year
// (this year by default) and depth (1 by default) from q.
func (s *Server) participationFilter(r *http.Request, q *query) (muster.ParticipationFilter, error) {
	f := muster.ParticipationFilter{Unit: q.code("unit"), Year: q.int("year", s.Now().Year(), 1900, 9999),
		Depth: q.int("depth", 1, 0, 10)}
	if err := q.err(); err != nil {
		return f, err
	}
	var err error
	f.Unit, err = s.reportUnit(r, f.Unit)
	return f, err
}

// reportUnit returns unit, or when it is "" the actor's top unit: the
// unit a report covers by default.
func (s *Server) reportUnit(r *http.Request, unit string) (string, error) {
	if unit != "" {
		return unit, nil
	}
	top, err := s.topUnits(r.Context())
	if err != nil {
		return "", err
	}
	if len(top) == 0 {
		return "", muster.Errorf(muster.ENOTFOUND, "There are no units yet.")
	}
	return top[0].Code, nil
}

// writeReportCSV answers with a report as a CSV file to download, named
// name.csv: the header row, then the rows.
func (s *Server) writeReportCSV(w http.ResponseWriter, r *http.Request, name string, header []string, rows [][]string) {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	cw := rostercsv.NewWriter(w)
	cw.Write(header)
	cw.WriteAll(rows)
	if err := cw.Error(); err != nil {
		s.Logger.Error("report CSV", "method", r.Method, "path", loggedPath(r), "err", err)
	}
}

// apiParticipation answers GET
// /api/v1/reports/participation?unit=CODE&year=YYYY&depth=N&format=F with
// the participation in the year's exercises of the unit and its units down
// to depth levels: JSON, or with format=csv or Accept: text/csv a CSV file
// of one line per unit.
func (s *Server) apiParticipation(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "unit", "year", "depth", "format")
	asCSV := wantsCSV(q, r)
	f, err := s.participationFilter(r, q)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	rep, err := s.Reports.Participation(r.Context(), f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if !asCSV {
		writeJSON(w, http.StatusOK, rep)
		return
	}
	var rows [][]string
	for _, p := range rep.Units {
		rows = append(rows, []string{p.Unit, p.Name, strconv.Itoa(p.Level), strconv.Itoa(p.Exercises), strconv.Itoa(p.Members),
			strconv.Itoa(p.Participants), strconv.FormatFloat(p.Share, 'f', 4, 64), strconv.Itoa(p.DaysPresent),
			strconv.FormatFloat(p.Hours, 'f', -1, 64)})
	}
	s.writeReportCSV(w, r, "participation-"+rep.Unit+"-"+strconv.Itoa(rep.Year), participationHeader, rows)
}
