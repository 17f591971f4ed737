package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// shotsDir is where the end-to-end test also copies its screenshots, for
// people to look at.
const shotsDir = "/tmp/muster-shots"

// TestBrowser drives the staff UI in a real headless Chromium: sign in,
// find a member by a Latin prefix of a Cyrillic name, change the phone,
// then upload a bad CSV file and see its problems by line, with nothing
// changed. It skips when Chromium is absent, unless
// MUSTER_REQUIRE_CHROMIUM=1.
func TestBrowser(t *testing.T) {
	ctx := newBrowser(t)
	e := newUIEnv(t, sqldbtest.Open(t, "sqlite"))
	e.s.SecureCookies = false // plain HTTP on loopback, as muster serve does
	staff := &muster.User{Login: "staff", Name: "Staff Officer", Role: muster.RoleAdmin, Unit: "TD"}
	if err := e.s.Access.CreateUser(sqldbtest.System(), staff, uiPassword); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(e.s.Handler())
	defer ts.Close()

	// Sign in: the members page sends us to the login page and back.
	do(t, ctx, chromedp.Navigate(ts.URL+"/members"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "staff"),
		chromedp.SendKeys(chromedp.ID("password"), uiPassword))
	submit(t, ctx, `form[action="/login"] button[type=submit]`, http.StatusOK)
	wantText(t, ctx, "#total", "3 members")

	// Search by a Latin prefix of a Cyrillic name.
	do(t, ctx, chromedp.SendKeys(chromedp.ID("q"), "Ivan"))
	submit(t, ctx, `form.filters button[type=submit]`, http.StatusOK)
	wantText(t, ctx, "#total", "1 member")
	wantText(t, ctx, "table.members tbody", "Иванов Пётр")
	submit(t, ctx, `table.members a[href="/members/G1"]`, http.StatusOK)
	wantText(t, ctx, "#phone", "+375291234567")

	// Edit the phone; the page after saving shows the new value.
	submit(t, ctx, `a[href="/members/G1/edit"]`, http.StatusOK)
	// (chromedp v0.23.0's SetValue fails with an empty value: "could not set value".)
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("phone").value = ""`),
		chromedp.SendKeys(chromedp.ID("phone"), "+375 29 555 44 33"))
	submit(t, ctx, `form.stack button[type=submit]`, http.StatusOK)
	wantText(t, ctx, ".flash", "Saved.")
	wantText(t, ctx, "#phone", "+375295554433")

	// Upload a bad CSV file: the problems are listed by line; nothing changes.
	bad := filepath.Join(t.TempDir(), "members.csv")
	if err := os.WriteFile(bad, []byte(badMembersCSV), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(ts.URL+"/import"), chromedp.SetUploadFiles(chromedp.ID("file"), []string{bad}))
	submit(t, ctx, `form[action="/import"] button[type=submit]`, http.StatusUnprocessableEntity)
	wantText(t, ctx, "#import-error", "members.csv: 3 problems in the file; nothing was imported")
	problems := wantText(t, ctx, "#problems tbody", "birth_date")
	for _, line := range []string{"3\tbirth_date", "4\tstatus", "5\tunit"} {
		if !strings.Contains(problems, line) {
			t.Errorf("problem table lacks a row %q:\n%s", line, problems)
		}
	}
	page, err := e.db.FindMembers(sqldbtest.System(), muster.MemberFilter{})
	if err != nil || page.Total != 3 {
		t.Fatalf("members after the bad import: %v, %v", page, err)
	}
	if m, err := e.db.FindMember(sqldbtest.System(), "G1"); err != nil || m.Phone != "+375295554433" {
		t.Fatalf("G1 after the bad import: %+v, %v", m, err)
	}

	// Select who reports: tick the one yes answer and notify.
	selectInBrowser(t, ctx, e, ts.URL)

	// The member list at a phone's width and at a desktop's.
	for _, shot := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"members-phone-390.png", 390, 844, true}, {"members-desktop-1280.png", 1280, 800, false}} {
		opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(2)}
		if shot.mobile {
			opts = append(opts, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
		}
		do(t, ctx, chromedp.EmulateViewport(shot.width, shot.height, opts...), chromedp.Navigate(ts.URL+"/members"),
			chromedp.WaitVisible(chromedp.ID("total")))
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		saveShot(t, shot.name, png)
	}

	t.Run("push", func(t *testing.T) { browserPush(t, ctx) })
}

// newBrowser starts a headless Chromium with a fresh profile and returns
// a context of one tab in it, or skips the test when there is none.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("MUSTER_REQUIRE_CHROMIUM") == "1" {
			t.Fatalf("MUSTER_REQUIRE_CHROMIUM=1 but chromium is not installed: %v", err)
		}
		t.Skip("SKIPPING the browser test: chromium is not installed (apt-get install chromium); " +
			"set MUSTER_REQUIRE_CHROMIUM=1 to make this a failure")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 800))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(cancelTab)
	if err := chromedp.Do(bctx); err != nil { // starts the browser
		t.Fatalf("start chromium: %v", err)
	}
	return bctx
}

// do runs browser actions, failing the test on the first error.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// submit clicks the element (a button or link), waits for the page it
// leads to, and checks that page's status.
func submit(t *testing.T, ctx context.Context, css string, status int64) {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("click %s: %v", css, err)
	}
	if resp.Status != status {
		body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		t.Fatalf("click %s: %s answered %d, want %d\n%s", css, resp.URL, resp.Status, status, body)
	}
}

// wantText returns the visible text of the element, failing the test
// unless it contains want.
func wantText(t *testing.T, ctx context.Context, css, want string) string {
	t.Helper()
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("text of %s: %v", css, err)
	}
	if !strings.Contains(text, want) {
		t.Fatalf("%s says %q, want %q", css, text, want)
	}
	return text
}

// saveShot writes a screenshot into the test's temporary directory and
// copies it to shotsDir.
func saveShot(t *testing.T, name string, png []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(t.TempDir(), name), png, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(shotsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shotsDir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", filepath.Join(shotsDir, name))
}

// selectInBrowser calls everyone up, has G1 answer yes, and selects G1 on
// the selection page by ticking its box and pressing "Select and notify".
func selectInBrowser(t *testing.T, ctx context.Context, e *uiEnv, base string) {
	t.Helper()
	e.s.CallUps, e.s.Selection = e.db, e.db
	c := &muster.CallUp{Title: "Exercise", Kind: muster.CallUpExercise, Unit: "TD", Message: "Report.",
		ReportBy: sqldbtest.Now.Add(24 * time.Hour), Channels: []muster.Channel{muster.ChannelSMS}}
	if err := e.db.CreateCallUp(sqldbtest.System(), c); err != nil {
		t.Fatal(err)
	}
	err := e.db.Notices(sqldbtest.System(), c.ID, "", func(n muster.Notice) error {
		return e.db.SaveAnswer(context.Background(), strings.TrimPrefix(n.ResponseURL, "/r/"), &muster.Answer{Answer: muster.AnswerYes})
	})
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(base+"/callups/"+strconv.FormatInt(c.ID, 10)+"/selection"),
		chromedp.WaitVisible(chromedp.ID("sel-G1")), chromedp.Click(chromedp.ID("sel-G1")))
	submit(t, ctx, `#selection button[type=submit]`, http.StatusOK)
	wantText(t, ctx, ".flash", "1 selected and 0 told to stand by")
}
