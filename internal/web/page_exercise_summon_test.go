package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestSummonForm counts, then summons, GOM's active and reserve members
// (G1 and G2) from the exercise page as instructors.
func TestSummonForm(t *testing.T) {
	db := sqldbtest.Open(t, "sqlite") // the storage runs on both in internal/sqldb
	e := newUIEnv(t, db)
	e.s.Exercises, e.s.CallUps = db, db
	ctx := sqldbtest.System()
	x := &muster.Exercise{Title: "Сборы", Unit: "GOM", Start: muster.DateOf(sqldbtest.Now).AddDays(30), End: muster.DateOf(sqldbtest.Now).AddDays(33)}
	if err := db.CreateExercise(ctx, x); err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/exercises/%d", x.ID)
	action := page + "/summon"
	cmd := e.signedIn("petrov", muster.RoleCommander, "GOM")
	wantPage(t, cmd.get(page), 200, "Summon members", `action="`+action+`#summon"`, `name="csrf_token"`,
		`value="GOM" autocapitalize`, `value="sms" checked`, "Count who would be summoned")

	form := url.Values{"unit": {"GOM"}, "status": {"active", "reserve"}, "role": {"instructor"}, "message": {"Report for the exercise."},
		"report_by": {sqldbtest.Now.AddDate(0, 0, 29).Format(reportByLayout)}, "channel": {"sms", "paper"}}
	tables := func() string {
		callups, err := db.FindCallUps(ctx)
		if err != nil {
			t.Fatal(err)
		}
		participants, err := db.Participants(ctx, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%d/%d", len(callups), len(participants))
	}
	if rec := cmd.post(action, form); rec.Code != 403 {
		t.Fatalf("without a form token: %d", rec.Code)
	}
	preview := cmd.withToken(form)
	preview.Set("action", "preview")
	wantPage(t, cmd.post(action, preview), 200, `id="summon-count">2 members would be summoned.`, `value="reserve" checked`, "Report for the exercise.")
	if got := tables(); got != "0/0" {
		t.Fatalf("call-ups/participants after a preview: %s", got)
	}
	bad := cmd.withToken(form)
	bad.Del("channel")
	bad.Set("action", "summon")
	wantPage(t, cmd.post(action, bad), 400, "Nobody was summoned")
	if got := tables(); got != "0/0" {
		t.Fatalf("call-ups/participants after a refused summons: %s", got)
	}
	summon := cmd.withToken(form)
	summon.Set("action", "summon")
	rec := cmd.post(action, summon)
	if rec.Code != 303 || rec.Header().Get("Location") != page {
		t.Fatalf("summon: %d %s\n%s", rec.Code, rec.Header(), rec.Body)
	}
	wantPage(t, cmd.follow(rec), 200, "Summoned 2 members through call-up 1", "Иванов Пётр", "Kowalski Jan")
	list, err := db.Participants(ctx, x.ID)
	if err != nil || len(list) != 2 || list[0].Role != muster.RoleInstructor || list[0].CallUp == 0 {
		t.Fatalf("participants %+v, %v", list, err)
	}

	clerk := e.signedIn("sidorova", muster.RoleClerk, "GOM")
	if body := clerk.get(page).Body.String(); strings.Contains(body, "Summon members") {
		t.Error("a clerk sees the summon form")
	}
	wantPage(t, clerk.post(action, clerk.withToken(summon)), 403)
}
