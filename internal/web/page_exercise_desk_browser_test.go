package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestBrowserArrivalDesk receives an exercise's participants at the
// arrival desk in a real headless Chromium: a typed service number, a
// second scan, a non-participant, a scanned call-up notice and a
// departure, then the overview on the exercise page. It skips when
// Chromium is absent, unless MUSTER_REQUIRE_CHROMIUM=1.
func TestBrowserArrivalDesk(t *testing.T) {
	ctx := newBrowser(t)
	db := sqldbtest.Open(t, "sqlite")
	e := newUIEnv(t, db)
	e.s.Exercises, e.s.CallUps, e.s.Reception, e.s.SecureCookies = db, db, db, false
	e.addUser("clerk", muster.RoleClerk, "GOM")
	sys := sqldbtest.System()
	ex := &muster.Exercise{Title: "Сборы Гомель", Unit: "GOM", Start: muster.NewDate(2027, 1, 8), End: muster.NewDate(2027, 1, 10)}
	if err := db.CreateExercise(sys, ex); err != nil {
		t.Fatal(err)
	}
	c := &muster.CallUp{Message: "Report to the training ground.", ReportBy: sqldbtest.Now.Add(48 * time.Hour),
		Channels: []muster.Channel{muster.ChannelPaper}, Filter: muster.CallUpFilter{Status: []muster.MemberStatus{muster.StatusActive, muster.StatusReserve}}}
	if err := db.Summon(sys, ex.ID, muster.SummonInput{CallUp: c}); err != nil {
		t.Fatal(err)
	}
	var g2Notice string
	err := db.Notices(sys, c.ID, "https://muster.example/", func(n muster.Notice) error {
		if n.ServiceNumber == "G2" {
			g2Notice = n.ResponseURL
		}
		return nil
	})
	if err != nil || g2Notice == "" {
		t.Fatalf("G2's notice: %q, %v", g2Notice, err)
	}
	ts := httptest.NewServer(e.s.Handler())
	defer ts.Close()

	do(t, ctx, chromedp.Navigate(ts.URL+"/exercises/1/desk"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "clerk"),
		chromedp.SendKeys(chromedp.ID("password"), uiPassword))
	submit(t, ctx, `form[action="/login"] button[type=submit]`, http.StatusOK)
	scan := func(code, button string, status int64) {
		t.Helper()
		do(t, ctx, chromedp.WaitVisible(chromedp.ID("code")), chromedp.SetValue(chromedp.ID("code"), code))
		submit(t, ctx, `form.kiosk button[value=`+button+`]`, status)
	}
	scan("G1", "arrive", http.StatusOK)
	wantText(t, ctx, ".flash", "G1 Иванов Пётр arrived at 2026-11-23 09:30 UTC.")
	scan("G1", "arrive", http.StatusOK)
	wantText(t, ctx, ".flash", "already arrived at 2026-11-23 09:30 UTC")
	scan("B1", "arrive", http.StatusUnprocessableEntity)
	wantText(t, ctx, ".kiosk-result", "B1 does not take part in exercise 1")
	scan(g2Notice, "arrive", http.StatusOK) // the QR code of G2's paper notice
	wantText(t, ctx, ".flash", "G2 Kowalski Jan arrived at")
	scan("G1", "depart", http.StatusOK)
	wantText(t, ctx, ".flash", "G1 Иванов Пётр departed at")

	// G2's arrival checked G2 in on the call-up that summoned them.
	r, err := db.Readiness(sys, c.ID, "", 0)
	if err != nil || r.CheckedIn != 2 {
		t.Fatalf("call-up readiness: %+v, %v", r, err)
	}
	do(t, ctx, chromedp.Navigate(ts.URL+"/exercises/1"), chromedp.WaitVisible(chromedp.CSS("table.reception")))
	row := wantText(t, ctx, "table.reception tbody tr", "GOM-MOZ-1")
	if f := strings.Fields(row); len(f) < 5 || f[1] != "2" || f[2] != "1" || f[3] != "0" || f[4] != "1" {
		t.Fatalf("overview row %q: want 2 participants, 1 arrived, 0 not yet, 1 departed", row)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	saveShot(t, "exercise-reception.png", png)

	// The reception page on a phone: the meals of each day.
	do(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(ts.URL+"/exercises/1/reception"), chromedp.WaitVisible(chromedp.CSS("table.meals")))
	wantText(t, ctx, "table.meals tbody", "2027-01-10")
	if png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
		t.Fatal(err)
	}
	saveShot(t, "exercise-reception-phone.png", png)
}
