package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/muster-force/muster/internal/notify"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// browserPush opens a member's answer page in TestBrowser's headless
// Chromium (one browser start, ~6 s, serves both) with push on: push.js runs without an error, registers the
// service worker and shows "Alert me on this phone". Headless Chromium
// reaches no push service and grants no notifications, so a click ends in
// the page saying alerts could not be set up, with nothing stored; the
// no-script forms still answer.
func browserPush(t *testing.T, ctx context.Context) {
	e := newCallUpEnv(t, sqldbtest.Open(t, "sqlite"))
	key, err := e.db.VAPIDKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e.s.Push = e.db
	if e.s.PushKey, err = notify.VAPIDPublicKey(key); err != nil {
		t.Fatal(err)
	}
	id := e.createCallUp(callUpBody(set("channels", []string{"paper"}), set("drill", false)))
	g1 := e.responsePath(id, "G1")
	ts := httptest.NewServer(e.s.Handler()) // http://127.0.0.1 is a secure context
	defer ts.Close()

	var mu sync.Mutex
	var problems []string
	cctx, stop := context.WithCancel(ctx)
	defer stop()
	messages := chromedp.Console(cctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError {
				mu.Lock()
				problems = append(problems, m.String())
				mu.Unlock()
			}
		}
	}()

	do(t, ctx, chromedp.Navigate(ts.URL+g1), chromedp.WaitVisible(chromedp.ID("push-on")))
	scope, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`navigator.serviceWorker.getRegistration("/static/").then(r => r ? r.scope : "")`, chromedp.EvalAwaitPromise))
	if err != nil || !strings.HasSuffix(scope, "/static/") {
		t.Errorf("service worker registration: %q, %v; want the scope /static/", scope, err)
	}
	do(t, ctx, chromedp.Click(chromedp.ID("push-on")))
	status := ""
	for deadline := time.Now().Add(20 * time.Second); status == ""; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the push status says nothing 20 s after the click")
		}
		status, _ = chromedp.Run(ctx, chromedp.Text(chromedp.ID("push-status")))
	}
	if n := pushCount(t, e.db, "G1"); strings.Contains(status, "Alerts are on") != (n == 1) {
		t.Errorf("the page says %q with %d subscriptions stored", status, n)
	}
	t.Logf("headless Chromium, after the click: %q", status)

	submit(t, ctx, `button.yes`, http.StatusOK)
	wantText(t, ctx, ".ok", "Your answer is recorded.")

	stop()
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		// The failed subscription is reported on the page, not as an error.
		t.Errorf("console: %s", p)
	}
}
