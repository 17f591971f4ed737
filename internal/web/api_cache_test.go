package web

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestNoStore: API answers (members' data, their response and kit links,
// errors too) and the printed notices are never kept by a cache; the
// iCalendar feed keeps its own rule.
func TestNoStore(t *testing.T) {
	db := sqldbtest.Open(t, "sqlite")
	e := newCallUpEnv(t, db)
	e.s.Kits, e.s.Exercises = db, db
	id := e.createCallUp(callUpBody(set("channels", []string{"paper"})))
	callup := "/api/v1/callups/" + strconv.FormatInt(id, 10)
	for _, c := range []struct {
		path, who string
		status    int
		cache     string
	}{
		{"/api/v1/members/G1", "admin@TD", 200, "no-store"},
		{"/api/v1/members/G1/kit-link", "admin@TD", 200, "no-store"},
		{"/api/v1/units/GOM", "viewer@TD", 200, "no-store"},
		{callup + "/readiness", "viewer@TD", 200, "no-store"},
		{callup + "/notices", "admin@TD", 200, "no-store"},
		{"/api/v1/members/NOPE", "admin@TD", 404, "no-store"},
		{"/api/v1/members/G1", "", 401, "no-store"},
		{"/api/v1/no-such-thing", "admin@TD", 404, "no-store"},
		{"/api/v1/units/GOM/calendar.ics", "viewer@TD", 200, "private, no-cache"},
	} {
		rec := e.api("GET", c.path, c.who, nil)
		if rec.Code != c.status || rec.Header().Get("Cache-Control") != c.cache {
			t.Errorf("GET %s: %d, Cache-Control %q; want %d, %q", c.path, rec.Code, rec.Header().Get("Cache-Control"), c.status, c.cache)
		}
	}
	commander := e.signedIn("kovalenko", muster.RoleCommander, "TD")
	rec := commander.get("/callups/" + strconv.FormatInt(id, 10) + "/notices/print")
	if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("printed notices: %d, Cache-Control %q; want 200, no-store", rec.Code, rec.Header().Get("Cache-Control"))
	}
}
