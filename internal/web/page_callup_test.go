package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// callUpForm returns a valid new call-up form, changed by the pairs
// name, value ("" removes the field).
func newCallUpValues(pairs ...string) url.Values {
	f := url.Values{"title": {"Flood at Pinsk"}, "kind": {"emergency"}, "unit": {"TD"}, "status": {"active"},
		"message": {"Sandbags at the river station."}, "assembly_point": {"River station"},
		"report_by": {"2026-11-23T18:00"}, "channel": {"sms", "paper"}}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			f.Del(pairs[i])
		} else {
			f.Set(pairs[i], pairs[i+1])
		}
	}
	return f
}

func TestPageCallUps(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		c := e.signedIn("kovalenko", muster.RoleCommander, "TD")

		wantPage(t, c.get("/callups"), 200, `href="/callups" aria-current="page">Call-ups`, "No call-ups yet.", `href="/callups/new"`)
		wantPage(t, c.get("/callups/new"), 200, `name="title"`, `name="kind"`, `value="mobilisation"`, `name="unit" value="TD"`,
			`name="status" value="active" checked`, `name="qualification" value="MED"`, `name="message"`, `name="assembly_point"`,
			`name="report_by" type="datetime-local" value="2026-11-23T11:30"`, `name="channel" value="push"`, `name="drill"`, "Server time (UTC)")

		// Errors next to their fields, values kept.
		rec := c.post("/callups", c.withToken(newCallUpValues("title", "", "report_by", "2026-11-23T08:00", "channel", "")))
		wantPage(t, rec, 400, "The call-up was not created", `id="title-error"`, `id="report_by-error">must be in the future`,
			"at least one of push, sms, email, paper", `value="River station"`)
		wantPage(t, c.post("/callups", c.withToken(newCallUpValues("report_by", "soon"))), 400, `id="report_by-error">must be a date and time`)
		wantPage(t, c.post("/callups", c.withToken(newCallUpValues("unit", "NOPE"))), 400, `id="unit-error"`)
		wantPage(t, c.post("/callups", newCallUpValues()), 403, "This form has expired")

		rec = c.post("/callups", c.withToken(newCallUpValues("drill", "1", "qualification", "")))
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/callups/") {
			t.Fatalf("create: %d %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body)
		}
		board := rec.Header().Get("Location")
		id, _ := strconv.ParseInt(strings.TrimPrefix(board, "/callups/"), 10, 64)
		rec = c.follow(rec)
		wantPage(t, rec, 200, "Call-up created: 2 members targeted.", "Flood at Pinsk", "drill", "River station",
			`<noscript><meta http-equiv="refresh" content="5"></noscript>`, `src="/static/board.js?v=`,
			`data-stream="/api/v1/callups/`+strconv.FormatInt(id, 10)+`/stream"`, `<tr data-unit="GOM">`, `data-k="yes"`, "Гомельская область", "Брестская область", `class="fill w0"`, "/kiosk")
		if rec.Header().Get("Refresh") != "" {
			t.Errorf("board Refresh header %q: it would reload the live board too", rec.Header().Get("Refresh"))
		}
		if js := c.get(regexpFind(t, rec.Body.String(), `src="(/static/board\.js\?v=\w+)"`)); js.Code != 200 || !strings.Contains(js.Body.String(), "EventSource") {
			t.Errorf("board.js: %d", js.Code)
		}
		// The session that shows the board may follow its stream.
		if rec := c.get("/api/v1/callups/" + strconv.FormatInt(id, 10) + "/cap"); rec.Code != 200 {
			t.Errorf("the board's session reaches the API: %d %s", rec.Code, rec.Body)
		}
		wantPage(t, c.get("/callups"), 200, "Flood at Pinsk", `href="`+board+`"`, "emergency")

		// An answer shows on the board.
		if rec := e.answerRequest("POST", e.responsePath(id, "B1"), "192.0.2.5", jsonType, `{"answer":"yes"}`); rec.Code != 200 {
			t.Fatalf("answer: %d %s", rec.Code, rec.Body)
		}
		body := c.get(board).Body.String()
		if !strings.Contains(body, `class="bar full"`) || !strings.Contains(body, `class="fill w50"`) {
			t.Errorf("the board does not show B1's yes:\n%s", body)
		}

		wantPage(t, c.get("/callups/9999"), 404)
		wantPage(t, c.get("/callups/x"), 404)
	})
}

func TestPageCallUpForbidden(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		id := e.createCallUp(callUpBody())
		v := e.signedIn("viewer", muster.RoleViewer, "TD")
		wantPage(t, v.get("/callups"), 200, "Exercise Winter Oak", `!href="/callups/new"`)
		wantPage(t, v.get("/callups/new"), 403, "does not allow calling members up")
		wantPage(t, v.post("/callups", v.withToken(newCallUpValues())), 403)
		wantPage(t, v.get("/callups/"+strconv.FormatInt(id, 10)), 200, "Exercise Winter Oak", "!/kiosk")
		wantPage(t, v.get("/callups/"+strconv.FormatInt(id, 10)+"/kiosk"), 403, "does not allow checking members in")

		gom := e.signedIn("gomcmd", muster.RoleCommander, "GOM-MOZ")
		wantPage(t, gom.get("/callups/"+strconv.FormatInt(id, 10)), 403)
		wantPage(t, gom.post("/callups", gom.withToken(newCallUpValues("unit", "BRE"))), 403)

		anon := e.client()
		if rec := anon.get("/callups"); rec.Code != http.StatusSeeOther {
			t.Errorf("anonymous /callups: %d", rec.Code)
		}
	})
}

func TestPageCallUpKiosk(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		id := e.createCallUp(callUpBody(set("channels", []string{"paper"})))
		other := e.createCallUp(callUpBody(set("channels", []string{"paper"}), set("title", "Other")))
		kiosk := "/callups/" + strconv.FormatInt(id, 10) + "/kiosk"
		checkins := "/callups/" + strconv.FormatInt(id, 10) + "/checkins"
		c := e.signedIn("clerk", muster.RoleClerk, "TD")

		wantPage(t, c.get(kiosk), 200, `name="code"`, "autofocus", `action="`+checkins+`"`)

		rec := c.post(checkins, c.withToken(url.Values{"code": {" G1 "}}))
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != kiosk {
			t.Fatalf("check in G1: %d %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body)
		}
		wantPage(t, c.follow(rec), 200, "Checked in: G1 — Иванов Пётр", "autofocus")

		// A scanned response link, with scheme and host.
		link := "https://muster.example" + e.responsePath(id, "B1")
		rec = c.post(checkins, c.withToken(url.Values{"code": {link}}))
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("check in by link: %d\n%s", rec.Code, rec.Body)
		}
		wantPage(t, c.follow(rec), 200, "Checked in: B1 — Шевчук Анна")
		// Typed on a keyboard that capitalised it: the same link.
		if rec := c.post(checkins, c.withToken(url.Values{"code": {strings.ToUpper(link)}})); rec.Code != http.StatusSeeOther {
			t.Errorf("check in by a capitalised link: %d\n%s", rec.Code, rec.Body)
		}

		wantPage(t, c.post(checkins, c.withToken(url.Values{"code": {"G2"}})), 409, "not called up by this call-up", `value="G2"`)
		wantPage(t, c.post(checkins, c.withToken(url.Values{"code": {"X9"}})), 404, "X9 does not exist")
		wantPage(t, c.post(checkins, c.withToken(url.Values{"code": {""}})), 400, "Type a service number")
		wantPage(t, c.post(checkins, c.withToken(url.Values{"code": {forge(link)}})), 404, "This response link is not valid")
		wantPage(t, c.post(checkins, c.withToken(url.Values{"code": {"https://muster.example" + e.responsePath(other, "G1")}})), 409, "another call-up")
		wantPage(t, c.post(checkins, url.Values{"code": {"G1"}}), 403, "This form has expired")

		if rd := e.readiness(id); rd.CheckedIn != 2 {
			t.Errorf("checked in %d, want 2", rd.CheckedIn)
		}
	})
}
