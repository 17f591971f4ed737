package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestPageCallUpPrint prints the paper notices of a call-up: one page
// with a QR code per targeted member, marked as a drill, and its
// stylesheet served beside the pages.
func TestPageCallUpPrint(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		c := e.signedIn("kovalenko", muster.RoleCommander, "TD")
		rec := c.post("/callups", c.withToken(newCallUpValues("drill", "1", "qualification", "", "channel", "paper")))
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", rec.Code, rec.Body)
		}
		board := rec.Header().Get("Location")
		wantPage(t, c.get(board), 200, `href="`+board+`/notices/print"`)
		rec = c.get(board + "/notices/print")
		wantPage(t, rec, 200, "Flood at Pinsk", "EXERCISE — DRILL", `href="/static/print.css"`, "/r/")
		if n := strings.Count(rec.Body.String(), `<section class="notice`); n != 2 {
			t.Errorf("%d notices printed, want one per targeted member (2)", n)
		}
		if n := strings.Count(rec.Body.String(), "<svg"); n != 2 {
			t.Errorf("%d QR codes, want 2", n)
		}
		css := c.get("/static/print.css")
		if css.Code != 200 || !strings.HasPrefix(css.Header().Get("Content-Type"), "text/css") || !strings.Contains(css.Body.String(), "@page") {
			t.Errorf("print.css: %d %q", css.Code, css.Header().Get("Content-Type"))
		}
		viewer := e.signedIn("viewer-bre", muster.RoleViewer, "BRE")
		if rec := viewer.get(board + "/notices/print"); rec.Code != http.StatusForbidden {
			t.Errorf("a viewer of another region printed the notices: %d", rec.Code)
		}
	})
}
