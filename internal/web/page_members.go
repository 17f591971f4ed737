package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/muster-force/muster"
)

// membersPageSize is how many members one page of the list shows.
const membersPageSize = 50

// membersView is the data of the member list: the filter as entered, the
// catalogue for the qualification filter, and one page of results.
type membersView struct {
	Query, Unit, Qualification string
	Status                     map[string]bool
	Filtered                   int // how many of unit, qualification and status are set
	Statuses                   []muster.MemberStatus
	Qualifications             []*muster.Qualification
	Rows                       []memberRow
	Total                      int
	Paged                      bool   // a page after the first
	NextURL                    string // "" on the last page
	FirstURL                   string
	Error                      string // a bad filter, shown above the list
}

// memberRow is one member in a list, with qualifications marked against
// today.
type memberRow struct {
	*muster.Member
	Quals []qualMark
}

// qualMark is a member's qualification, valid or expired today.
type qualMark struct {
	Code    string
	Expires string // "" when it does not expire
	Valid   bool
}

// qualMarks marks a member's qualifications against today.
func qualMarks(qs []muster.MemberQualification, today muster.Date) []qualMark {
	out := make([]qualMark, len(qs))
	for i, q := range qs {
		out[i] = qualMark{Code: q.Code, Expires: q.Expires.String(), Valid: q.ValidOn(today)}
	}
	return out
}

// pageMembers lists members by name, a page at a time: search by a prefix
// of the name (Cyrillic or Latin) or of the service number, and filter by
// unit subtree, status and valid qualification. Pages follow by cursor, so
// a page deep into 150,000 members costs the same as the first.
func (s *Server) pageMembers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	data := membersView{Query: strings.TrimSpace(q.Get("q")), Unit: strings.TrimSpace(q.Get("unit")),
		Qualification: q.Get("qualification"), Status: map[string]bool{}, Statuses: muster.MemberStatuses,
		Paged: q.Get("cursor") != ""}
	filter := muster.MemberFilter{Query: data.Query, Unit: data.Unit, Qualification: data.Qualification,
		Limit: membersPageSize, Cursor: q.Get("cursor")}
	for _, st := range q["status"] {
		if st != "" {
			data.Status[st] = true
			filter.Status = append(filter.Status, muster.MemberStatus(st))
		}
	}
	for _, set := range []bool{data.Unit != "", data.Qualification != "", len(filter.Status) > 0} {
		if set {
			data.Filtered++
		}
	}
	quals, err := s.Qualifications.FindQualifications(ctx)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	data.Qualifications = quals
	status := http.StatusOK
	page, err := s.Members.FindMembers(ctx, filter)
	switch code := muster.ErrorCode(err); code {
	case "":
		today := s.today()
		data.Total = page.Total
		for _, m := range page.Members {
			data.Rows = append(data.Rows, memberRow{Member: m, Quals: qualMarks(m.Qualifications, today)})
		}
		if page.NextCursor != "" {
			next := url.Values{}
			for k, v := range q {
				next[k] = v
			}
			next.Set("cursor", page.NextCursor)
			data.NextURL = "/members?" + next.Encode()
		}
	case muster.EINVALID, muster.ENOTFOUND, muster.EFORBIDDEN:
		// A bad filter: show it next to the form, which keeps what was typed.
		status, data.Error = statusFor(err), muster.ErrorMessage(err)
	default:
		s.pageError(w, r, err)
		return
	}
	first := url.Values{}
	for k, v := range q {
		first[k] = v
	}
	first.Del("cursor")
	data.FirstURL = "/members?" + first.Encode()
	s.render(w, r, status, "members", &view{Title: "Members", Nav: "members", Data: data})
}
