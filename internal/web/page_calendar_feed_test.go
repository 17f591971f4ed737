package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestCalendarFeedButtons makes a member's and a unit's calendar feed
// from their pages and reads each at its secret address, once shown.
func TestCalendarFeedButtons(t *testing.T) {
	db := sqldbtest.Open(t, "sqlite") // the storage runs on both in internal/sqldb and above
	e := newUIEnv(t, db)
	e.s.Exercises = db
	clerk := e.signedIn("petrova", muster.RoleClerk, "GOM")
	outsider := e.signedIn("shevchuk", muster.RoleClerk, "BRE")
	for _, tc := range []struct{ page, action string }{
		{"/members/G1", "/members/G1/calendar-feed"},
		{"/units/GOM-MOZ", "/units/GOM-MOZ/calendar-feed"},
	} {
		wantPage(t, clerk.get(tc.page), 200, "Calendar feed", `action="`+tc.action+`"`, "Make a calendar feed")
		wantPage(t, clerk.post(tc.action, url.Values{}), 403)
		rec := clerk.follow(clerk.post(tc.action, clerk.withToken(url.Values{})))
		wantPage(t, rec, 200, "Calendar feed created", "Make another calendar feed", "made by")
		feed := regexpFind(t, rec.Body.String(), `(`+calendarPath+`msc_[A-Za-z0-9_-]+\.ics)`)
		ics := httptest.NewRecorder()
		e.h.ServeHTTP(ics, httptest.NewRequest("GET", feed, nil))
		if ics.Code != 200 || !strings.HasPrefix(ics.Body.String(), "BEGIN:VCALENDAR\r\n") {
			t.Errorf("%s: GET %s = %d\n%s", tc.page, feed, ics.Code, ics.Body)
		}
		if body := clerk.get(tc.page).Body.String(); strings.Contains(body, feed) {
			t.Errorf("%s shows the secret address again", tc.page)
		}
		wantPage(t, outsider.post(tc.action, outsider.withToken(url.Values{})), 403, "outside your unit")
	}
}
