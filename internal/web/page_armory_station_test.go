package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// seedStation adds the type RIFLE, the rifles R1, R2 and R4 in the armory
// of GOM-MOZ-1 (R2 issued to G2) and R3 in BRE-PIN's, and returns the
// response link of G1's notice of a call-up of GOM-MOZ-1.
func seedStation(t testing.TB, db *sqldb.DB) string {
	t.Helper()
	sys := sqldbtest.System()
	if err := db.CreateItemType(sys, &muster.ItemType{Code: "RIFLE", Name: "AK-74M", Kind: muster.Serialised}); err != nil {
		t.Fatal(err)
	}
	for _, it := range []muster.Item{{Serial: "R1", Type: "RIFLE", Armory: "GOM-MOZ-1"}, {Serial: "R2", Type: "RIFLE", Armory: "GOM-MOZ-1"},
		{Serial: "R3", Type: "RIFLE", Armory: "BRE-PIN"}, {Serial: "R4", Type: "RIFLE", Armory: "GOM-MOZ-1"}} {
		if err := db.CreateItem(sys, &it); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.MoveItem(sys, "R2", muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "G2"}); err != nil {
		t.Fatal(err)
	}
	c := &muster.CallUp{Title: "Mobilisation", Kind: muster.CallUpMobilisation, Unit: "GOM-MOZ-1", Message: "Report to the armory.",
		AssemblyPoint: "Mozyr", ReportBy: sqldbtest.Now.Add(24 * time.Hour), Channels: []muster.Channel{muster.ChannelPaper}}
	if err := db.CreateCallUp(sys, c); err != nil {
		t.Fatal(err)
	}
	link := ""
	err := db.Notices(sys, c.ID, "https://muster.example", func(n muster.Notice) error {
		if n.ServiceNumber == "G1" {
			link = n.ResponseURL
		}
		return nil
	})
	if err != nil || link == "" {
		t.Fatalf("notice of G1: %q, %v", link, err)
	}
	return link
}

// TestStationPage serves G1 at the station without JavaScript: card, an
// item, a refusal, done and the receipt; the same scans as JSON; and the
// station refused outside the armorer's role or subtree and without the
// form token.
func TestStationPage(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		link := seedStation(t, db)
		c := e.signedIn("armorer", muster.RoleArmorer, "GOM-MOZ")
		const station = "/units/GOM-MOZ-1/armory/station"
		wantPage(t, c.get("/units/GOM-MOZ-1/armory"), http.StatusOK, `href="`+station+`"`)
		wantPage(t, c.get(station), http.StatusOK, "Issue station · GOM-MOZ-1", "Scan the member's card", `name="member" value=""`)

		rec := c.post(station, c.withToken(url.Values{"code": {" G1 "}}))
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != station+"?member=G1&since=5" {
			t.Fatalf("card: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		wantPage(t, c.follow(rec), http.StatusOK, "Serving Иванов Пётр (G1): scan the items.", `name="member" value="G1"`, "Scan an item's serial")
		serving := url.Values{"member": {"G1"}, "since": {"5"}}
		scan := func(code string) *httptest.ResponseRecorder {
			f := c.withToken(serving)
			f.Set("code", code)
			return c.post(station, f)
		}
		wantPage(t, c.follow(scan("R1")), http.StatusOK, "Issued AK-74M R1.", "<li>RIFLE R1</li>")
		wantPage(t, scan("R2"), http.StatusConflict, "Item R2 is already out: issued to Kowalski Jan (G2).", `name="member" value="G1"`, "<li>RIFLE R1</li>")
		wantPage(t, scan("R3"), http.StatusConflict, "Item R3 belongs to another armory")
		wantPage(t, scan("NOPE-1"), http.StatusNotFound, "Item NOPE-1 is unknown")
		wantPage(t, scan(link), http.StatusConflict, "Press Done to finish with G1")
		rec = scan("done")
		if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "done=1") {
			t.Fatalf("done: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		wantPage(t, c.follow(rec), http.StatusOK, "Receipt · Иванов Пётр (G1)", "<td>R1</td>", "now holds 1 item: AK-74M R1.", `name="member" value=""`)
		if held, err := db.FindItems(sqldbtest.System(), muster.ItemFilter{Holder: "G1"}); err != nil || len(held.Items) != 1 {
			t.Fatalf("G1 holds %+v (%v), want R1 alone", held, err)
		}

		// The station's script: the notice's link (as a scanner in caps
		// lock types it), then items, answered as JSON.
		js := func(form url.Values) *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodPost, station, strings.NewReader(c.withToken(form).Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept", "application/json")
			return c.do(req)
		}
		wantPage(t, js(url.Values{"code": {strings.ToUpper(link)}}), http.StatusOK, `"service_number":"G1"`, `"name":"Иванов Пётр"`, `"since":6`)
		wantPage(t, js(url.Values{"member": {"G1"}, "since": {"6"}, "code": {"R4"}}), http.StatusOK, `"serial":"R4"`, `"status":"issued"`, `"holder":"G1"`)
		wantPage(t, js(url.Values{"member": {"G1"}, "since": {"6"}, "code": {"R1"}}), http.StatusConflict, `"code":"conflict"`, "already issued to this member")
		wantPage(t, js(url.Values{"member": {"G1"}, "since": {"6"}, "action": {"done"}}), http.StatusOK, `"receipt":"`+station+`?done=1&member=G1&since=6"`)
		wantPage(t, js(url.Values{"code": {"B1"}}), http.StatusForbidden, "outside your unit")

		wantPage(t, c.post(station, url.Values{"member": {"G1"}, "since": {"6"}, "code": {"R2"}}), http.StatusForbidden)
		wantPage(t, e.signedIn("viewer", muster.RoleViewer, "GOM").get(station), http.StatusForbidden)
		other := e.signedIn("other", muster.RoleArmorer, "BRE")
		wantPage(t, other.get(station), http.StatusForbidden)
		wantPage(t, other.post(station, other.withToken(url.Values{"code": {"G1"}})), http.StatusForbidden)
		if check, err := db.VerifyLedger(sqldbtest.System()); err != nil || !check.OK() || check.Entries != 7 {
			t.Fatalf("verify = %+v, %v; want 7 intact entries", check, err)
		}
	})
}

// TestBrowserStation runs the station in a real headless Chromium as a
// scanner does, typing each scan and Enter: a member's card, an item, an
// item already out (refused, naming its holder), another item, then Done
// and the receipt, the scans answered without a page load. It skips when
// Chromium is absent, unless MUSTER_REQUIRE_CHROMIUM=1.
func TestBrowserStation(t *testing.T) {
	ctx := newBrowser(t)
	db := sqldbtest.Open(t, "sqlite")
	e := newUIEnv(t, db)
	seedStation(t, db)
	e.s.SecureCookies = false
	e.addUser("armorer", muster.RoleArmorer, "GOM-MOZ")
	ts := httptest.NewServer(e.s.Handler())
	defer ts.Close()

	do(t, ctx, chromedp.Navigate(ts.URL+"/units/GOM-MOZ-1/armory/station"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "armorer"),
		chromedp.SendKeys(chromedp.ID("password"), uiPassword))
	submit(t, ctx, `form[action="/login"] button[type=submit]`, http.StatusOK)
	do(t, ctx, chromedp.WaitVisible(chromedp.ID("scan")), chromedp.Evaluate[chromedp.Void](`window.stationMarker = 1`))

	do(t, ctx, chromedp.SendKeys(chromedp.ID("scan"), "G1\r"))
	waitText(t, ctx, "#station-member", "Иванов Пётр (G1)")
	do(t, ctx, chromedp.SendKeys(chromedp.ID("scan"), "R1\r"))
	waitText(t, ctx, "#station-result", "Issued AK-74M R1.")
	do(t, ctx, chromedp.SendKeys(chromedp.ID("scan"), "R2\r"))
	waitText(t, ctx, "#station-result", "Item R2 is already out: issued to Kowalski Jan (G2).")
	do(t, ctx, chromedp.SendKeys(chromedp.ID("scan"), "R4\r"))
	waitText(t, ctx, "#station-result", "Issued AK-74M R4.")
	wantText(t, ctx, "#station-issued", "RIFLE R1\nRIFLE R4")
	if marker, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.stationMarker || 0`)); err != nil || marker != 1 {
		t.Fatalf("the station reloaded for a scan instead of answering in place (%v)", err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	saveShot(t, "station.png", png)

	submit(t, ctx, `#station-done`, http.StatusOK)
	wantText(t, ctx, "#receipt", "Receipt · Иванов Пётр (G1)")
	wantText(t, ctx, "#receipt-issued tbody", "R1")
	wantText(t, ctx, "#receipt", "now holds 2 items: AK-74M R1, AK-74M R4.")
	wantText(t, ctx, "#scan-label", "Scan the member's card")
}
