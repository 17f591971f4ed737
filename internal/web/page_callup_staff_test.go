package web

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

func TestPageMemberUnavailability(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		c := e.signedIn("clerk", muster.RoleClerk, "GOM-MOZ")
		wantPage(t, c.get("/members/G1"), 200, "No periods recorded", `id="unavailability-form"`)
		period := url.Values{"from": {"2026-12-01"}, "to": {"2026-12-14"}, "reason": {"abroad"}}
		wantPage(t, c.post("/members/G1/unavailability", c.withToken(url.Values{"from": {"soon"}, "to": {"2026-12-14"}, "reason": {"x"}})), http.StatusSeeOther)
		rec := c.post("/members/G1/unavailability", c.withToken(period))
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("add: %d %s", rec.Code, rec.Body)
		}
		// The last day is included: the period ends at the next midnight.
		wantPage(t, c.follow(rec), 200, "Unavailable from 2026-12-01 to 2026-12-14 recorded.", "2026-12-01 00:00 UTC", "2026-12-15 00:00 UTC", "abroad")
		list, err := db.MemberUnavailability(sqldbtest.System(), "G1")
		if err != nil || len(list) != 1 {
			t.Fatalf("periods %v, %v", list, err)
		}
		other := e.signedIn("brest-clerk", muster.RoleClerk, "BRE-PIN")
		wantPage(t, other.post("/members/G1/unavailability", other.withToken(period)), http.StatusForbidden)
		del := "/members/G1/unavailability/" + strconv.FormatInt(list[0].ID, 10) + "/delete"
		wantPage(t, other.post(del, other.withToken(nil)), http.StatusForbidden)
		wantPage(t, c.follow(c.post(del, c.withToken(nil))), 200, "Period deleted.", "No periods recorded")
	})
}

func TestPageSelectionTemplatesNoShows(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		id := e.createCallUp(callUpBody(set("drill", false), set("channels", []string{"sms", "paper"})))
		if rec := e.answerRequest("POST", e.responsePath(id, "G1"), "192.0.2.1", jsonType, `{"answer":"yes"}`); rec.Code != 200 {
			t.Fatalf("answer: %d %s", rec.Code, rec.Body)
		}
		board := "/callups/" + strconv.FormatInt(id, 10)
		c := e.signedIn("kovalenko", muster.RoleCommander, "TD")
		wantPage(t, c.get(board), 200, "0 selected, 0 on standby, of 1 who answered yes or late.", board+"/selection",
			"The no-show list is made after the report-by time.", `id="save-template"`)
		wantPage(t, c.get(board+"/selection"), 200, `name="service_number" value="G1"`, "Иванов Пётр", "Select and notify", `!value="B1"`)
		wantPage(t, c.get(board+"/selection?q=nobody"), 200, "Nobody matching “nobody” has answered yes or late yet.")
		wantPage(t, c.follow(c.post(board+"/selection", c.withToken(url.Values{"service_number": {"B1"}}))), 200,
			"Nothing was selected.", "B1: has not answered")
		wantPage(t, c.follow(c.post(board+"/selection", c.withToken(url.Values{"service_number": {"G1"}}))), 200,
			"1 selected and 0 told to stand by: 1 messages queued.", `value="G1" id="sel-G1" checked disabled`, "selected")

		viewer := e.signedIn("viewer", muster.RoleViewer, "TD")
		wantPage(t, viewer.get(board+"/selection"), 200, "!Select and notify")
		wantPage(t, viewer.post(board+"/selection", viewer.withToken(url.Values{"service_number": {"G1"}})), http.StatusForbidden)

		// Save as a template, and start a new call-up from it.
		wantPage(t, c.follow(c.post(board+"/template", c.withToken(url.Values{"name": {"winter"}, "report_within": {"3h"}}))), 200, "Saved as template winter.")
		wantPage(t, c.follow(c.post(board+"/template", c.withToken(url.Values{"name": {"winter"}, "report_within": {"3h"}}))), 200, "The template was not saved.")
		// Refused like every other form: 403, nothing saved.
		clerk := e.signedIn("clerk", muster.RoleClerk, "TD")
		for _, who := range []*uiClient{viewer, clerk} {
			wantPage(t, who.post(board+"/template", who.withToken(url.Values{"name": {"spring"}, "report_within": {"3h"}})), http.StatusForbidden)
		}
		if _, err := db.FindCallUpTemplate(sqldbtest.System(), "spring"); muster.ErrorCode(err) != muster.ENOTFOUND {
			t.Errorf("a refused save stored the template: %v", err)
		}
		wantPage(t, c.get("/callups/new"), 200, `href="/callups/new?template=winter"`)
		wantPage(t, c.get("/callups/new?template=winter"), 200, `value="Exercise Winter Oak"`, `value="2026-11-23T12:30"`,
			`name="channel" value="sms" checked`, `name="channel" value="paper" checked`)

		wantPage(t, c.get(board+"/noshows"), http.StatusConflict, "after the report-by time")
		later := func() time.Time { return sqldbtest.Now.Add(25 * time.Hour) }
		e.s.Now, db.Now = later, later
		c = e.signedIn("kovalenko-later", muster.RoleCommander, "TD") // the first session has expired
		wantPage(t, c.get(board), 200, board+"/noshows")
		wantPage(t, c.get(board+"/noshows"), 200, "G1", "Иванов Пётр", "+375291234567", "selected", "B1")
	})
}
