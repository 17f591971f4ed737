package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/muster-force/muster"
)

// memberInput is the body of POST /api/v1/members.
type memberInput struct {
	ServiceNumber  string                       `json:"service_number"`
	FamilyName     string                       `json:"family_name"`
	GivenName      string                       `json:"given_name"`
	BirthDate      muster.Date                  `json:"birth_date"`
	Unit           string                       `json:"unit"`
	Position       string                       `json:"position"`
	Status         muster.MemberStatus          `json:"status"`
	Phone          string                       `json:"phone"`
	Email          string                       `json:"email"`
	Employer       string                       `json:"employer"`
	Qualifications []muster.MemberQualification `json:"qualifications"`
	Assignments    []muster.Assignment          `json:"assignments"`
}

// memberPage is the body of GET /api/v1/members. NextCursor is null on
// the last page.
type memberPage struct {
	Members    []*muster.Member `json:"members"`
	Total      int              `json:"total"`
	NextCursor *string          `json:"next_cursor"`
}

// apiMember prepares a member for JSON: qualifications are always an
// array, never null.
func apiMember(m *muster.Member) *muster.Member {
	if m.Qualifications == nil {
		m.Qualifications = []muster.MemberQualification{}
	}
	return m
}

// apiListMembers answers GET /api/v1/members with one page of the members
// that match the filter, in name order.
func (s *Server) apiListMembers(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "unit", "status", "qualification", "q", "limit", "cursor")
	f := muster.MemberFilter{
		Unit:          q.code("unit"),
		Qualification: q.code("qualification"),
		Query:         q.str("q"),
		Limit:         q.int("limit", 50, 1, 500),
		Cursor:        q.str("cursor"),
	}
	for _, v := range q.list("status") {
		st := muster.MemberStatus(v)
		if !st.Valid() {
			q.bad("status", "must be one of applicant, active, reserve, inactive, discharged, not "+quoteShort(v))
			continue
		}
		f.Status = append(f.Status, st)
	}
	if len(f.Query) > 200 {
		q.bad("q", "at most 200 bytes")
	}
	if err := q.err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	page, err := s.Members.FindMembers(r.Context(), f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := memberPage{Members: page.Members, Total: page.Total}
	if out.Members == nil {
		out.Members = []*muster.Member{}
	}
	for _, m := range out.Members {
		apiMember(m)
	}
	if page.NextCursor != "" {
		out.NextCursor = &page.NextCursor
	}
	writeJSON(w, http.StatusOK, out)
}

// apiCreateMember answers POST /api/v1/members with 201 and the member.
func (s *Server) apiCreateMember(w http.ResponseWriter, r *http.Request) {
	var in memberInput
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	m := &muster.Member{ServiceNumber: in.ServiceNumber, FamilyName: in.FamilyName, GivenName: in.GivenName,
		BirthDate: in.BirthDate, Unit: in.Unit, Position: in.Position, Status: in.Status, Phone: in.Phone,
		Email: in.Email, Employer: in.Employer, Qualifications: in.Qualifications, Assignments: in.Assignments}
	if err := s.Members.CreateMember(r.Context(), m); err != nil {
		s.apiError(w, r, err)
		return
	}
	created(w, "/api/v1/members/"+url.PathEscape(m.ServiceNumber), apiMember(m))
}

// apiGetMember answers GET /api/v1/members/{service_number}.
func (s *Server) apiGetMember(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	m, err := s.Members.FindMember(r.Context(), r.PathValue("service_number"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiMember(m))
}

// apiUpdateMember answers PATCH /api/v1/members/{service_number}: the
// fields present in the body change, the others stay.
func (s *Server) apiUpdateMember(w http.ResponseWriter, r *http.Request) {
	var upd muster.MemberUpdate
	if err := s.apiInput(w, r, &upd); err != nil {
		s.apiError(w, r, err)
		return
	}
	m, err := s.Members.UpdateMember(r.Context(), r.PathValue("service_number"), upd)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiMember(m))
}

// apiMemberHistory answers GET /api/v1/members/{service_number}/history
// with the member's status changes, oldest first: {"history":[...]}.
func (s *Server) apiMemberHistory(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := s.Members.MemberStatusHistory(r.Context(), r.PathValue("service_number"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if list == nil {
		list = []muster.StatusChange{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"history": list})
}

// quoteShort quotes s for a message, cut to 40 characters.
func quoteShort(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return strconv.Quote(s)
}
