package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestBrowserBoard follows a call-up's board in a real headless Chromium:
// board.js takes the readiness stream and updates the numbers in place,
// without reloading the page, when a member answers. It skips when
// Chromium is absent, unless MUSTER_REQUIRE_CHROMIUM=1.
func TestBrowserBoard(t *testing.T) {
	ctx := newBrowser(t)
	e := newCallUpEnv(t, sqldbtest.Open(t, "sqlite"))
	e.s.SecureCookies = false
	e.addUser("staff", muster.RoleAdmin, "TD")
	id := e.createCallUp(callUpBody(set("channels", []string{"paper"}), set("drill", false)))
	g1 := e.responsePath(id, "G1")
	stop := make(chan struct{})
	e.s.Stopping = stop
	ts := httptest.NewServer(e.s.Handler())
	defer ts.Close()
	defer close(stop) // ends the stream first, or Close would wait for it

	board := ts.URL + "/callups/" + strconv.FormatInt(id, 10)
	do(t, ctx, chromedp.Navigate(board),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "staff"),
		chromedp.SendKeys(chromedp.ID("password"), uiPassword))
	submit(t, ctx, `form[action="/login"] button[type=submit]`, http.StatusOK)
	yes := `tr[data-unit="TD"] [data-k="yes"]`
	wantText(t, ctx, yes, "0")
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`window.boardMarker = 1`))
	waitText(t, ctx, "#board-note", "live")

	if rec := e.answerRequest("POST", g1, "192.0.2.8", jsonType, `{"answer":"yes"}`); rec.Code != 200 {
		t.Fatalf("answer: %d %s", rec.Code, rec.Body)
	}
	waitText(t, ctx, yes, "1")
	wantText(t, ctx, `tr[data-unit="TD"] [data-k="pct"]`, "1 · 50%")
	wantText(t, ctx, `tr[data-unit="TD"] [data-k="no_answer"]`, "1")
	wantText(t, ctx, `tr[data-unit="GOM"] [data-k="yes"]`, "1")
	class, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('tr[data-unit="TD"] .fill').className`))
	if err != nil || class != "fill w50" {
		t.Errorf("the bar's fill is %q (%v), want fill w50", class, err)
	}
	if marker, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.boardMarker || 0`)); err != nil || marker != 1 {
		t.Errorf("the board reloaded instead of updating in place (%v)", err)
	}
}

// waitText waits, up to 10 seconds, until the element's text contains
// want.
func waitText(t *testing.T, ctx context.Context, css, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var text string
	for time.Now().Before(deadline) {
		var err error
		text, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
		if err == nil && strings.Contains(text, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s says %q after 10 s, want %q", css, text, want)
}
