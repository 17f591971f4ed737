package web

import (
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestDashboardExpiryDigest shows a commander the day's expiry reminders
// in their subtree, and nothing to a commander outside it or to a clerk.
func TestDashboardExpiryDigest(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		e.s.Expiry = db
		gom := e.signedIn("cmd-gom", muster.RoleCommander, "GOM")
		bre := e.signedIn("cmd-bre", muster.RoleCommander, "BRE")
		clerk := e.signedIn("clerk-gom", muster.RoleClerk, "GOM")
		soon := []muster.MemberQualification{{Code: "RIF", Expires: muster.DateOf(sqldbtest.Now).AddDays(12)}}
		if _, err := db.UpdateMember(sqldbtest.System(), "G1", muster.MemberUpdate{Qualifications: &soon}); err != nil {
			t.Fatal(err)
		}
		if body := gom.get("/").Body.String(); strings.Contains(body, "Qualifications expiring soon") {
			t.Error("a digest before any run")
		}
		if run, err := db.RunExpiryReminders(sqldbtest.System(), sqldbtest.Now, muster.ExpiryOptions{}); err != nil || run.Digests != 1 {
			t.Fatalf("run = %+v, %v; want the GOM commander's digest", run, err)
		}
		rec := gom.get("/")
		wantPage(t, rec, 200, "Qualifications expiring soon", "Reminded on 2026-11-23", `href="/members/G1"`, "RIF", "2026-12-05", "14 days before")
		for name, c := range map[string]*uiClient{"BRE commander": bre, "GOM clerk": clerk} {
			if body := c.get("/").Body.String(); strings.Contains(body, "Qualifications expiring soon") {
				t.Errorf("%s sees a digest", name)
			}
		}
	})
}
