package web

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// escalatedTemplate is a template of TD needing two MED and one RIF, with
// a fallback, two reminders and a re-alert of BRE's reserve.
func escalatedTemplate(e *callUpEnv) {
	e.t.Helper()
	body := templateBody("winter", set("unit", "TD"),
		set("requirements", []any{map[string]any{"qualification": "MED", "needed": 2}, map[string]any{"qualification": "RIF", "needed": 1}}),
		set("escalation", map[string]any{"fallback_after": "15m", "reminders": []any{"30m", "2h"},
			"realert": map[string]any{"after": "1h", "unit": "BRE", "filter": map[string]any{"status": []string{"reserve"}}}}))
	if rec := e.api("POST", "/api/v1/callup-templates", "admin@TD", body); rec.Code != http.StatusCreated {
		e.t.Fatalf("template: %d %s", rec.Code, rec.Body)
	}
}

// TestPageCallUpFormFromTemplateEscalation: the new call-up form started
// from a template shows its requirements and escalation.
func TestPageCallUpFormFromTemplateEscalation(t *testing.T) {
	e := newCallUpEnv(t, sqldbtest.Open(t, "sqlite"))
	escalatedTemplate(e)
	c := e.signedIn("kovalenko", muster.RoleCommander, "TD")
	wantPage(t, c.get("/callups/new?template=winter"), 200, `<option value="MED" selected>`, `<option value="RIF" selected>`,
		`name="req_needed" type="number" min="1" inputmode="numeric" value="2"`, `inputmode="numeric" value="1"`,
		`name="fallback_after" value="15m"`, `name="reminders" value="30m, 2h"`, `name="realert_unit" value="BRE"`,
		`name="realert_after" value="1h"`, `name="realert_status" value="reserve"`, "narrowed to status reserve")
	// Without a template, the form stays empty.
	wantPage(t, c.get("/callups/new"), 200, `name="fallback_after" value=""`, `!name="realert_status"`, `!<option value="MED" selected>`)
}

// TestBrowserCallUpFromTemplateKeepsEscalation submits, in Chromium, the
// form started from the template as it is: the call-up has the
// template's requirements and escalation.
func TestBrowserCallUpFromTemplateKeepsEscalation(t *testing.T) {
	ctx := newBrowser(t)
	db := sqldbtest.Open(t, "sqlite")
	e := newCallUpEnv(t, db)
	e.s.SecureCookies = false
	e.addUser("staff", muster.RoleAdmin, "TD")
	escalatedTemplate(e)
	ts := httptest.NewServer(e.s.Handler())
	defer ts.Close()
	do(t, ctx, chromedp.Navigate(ts.URL+"/callups/new?template=winter"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "staff"),
		chromedp.SendKeys(chromedp.ID("password"), uiPassword))
	submit(t, ctx, `form[action="/login"] button[type=submit]`, http.StatusOK)
	do(t, ctx, chromedp.WaitVisible(chromedp.ID("fallback_after")))
	submit(t, ctx, `form[action="/callups"] button[type=submit]`, http.StatusOK)
	list, err := db.FindCallUps(sqldbtest.System())
	if err != nil || len(list) != 1 {
		t.Fatalf("call-ups %d, %v", len(list), err)
	}
	got := list[0]
	p := got.Escalation.Realert
	if !slices.Equal(got.Requirements, []muster.Requirement{{Qualification: "MED", Needed: 2}, {Qualification: "RIF", Needed: 1}}) ||
		got.Escalation.FallbackAfter.String() != "15m" || len(got.Escalation.Reminders) != 2 || got.Escalation.Reminders[1].String() != "2h" ||
		p == nil || p.Unit != "BRE" || p.After.String() != "1h" || !slices.Equal(p.Filter.Status, []muster.MemberStatus{muster.StatusReserve}) {
		t.Fatalf("created requirements %+v, escalation %+v (pool %+v)", got.Requirements, got.Escalation, p)
	}
}
