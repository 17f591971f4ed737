package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestBrowserExercise plans an exercise, adds participants and marks a
// day's attendance in a real headless Chromium, then opens the printable
// sheet. It skips when Chromium is absent, unless MUSTER_REQUIRE_CHROMIUM=1.
func TestBrowserExercise(t *testing.T) {
	ctx := newBrowser(t)
	db := sqldbtest.Open(t, "sqlite")
	e := newUIEnv(t, db)
	e.s.Exercises, e.s.CallUps, e.s.SecureCookies = db, db, false
	e.addUser("commander", muster.RoleCommander, "GOM")
	ts := httptest.NewServer(e.s.Handler())
	defer ts.Close()

	do(t, ctx, chromedp.Navigate(ts.URL+"/exercises/new"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "commander"),
		chromedp.SendKeys(chromedp.ID("password"), uiPassword))
	submit(t, ctx, `form[action="/login"] button[type=submit]`, http.StatusOK)
	do(t, ctx, chromedp.SendKeys(chromedp.ID("title"), "Сборы Гомель"),
		chromedp.SendKeys(chromedp.ID("start"), "2027-01-08"),
		chromedp.SendKeys(chromedp.ID("end"), "2027-01-10"),
		chromedp.SendKeys(chromedp.ID("location"), "Mozyr"),
		chromedp.SendKeys(chromedp.ID("partners"), "an army engineering battalion"))
	submit(t, ctx, `form.stack button[type=submit]`, http.StatusOK)
	wantText(t, ctx, ".flash", "Exercise planned.")

	do(t, ctx, chromedp.SendKeys(chromedp.ID("service_numbers"), "G1 G2"))
	submit(t, ctx, `form[action$="/participants"] button[type=submit]`, http.StatusOK)
	wantText(t, ctx, ".flash", "2 members added as trainee.")

	do(t, ctx, chromedp.Click(chromedp.CSS(`input[name="present_G1"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="hours_G1"]`), "8"))
	submit(t, ctx, `form[action$="/attendance"] button[type=submit]`, http.StatusOK)
	wantText(t, ctx, ".flash", "Attendance of 2027-01-08 recorded for 2 participants.")
	sum, err := db.Attendance(sqldbtest.System(), 1)
	if err != nil || len(sum.Participants) != 2 {
		t.Fatalf("attendance: %+v, %v", sum, err)
	}
	for _, p := range sum.Participants {
		if p.ServiceNumber == "G1" && (p.DaysPresent != 1 || p.Hours != 8) || p.ServiceNumber == "G2" && p.DaysPresent != 0 {
			t.Errorf("%+v", p)
		}
	}

	shot := func(name string) {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		saveShot(t, name, png)
	}
	shot("exercise.png")
	do(t, ctx, chromedp.Navigate(ts.URL+"/exercises/1/print?day=2027-01-08"), chromedp.WaitVisible(chromedp.CSS("table.sheet")))
	wantText(t, ctx, "table.sheet tbody", "Иванов Пётр")
	shot("exercise-sheet.png")
}
