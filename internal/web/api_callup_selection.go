package web

import (
	"net/http"

	"github.com/muster-force/muster"
)

// selectionInput is the body of POST /api/v1/callups/{id}/selection:
// either the members to select or so many per unit.
type selectionInput struct {
	ServiceNumbers []string          `json:"service_numbers"`
	PerUnit        []muster.UnitPick `json:"per_unit"`
}

// candidatePage is the body of GET /api/v1/callups/{id}/selection.
type candidatePage struct {
	muster.SelectionSummary
	Candidates []*muster.Candidate `json:"candidates"`
	// NextAfter is the after= of the next page, "" on the last.
	NextAfter string `json:"next_after"`
}

// apiSelect answers POST /api/v1/callups/{id}/selection: the members
// named, or so many per unit (per_unit), are selected to report and the
// messages queued; 422 names every member who cannot be selected, or the
// unit that does not exist, and then nothing changes.
func (s *Server) apiSelect(w http.ResponseWriter, r *http.Request) {
	var in selectionInput
	id, err := s.callUpInput(w, r, &in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if in.PerUnit != nil {
		if in.ServiceNumbers != nil {
			s.apiError(w, r, muster.FieldError("per_unit", "give service_numbers or per_unit, not both"))
			return
		}
		sel, err := s.Selection.SelectPerUnit(r.Context(), id, in.PerUnit)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, sel)
		return
	}
	sel, err := s.Selection.Select(r.Context(), id, in.ServiceNumbers)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sel)
}

// apiCandidates answers GET /api/v1/callups/{id}/selection?q=&after=&limit=:
// the selection's counts and a page of the members who answered yes or
// late, by service number.
func (s *Server) apiCandidates(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "q", "after", "limit")
	f := muster.CandidateFilter{Q: q.str("q"), After: q.str("after"), Limit: q.int("limit", 100, 1, 500)}
	if err := q.err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	id, err := callUpID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	page, err := s.candidatePage(r, id, f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// candidatePage reads the counts and one page of candidates.
func (s *Server) candidatePage(r *http.Request, id int64, f muster.CandidateFilter) (*candidatePage, error) {
	sum, err := s.Selection.SelectionSummary(r.Context(), id)
	if err != nil {
		return nil, err
	}
	limit := f.Limit
	f.Limit++ // one more tells whether there is a next page
	list, err := s.Selection.Candidates(r.Context(), id, f)
	if err != nil {
		return nil, err
	}
	page := &candidatePage{SelectionSummary: *sum, Candidates: list}
	if len(list) > limit {
		page.Candidates = list[:limit]
		page.NextAfter = list[limit-1].ServiceNumber
	}
	return page, nil
}
