package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestBrowserSummon counts and then summons GOM's active and reserve
// members from the exercise page in a real headless Chromium. It skips
// when Chromium is absent, unless MUSTER_REQUIRE_CHROMIUM=1.
func TestBrowserSummon(t *testing.T) {
	ctx := newBrowser(t)
	db := sqldbtest.Open(t, "sqlite")
	e := newUIEnv(t, db)
	e.s.Exercises, e.s.CallUps, e.s.SecureCookies = db, db, false
	e.addUser("commander", muster.RoleCommander, "GOM")
	today := muster.DateOf(sqldbtest.Now)
	x := &muster.Exercise{Title: "Сборы", Unit: "GOM", Start: today.AddDays(1), End: today.AddDays(3)}
	if err := db.CreateExercise(sqldbtest.System(), x); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(e.s.Handler())
	defer ts.Close()

	do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/exercises/%d", ts.URL, x.ID)),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "commander"),
		chromedp.SendKeys(chromedp.ID("password"), uiPassword))
	submit(t, ctx, `form[action="/login"] button[type=submit]`, http.StatusOK)
	do(t, ctx, chromedp.Click(chromedp.CSS(`#summon ~ form input[name="status"][value="reserve"]`)),
		chromedp.SendKeys(chromedp.ID("summon-message"), "Report to the training ground."))
	submit(t, ctx, `button[name="action"][value="preview"]`, http.StatusOK)
	wantText(t, ctx, "#summon-count", "2 members would be summoned.")
	if list, _ := db.Participants(sqldbtest.System(), x.ID); len(list) != 0 {
		t.Fatalf("participants after counting: %d", len(list))
	}
	submit(t, ctx, `button[name="action"][value="summon"]`, http.StatusOK)
	wantText(t, ctx, ".flash", "Summoned 2 members through call-up")
	if list, _ := db.Participants(sqldbtest.System(), x.ID); len(list) != 2 {
		t.Fatalf("participants after summoning: %d", len(list))
	}
}
