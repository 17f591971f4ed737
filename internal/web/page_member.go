package web

import (
	"net/http"

	"github.com/muster-force/muster"
)

// memberView is the data of a member's page.
type memberView struct {
	Member  *muster.Member
	Quals   []qualMark
	History []muster.StatusChange
	Today   string
	CanEdit bool

	// Unavailable lists the periods in which the member cannot be called.
	Unavailable []*muster.Unavailability
	// Kit lists the items issued to the member.
	Kit []*muster.Item
	// Feed is the member's calendar feed block (page_calendar_feed.go).
	Feed *feedBlock
}

// pageMember shows every field of a member, the qualifications marked
// valid or expired today, the assignments and the status history.
func (s *Server) pageMember(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sn := r.PathValue("service_number")
	m, err := s.Members.FindMember(ctx, sn)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	history, err := s.Members.MemberStatusHistory(ctx, sn)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	unavailable, err := s.Unavailability.MemberUnavailability(ctx, sn)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	kit := &muster.ItemPage{}
	if s.Armory != nil { // servers built without the armory show no kit
		if kit, err = s.Armory.FindItems(ctx, muster.ItemFilter{Holder: sn, Limit: 1000}); err != nil {
			s.pageError(w, r, err)
			return
		}
	}
	feed, err := s.calendarFeedBlock(ctx, r, "", m.ServiceNumber)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	today := s.today()
	a := muster.ActorFrom(ctx)
	s.render(w, r, http.StatusOK, "member", &view{Title: m.FamilyName + " " + m.GivenName, Nav: "members",
		Data: memberView{Member: m, Quals: qualMarks(m.Qualifications, today), History: history,
			Today: today.String(), CanEdit: a != nil && a.Role.Can(muster.PermWriteRoster),
			Unavailable: unavailable, Kit: kit.Items, Feed: feed}})
}
