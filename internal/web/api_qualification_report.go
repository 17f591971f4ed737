package web

import (
	"net/http"
	"strconv"

	"github.com/muster-force/muster"
)

// coverageHeader is the header row of the coverage CSV file: one line per
// unit and qualification.
var coverageHeader = []string{"unit", "name", "level", "members", "qualification", "holders", "share", "needed", "gap"}

// coverageFilter reads unit (the actor's top unit by default) and depth
// (2 by default: regions and districts under the command) from q.
func (s *Server) coverageFilter(r *http.Request, q *query) (muster.CoverageFilter, error) {
	f := muster.CoverageFilter{Unit: q.code("unit"), Depth: q.int("depth", 2, 0, 10)}
	if err := q.err(); err != nil {
		return f, err
	}
	var err error
	f.Unit, err = s.reportUnit(r, f.Unit)
	return f, err
}

// apiQualificationCoverage answers GET
// /api/v1/reports/qualifications?unit=CODE&depth=N&format=F with the
// qualification coverage of the unit and its units down to depth levels:
// JSON, or with format=csv or Accept: text/csv a CSV file of one line per
// unit and qualification.
func (s *Server) apiQualificationCoverage(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "unit", "depth", "format")
	asCSV := wantsCSV(q, r)
	f, err := s.coverageFilter(r, q)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	rep, err := s.Coverage.QualificationCoverage(r.Context(), f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if !asCSV {
		writeJSON(w, http.StatusOK, rep)
		return
	}
	var rows [][]string
	for _, u := range rep.Units {
		for _, c := range u.Coverage {
			rows = append(rows, []string{u.Unit, u.Name, strconv.Itoa(u.Level), strconv.Itoa(u.Members), c.Qualification, strconv.Itoa(c.Holders),
				strconv.FormatFloat(c.Share, 'f', 4, 64), strconv.Itoa(c.Needed), strconv.Itoa(c.Gap)})
		}
	}
	s.writeReportCSV(w, r, "qualifications-"+rep.Unit+"-"+rep.Date.String(), coverageHeader, rows)
}
