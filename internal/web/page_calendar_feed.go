package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/muster-force/muster"
)

// feedBlock is the "Calendar feed" block of a member's or a unit's page:
// the feeds that exist (their addresses are secret, shown only when made)
// and a button that makes a new one.
type feedBlock struct {
	Action    string // where the button posts
	What      string // "this member's exercises", …
	Feeds     []*muster.CalendarFeed
	FormToken string
}

// calendarFeedBlock returns the block for the unit's subtree or the
// member (one of unit and sn), or nil when the server has no exercises.
func (s *Server) calendarFeedBlock(ctx context.Context, r *http.Request, unit, sn string) (*feedBlock, error) {
	if s.Exercises == nil {
		return nil, nil
	}
	all, err := s.Exercises.FindCalendarFeeds(ctx)
	if err != nil {
		return nil, err
	}
	b := &feedBlock{FormToken: s.formToken(r)}
	if sn != "" {
		b.Action, b.What = "/members/"+url.PathEscape(sn)+"/calendar-feed", "this member's exercises"
	} else {
		b.Action, b.What = "/units/"+url.PathEscape(unit)+"/calendar-feed", "the exercises of this unit and the units below it"
	}
	for _, f := range all {
		if !f.Revoked && f.Unit == unit && f.ServiceNumber == sn {
			b.Feeds = append(b.Feeds, f)
		}
	}
	return b, nil
}

// pageMemberCalendarFeed answers POST /members/{service_number}/calendar-feed.
func (s *Server) pageMemberCalendarFeed(w http.ResponseWriter, r *http.Request) {
	sn := r.PathValue("service_number")
	s.createCalendarFeed(w, r, &muster.CalendarFeed{ServiceNumber: sn}, "/members/"+url.PathEscape(sn))
}

// pageUnitCalendarFeed answers POST /units/{code}/calendar-feed.
func (s *Server) pageUnitCalendarFeed(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	s.createCalendarFeed(w, r, &muster.CalendarFeed{Unit: code}, "/units/"+url.PathEscape(code))
}

// createCalendarFeed makes the feed and goes back to the page, whose flash
// shows the feed's secret address this once.
func (s *Server) createCalendarFeed(w http.ResponseWriter, r *http.Request, f *muster.CalendarFeed, back string) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	sec, err := s.Exercises.CreateCalendarFeed(r.Context(), f)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, back, "Calendar feed created; subscribe to it in your calendar app (this address is shown only once): "+
		s.baseURL(r)+calendarPath+sec+".ics")
}
