package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestBrowserKitCheck has a member confirm one rifle and report another
// missing on their armory page in a real headless Chromium; then the
// armorer sees it on the campaign page, scans the store at the check
// station and resolves the discrepancy. It skips when Chromium is absent,
// unless MUSTER_REQUIRE_CHROMIUM=1.
func TestBrowserKitCheck(t *testing.T) {
	ctx := newBrowser(t)
	db := sqldbtest.Open(t, "sqlite")
	e := newUIEnv(t, db)
	e.s.Checks, e.s.Kits, e.s.SecureCookies = db, db, false
	sys := sqldbtest.System()
	if err := db.CreateItemType(sys, &muster.ItemType{Code: "RIFLE", Name: "AK-74M", Kind: muster.Serialised}); err != nil {
		t.Fatal(err)
	}
	for _, serial := range []string{"R1", "R2", "R3"} {
		if err := db.CreateItem(sys, &muster.Item{Serial: serial, Type: "RIFLE", Armory: "GOM-MOZ-1"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, serial := range []string{"R1", "R2"} {
		if _, err := db.MoveItem(sys, serial, muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "G1"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.CreateArmoryCheck(sys, muster.ArmoryCheckInput{Unit: "GOM-MOZ", Deadline: sqldbtest.Now.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	token, err := db.KitLink(sys, "G1")
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(e.s.Handler())
	defer ts.Close()

	do(t, ctx, chromedp.Navigate(ts.URL+"/k/"+token), chromedp.WaitVisible(chromedp.CSS(`input[name="s.R1"][value="held"]`)))
	wantText(t, ctx, "table", "R2")
	do(t, ctx, chromedp.Click(chromedp.CSS(`input[name="s.R1"][value="held"]`)),
		chromedp.Click(chromedp.CSS(`input[name="s.R2"][value="missing"]`)))
	submit(t, ctx, "button.confirm", http.StatusOK)
	wantText(t, ctx, "p.ok", "your check is recorded")
	wantText(t, ctx, "form", "R2 · AK-74M — reported missing")

	c := e.signedIn("armorer", muster.RoleArmorer, "GOM-MOZ")
	wantPage(t, c.get("/armory-checks/1"), http.StatusOK, "Items</dt><dd id=\"check-items\">3", "check-confirmed\">1", "1 open of 1", "G1 reports it missing")
	wantPage(t, c.post("/armory-checks/1/confirmations", c.withToken(url.Values{"serials": {"R3\nX9\n"}})), http.StatusOK,
		"Confirmed: R3", "unknown X9")
	rec := c.post("/armory-checks/1/discrepancies/1/resolve", c.withToken(url.Values{"note": {"R2 was in the vehicle"}}))
	wantPage(t, c.follow(rec), http.StatusOK, "Discrepancy 1 resolved.", "resolved", "R2 was in the vehicle", "1 open of 2")
	other := e.signedIn("armorer-bre", muster.RoleArmorer, "BRE-PIN")
	wantPage(t, other.get("/armory-checks/1"), http.StatusForbidden)
	wantPage(t, other.get("/armory-checks"), http.StatusOK, "No checks yet.")
	rec = other.post("/armory-checks", other.withToken(url.Values{"unit": {"BRE-PIN"}, "deadline": {"2026-12-01T18:00"}}))
	wantPage(t, other.follow(rec), http.StatusOK, "Check 2 started: 0 items.", "2026-12-01 18:00 UTC")
	rec = other.post("/armory-checks", other.withToken(url.Values{"unit": {"GOM"}, "deadline": {"2026-12-01T18:00"}}))
	wantPage(t, rec, http.StatusForbidden)
	wantPage(t, c.get("/armory-checks"), http.StatusOK, "2 of 3", "!BRE-PIN")
}
