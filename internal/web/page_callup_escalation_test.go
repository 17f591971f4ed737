package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// withEscalation adds the form's requirement rows and escalation fields.
func withEscalation(f url.Values, fields map[string][]string) url.Values {
	for k, v := range fields {
		f[k] = v
	}
	return f
}

func TestPageCallUpEscalationForm(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		c := e.signedIn("kovalenko", muster.RoleCommander, "TD")
		wantPage(t, c.get("/callups/new"), 200, `name="req_qualification"`, `<option value="MED">`, `name="req_needed"`,
			`name="fallback_after"`, `name="reminders"`, `name="realert_unit"`, `name="realert_after"`)

		// Errors next to their fieldsets, values kept, nothing created.
		bad := withEscalation(newCallUpValues(), map[string][]string{
			"req_qualification": {"MED", ""}, "req_needed": {"many", ""}, "fallback_after": {"soon"}, "reminders": {"30m, later"}})
		wantPage(t, c.post("/callups", c.withToken(bad)), 400, "requirements[0].needed: a whole number of members",
			`value="soon"`, "escalation.reminders[1]: must be a duration", `value="30m, later"`)
		noPool := withEscalation(newCallUpValues(), map[string][]string{"realert_unit": {"BRE"}, "realert_after": {"1h"}})
		wantPage(t, c.post("/callups", c.withToken(noPool)), 400, "escalation.realert: needs requirements")
		gom := e.signedIn("gomcmd", muster.RoleCommander, "GOM-MOZ")
		outside := withEscalation(newCallUpValues("unit", "GOM-MOZ"), map[string][]string{
			"req_qualification": {"MED"}, "req_needed": {"2"}, "realert_unit": {"BRE"}, "realert_after": {"1h"}})
		wantPage(t, gom.post("/callups", gom.withToken(outside)), 400, "escalation.realert.unit: unit BRE is outside the call-up's unit GOM-MOZ")
		if list, _ := db.FindCallUps(sqldbtest.System()); len(list) != 0 {
			t.Fatalf("%d call-ups after rejected forms", len(list))
		}

		good := withEscalation(newCallUpValues("status", ""), map[string][]string{"status": {"active", "reserve"},
			"req_qualification": {"", "MED", "RIF"}, "req_needed": {"", "2", "1"}, "fallback_after": {"15m"},
			"reminders": {"30m, 2h"}, "realert_unit": {"BRE"}, "realert_after": {"60"}})
		rec := c.post("/callups", c.withToken(good))
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", rec.Code, rec.Body)
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(rec.Header().Get("Location"), "/callups/"), 10, 64)
		got, err := db.FindCallUp(sqldbtest.System(), id)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Requirements) != 2 || got.Requirements[0] != (muster.Requirement{Qualification: "MED", Needed: 2}) ||
			got.Escalation.FallbackAfter.String() != "15m" || len(got.Escalation.Reminders) != 2 ||
			got.Escalation.Realert == nil || got.Escalation.Realert.Unit != "BRE" || got.Escalation.Realert.After.String() != "1h" {
			t.Fatalf("created %+v, escalation %+v", got.Requirements, got.Escalation)
		}
		// The board: G2 (reserve) holds MED, G1 RIF; neither has answered.
		wantPage(t, c.follow(rec), 200, "Required qualifications", `<tr data-qual="MED" class="short">`, `<tr data-qual="RIF" class="short">`)
	})
}

// TestBrowserBoardQualifications follows the required qualifications on
// the board in Chromium: an answer updates the row in place and lifts
// the shortage.
func TestBrowserBoardQualifications(t *testing.T) {
	ctx := newBrowser(t)
	e := newCallUpEnv(t, sqldbtest.Open(t, "sqlite"))
	e.s.SecureCookies = false
	e.addUser("staff", muster.RoleAdmin, "TD")
	id := e.createCallUp(callUpBody(set("channels", []string{"paper"}), set("drill", false),
		set("requirements", []any{map[string]any{"qualification": "RIF", "needed": 1}})))
	g1 := e.responsePath(id, "G1") // G1 holds RIF
	stop := make(chan struct{})
	e.s.Stopping = stop
	ts := httptest.NewServer(e.s.Handler())
	defer ts.Close()
	defer close(stop)

	do(t, ctx, chromedp.Navigate(ts.URL+"/callups/"+strconv.FormatInt(id, 10)),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "staff"),
		chromedp.SendKeys(chromedp.ID("password"), uiPassword))
	submit(t, ctx, `form[action="/login"] button[type=submit]`, http.StatusOK)
	row := `tr[data-qual="RIF"]`
	wantText(t, ctx, row+` [data-k="state"]`, "short")
	waitText(t, ctx, "#board-note", "live")
	if rec := e.answerRequest("POST", g1, "192.0.2.9", jsonType, `{"answer":"yes"}`); rec.Code != 200 {
		t.Fatalf("answer: %d %s", rec.Code, rec.Body)
	}
	waitText(t, ctx, row+` [data-k="state"]`, "met")
	wantText(t, ctx, row+` [data-k="coming"]`, "1")
	wantText(t, ctx, row+` [data-k="no_answer"]`, "0")
	class, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('tr[data-qual="RIF"]').className`))
	if err != nil || class != "" {
		t.Errorf("the row's class is %q (%v), want none once met", class, err)
	}
}
