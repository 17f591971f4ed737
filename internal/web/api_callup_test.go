package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// callUpEnv is a uiEnv whose server runs call-ups on the real database,
// with API tokens of several roles.
type callUpEnv struct {
	*uiEnv
	tokens map[string]string // by "role@UNIT"
}

// newCallUpEnv seeds db and returns a server running call-ups on it. The
// tokens: admin@TD, commander@TD, commander@GOM-MOZ, clerk@TD, armorer@TD, viewer@TD.
func newCallUpEnv(t *testing.T, db *sqldb.DB) *callUpEnv {
	t.Helper()
	e := &callUpEnv{uiEnv: newUIEnv(t, db), tokens: map[string]string{}}
	e.s.CallUps = db
	for _, k := range []string{"admin@TD", "commander@TD", "commander@GOM-MOZ", "clerk@TD", "armorer@TD", "viewer@TD"} {
		role, unit, _ := strings.Cut(k, "@")
		secret, err := db.CreateToken(sqldbtest.System(), &muster.Token{Name: k, Role: muster.Role(role), Unit: unit})
		if err != nil {
			t.Fatalf("token %s: %v", k, err)
		}
		e.tokens[k] = secret
	}
	return e
}

// api sends a request as the token of who ("" for none); body is nil, a
// string of JSON, or a value to encode.
func (e *callUpEnv) api(method, path, who string, body any) *httptest.ResponseRecorder {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[who])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// callUpBody is a valid POST /api/v1/callups body, changed by the
// functions.
func callUpBody(change ...func(map[string]any)) map[string]any {
	b := map[string]any{"title": "Exercise Winter Oak", "kind": "exercise", "unit": "TD",
		"filter":  map[string]any{"status": []string{}, "qualifications": []string{}},
		"message": "Report with full kit.", "assembly_point": "Barracks, Sovetskaya 1",
		"report_by": sqldbtest.Now.Add(24 * time.Hour).Format(time.RFC3339), "channels": []string{"sms", "email"}, "drill": true}
	for _, f := range change {
		f(b)
	}
	return b
}

// jsonText returns v as JSON text.
func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// set returns a change of the body that sets the field.
func set(field string, v any) func(map[string]any) {
	return func(b map[string]any) { b[field] = v }
}

// apiScenario is one API request and the answer it must get.
type apiScenario struct {
	name, method, path, who string
	body                    any
	status                  int
	code, field             string // of an error answer
	check                   func(t *testing.T, rec *httptest.ResponseRecorder)
}

func (e *callUpEnv) run(scenarios []apiScenario) {
	t := e.t
	t.Helper()
	for _, sc := range scenarios {
		rec := e.api(sc.method, sc.path, sc.who, sc.body)
		if rec.Code != sc.status {
			t.Errorf("%s: %s %s = %d, want %d\n%s", sc.name, sc.method, sc.path, rec.Code, sc.status, rec.Body)
			continue
		}
		if sc.status >= 400 {
			var body errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code == "" || body.Error.Message == "" {
				t.Errorf("%s: not the contract's error shape: %s", sc.name, rec.Body)
				continue
			}
			if sc.code != "" && body.Error.Code != sc.code {
				t.Errorf("%s: code %q, want %q (%s)", sc.name, body.Error.Code, sc.code, body.Error.Message)
			}
			if sc.field != "" && !detailNames(body.Error.Details, sc.field) {
				t.Errorf("%s: error %q does not name %q", sc.name, body.Error.Message, sc.field)
			}
			if strings.Contains(rec.Body.String(), "sql") || strings.Contains(rec.Body.String(), "goroutine") {
				t.Errorf("%s: internal detail leaks: %s", sc.name, rec.Body)
			}
		}
		if sc.check != nil {
			sc.check(t, rec)
		}
	}
}

func detailNames(ds []muster.ErrorDetail, field string) bool {
	for _, d := range ds {
		if d.Field == field {
			return true
		}
	}
	return false
}

// createCallUp creates the call-up of the body as admin and returns its id.
func (e *callUpEnv) createCallUp(body map[string]any) int64 {
	e.t.Helper()
	rec := e.api("POST", "/api/v1/callups", "admin@TD", body)
	if rec.Code != http.StatusCreated {
		e.t.Fatalf("create call-up: %d %s", rec.Code, rec.Body)
	}
	var c muster.CallUp
	json.Unmarshal(rec.Body.Bytes(), &c)
	return c.ID
}

// notices returns the notices CSV of the call-up as rows, header first.
func (e *callUpEnv) notices(id int64) [][]string {
	e.t.Helper()
	rec := e.api("GET", "/api/v1/callups/"+strconv.FormatInt(id, 10)+"/notices", "admin@TD", nil)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		e.t.Fatalf("notices: %d %q %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil {
		e.t.Fatalf("notices CSV: %v", err)
	}
	return rows
}

// responsePath returns the /r/TOKEN path of the member's first notice.
func (e *callUpEnv) responsePath(id int64, serviceNumber string) string {
	e.t.Helper()
	for _, row := range e.notices(id)[1:] {
		if row[0] == serviceNumber {
			_, path, ok := strings.Cut(row[3], "://")
			if !ok {
				e.t.Fatalf("response URL %q", row[3])
			}
			return path[strings.Index(path, "/"):]
		}
	}
	e.t.Fatalf("no notice for %s", serviceNumber)
	return ""
}

// readiness returns the readiness of the call-up's own unit.
func (e *callUpEnv) readiness(id int64) muster.Readiness {
	e.t.Helper()
	rec := e.api("GET", "/api/v1/callups/"+strconv.FormatInt(id, 10)+"/readiness", "admin@TD", nil)
	if rec.Code != 200 {
		e.t.Fatalf("readiness: %d %s", rec.Code, rec.Body)
	}
	var rd muster.Readiness
	json.Unmarshal(rec.Body.Bytes(), &rd)
	return rd
}

func TestAPICallUps(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		var id string
		e.run([]apiScenario{
			{name: "no token", method: "POST", path: "/api/v1/callups", body: callUpBody(), status: 401, code: muster.EUNAUTHORIZED},
			{name: "viewer", method: "POST", path: "/api/v1/callups", who: "viewer@TD", body: callUpBody(), status: 403, code: muster.EFORBIDDEN},
			{name: "clerk", method: "POST", path: "/api/v1/callups", who: "clerk@TD", body: callUpBody(), status: 403, code: muster.EFORBIDDEN},
			{name: "outside the subtree", method: "POST", path: "/api/v1/callups", who: "commander@GOM-MOZ", body: callUpBody(set("unit", "BRE")), status: 403, code: muster.EFORBIDDEN},
			{name: "not JSON", method: "POST", path: "/api/v1/callups", who: "admin@TD", body: `{"title":`, status: 400, code: muster.EINVALID, field: "body"},
			{name: "not UTF-8", method: "POST", path: "/api/v1/callups", who: "admin@TD", status: 400, code: muster.EINVALID, field: "body",
				body: strings.Replace(jsonText(t, callUpBody()), "Winter Oak", "Winter \xffOak", 1)},
			{name: "control character", method: "POST", path: "/api/v1/callups", who: "admin@TD", body: callUpBody(set("title", "Winter\tOak")), status: 400, field: "title"},
			{name: "unknown field", method: "POST", path: "/api/v1/callups", who: "admin@TD", body: callUpBody(set("priority", 1)), status: 400, field: "priority"},
			{name: "unknown filter field", method: "POST", path: "/api/v1/callups", who: "admin@TD", body: callUpBody(set("filter", map[string]any{"age": 3})), status: 400, code: muster.EINVALID},
			{name: "bad report_by", method: "POST", path: "/api/v1/callups", who: "admin@TD", body: callUpBody(set("report_by", "tomorrow 8:00")), status: 400, field: "report_by"},
			{name: "report_by past", method: "POST", path: "/api/v1/callups", who: "admin@TD", body: callUpBody(set("report_by", sqldbtest.Now.Add(-time.Hour).Format(time.RFC3339))), status: 400, field: "report_by"},
			{name: "bad kind", method: "POST", path: "/api/v1/callups", who: "admin@TD", body: callUpBody(set("kind", "party")), status: 400, field: "kind"},
			{name: "no channels", method: "POST", path: "/api/v1/callups", who: "admin@TD", body: callUpBody(set("channels", []string{})), status: 400, field: "channels"},
			{name: "drill not bool", method: "POST", path: "/api/v1/callups", who: "admin@TD", body: callUpBody(set("drill", "yes")), status: 400, field: "drill"},
			{name: "unknown unit", method: "POST", path: "/api/v1/callups", who: "admin@TD", body: callUpBody(set("unit", "NOPE")), status: 400, field: "unit"},
			{name: "query parameter", method: "POST", path: "/api/v1/callups?dry_run=1", who: "admin@TD", body: callUpBody(), status: 400, field: "dry_run"},
			{name: "created", method: "POST", path: "/api/v1/callups", who: "commander@TD", body: callUpBody(), status: 201, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				var c map[string]any
				json.Unmarshal(rec.Body.Bytes(), &c)
				id = strconv.Itoa(int(c["id"].(float64)))
				if c["targeted"] != 2.0 || rec.Header().Get("Location") != "/api/v1/callups/"+id {
					t.Errorf("targeted %v, Location %q: %s", c["targeted"], rec.Header().Get("Location"), rec.Body)
				}
			}},
		})
		e.run([]apiScenario{
			{name: "list", method: "GET", path: "/api/v1/callups", who: "viewer@TD", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				var l struct{ CallUps []muster.CallUp }
				json.Unmarshal(rec.Body.Bytes(), &l)
				if len(l.CallUps) != 1 || l.CallUps[0].Title != "Exercise Winter Oak" || l.CallUps[0].Targeted != 2 {
					t.Errorf("list %s", rec.Body)
				}
			}},
			{name: "list no token", method: "GET", path: "/api/v1/callups", status: 401},
			{name: "get", method: "GET", path: "/api/v1/callups/" + id, who: "viewer@TD", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				for _, s := range []string{`"assembly_point":"Barracks, Sovetskaya 1"`, `"drill":true`, `"channels":["sms","email"]`} {
					if !strings.Contains(rec.Body.String(), s) {
						t.Errorf("call-up lacks %s: %s", s, rec.Body)
					}
				}
			}},
			{name: "get outside the subtree", method: "GET", path: "/api/v1/callups/" + id, who: "commander@GOM-MOZ", status: 403},
			{name: "get unknown", method: "GET", path: "/api/v1/callups/9999", who: "admin@TD", status: 404, code: muster.ENOTFOUND},
			{name: "get not a number", method: "GET", path: "/api/v1/callups/abc", who: "admin@TD", status: 404, code: muster.ENOTFOUND},
			{name: "readiness", method: "GET", path: "/api/v1/callups/" + id + "/readiness", who: "admin@TD", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				var rd map[string]any
				json.Unmarshal(rec.Body.Bytes(), &rd)
				for _, k := range []string{"unit", "targeted", "delivered", "yes", "late", "no", "no_answer", "checked_in", "children"} {
					if _, ok := rd[k]; !ok {
						t.Errorf("readiness lacks %q: %s", k, rec.Body)
					}
				}
				if rd["unit"] != "TD" || rd["targeted"] != 2.0 || rd["no_answer"] != 2.0 || len(rd["children"].([]any)) != 2 {
					t.Errorf("readiness %s", rec.Body)
				}
			}},
			{name: "readiness of a unit", method: "GET", path: "/api/v1/callups/" + id + "/readiness?unit=GOM&depth=2", who: "admin@TD", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				var rd muster.Readiness
				json.Unmarshal(rec.Body.Bytes(), &rd)
				if rd.Unit != "GOM" || rd.Targeted != 1 || len(rd.Children) != 1 || len(rd.Children[0].Children) != 1 {
					t.Errorf("readiness %s", rec.Body)
				}
			}},
			{name: "readiness bad depth", method: "GET", path: "/api/v1/callups/" + id + "/readiness?depth=deep", who: "admin@TD", status: 400, field: "depth"},
			{name: "readiness bad unit", method: "GET", path: "/api/v1/callups/" + id + "/readiness?unit=a%20b", who: "admin@TD", status: 400, field: "unit"},
			{name: "readiness unknown parameter", method: "GET", path: "/api/v1/callups/" + id + "/readiness?units=GOM", who: "admin@TD", status: 400, field: "units"},
			{name: "readiness unknown call-up", method: "GET", path: "/api/v1/callups/9999/readiness", who: "admin@TD", status: 404},
			{name: "notices unknown call-up", method: "GET", path: "/api/v1/callups/9999/notices", who: "admin@TD", status: 404},
			{name: "notices no token", method: "GET", path: "/api/v1/callups/" + id + "/notices", status: 401},
			{name: "check-in", method: "POST", path: "/api/v1/callups/" + id + "/checkins", who: "clerk@TD", body: `{"service_number":"G1"}`, status: 200},
			{name: "check-in again", method: "POST", path: "/api/v1/callups/" + id + "/checkins", who: "clerk@TD", body: `{"service_number":"G1"}`, status: 200},
			{name: "check-in not targeted", method: "POST", path: "/api/v1/callups/" + id + "/checkins", who: "clerk@TD", body: `{"service_number":"G2"}`, status: 409, code: muster.ECONFLICT},
			{name: "check-in unknown member", method: "POST", path: "/api/v1/callups/" + id + "/checkins", who: "clerk@TD", body: `{"service_number":"X9"}`, status: 404},
			{name: "check-in no number", method: "POST", path: "/api/v1/callups/" + id + "/checkins", who: "clerk@TD", body: `{}`, status: 400, field: "service_number"},
			{name: "check-in unknown field", method: "POST", path: "/api/v1/callups/" + id + "/checkins", who: "clerk@TD", body: `{"service_number":"G1","at":"now"}`, status: 400, field: "at"},
			{name: "check-in viewer", method: "POST", path: "/api/v1/callups/" + id + "/checkins", who: "viewer@TD", body: `{"service_number":"B1"}`, status: 403},
			{name: "check-in unknown call-up", method: "POST", path: "/api/v1/callups/9999/checkins", who: "clerk@TD", body: `{"service_number":"G1"}`, status: 404},
		})
		n, _ := strconv.ParseInt(id, 10, 64)
		if rd := e.readiness(n); rd.CheckedIn != 1 {
			t.Errorf("checked in %d, want 1", rd.CheckedIn)
		}
	})
}

// TestAPICallUpReadinessInScope checks that staff of a unit inside a
// call-up's unit read the readiness, and follow the stream, of their own
// subtree, as they check its members in.
func TestAPICallUpReadinessInScope(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		for _, k := range []string{"clerk@GOM-MOZ", "clerk@BRE-PIN"} {
			role, unit, _ := strings.Cut(k, "@")
			secret, err := db.CreateToken(sqldbtest.System(), &muster.Token{Name: k, Role: muster.Role(role), Unit: unit})
			if err != nil {
				t.Fatal(err)
			}
			e.tokens[k] = secret
		}
		id := strconv.FormatInt(e.createCallUp(callUpBody(set("unit", "GOM"))), 10)
		readiness := func(unit string, checkedIn int) func(t *testing.T, rec *httptest.ResponseRecorder) {
			return func(t *testing.T, rec *httptest.ResponseRecorder) {
				var rd muster.Readiness
				if err := json.Unmarshal(rec.Body.Bytes(), &rd); err != nil || rd.Unit != unit || rd.Targeted != 1 || rd.CheckedIn != checkedIn {
					t.Errorf("readiness %s, want %s with 1 targeted, %d checked in", rec.Body, unit, checkedIn)
				}
			}
		}
		base := "/api/v1/callups/" + id
		e.run([]apiScenario{
			{name: "check-in", method: "POST", path: base + "/checkins", who: "clerk@GOM-MOZ", body: `{"service_number":"G1"}`, status: 200},
			{name: "own unit", method: "GET", path: base + "/readiness?unit=GOM-MOZ", who: "clerk@GOM-MOZ", status: 200, check: readiness("GOM-MOZ", 1)},
			{name: "own unit by default", method: "GET", path: base + "/readiness", who: "clerk@GOM-MOZ", status: 200, check: readiness("GOM-MOZ", 1)},
			{name: "a unit below", method: "GET", path: base + "/readiness?unit=GOM-MOZ-1&depth=0", who: "clerk@GOM-MOZ", status: 200, check: readiness("GOM-MOZ-1", 1)},
			{name: "the call-up's unit", method: "GET", path: base + "/readiness?unit=GOM", who: "clerk@GOM-MOZ", status: 403, code: muster.EFORBIDDEN},
			{name: "another district", method: "GET", path: base + "/readiness?unit=BRE-PIN", who: "clerk@GOM-MOZ", status: 403, code: muster.EFORBIDDEN},
			{name: "outside the call-up", method: "GET", path: base + "/readiness", who: "clerk@BRE-PIN", status: 403, code: muster.EFORBIDDEN},
			{name: "outside the call-up, own unit", method: "GET", path: base + "/readiness?unit=BRE-PIN", who: "clerk@BRE-PIN", status: 403, code: muster.EFORBIDDEN},
			{name: "stream of the call-up's unit", method: "GET", path: base + "/stream?unit=GOM", who: "clerk@GOM-MOZ", status: 403, code: muster.EFORBIDDEN},
			{name: "stream outside the call-up", method: "GET", path: base + "/stream", who: "clerk@BRE-PIN", status: 403, code: muster.EFORBIDDEN},
		})

		// The stream of the clerk's unit: its first event.
		srv := httptest.NewServer(e.h)
		defer srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+base+"/stream?unit=GOM-MOZ", nil)
		req.Header.Set("Authorization", "Bearer "+e.tokens["clerk@GOM-MOZ"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("stream of GOM-MOZ: %d", resp.StatusCode)
		}
		ev, ok := <-readEvents(bufio.NewReader(resp.Body))
		var rd muster.Readiness
		if !ok || json.Unmarshal([]byte(ev.data), &rd) != nil || rd.Unit != "GOM-MOZ" || rd.CheckedIn != 1 {
			t.Errorf("first event of GOM-MOZ's stream: %q", ev.data)
		}
	})
}

func TestAPICallUpNotices(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		// G1 has a phone, B1 has neither phone nor e-mail: paper reaches both.
		id := e.createCallUp(callUpBody(set("channels", []string{"sms", "paper"})))
		rows := e.notices(id)
		if strings.Join(rows[0], ",") != "service_number,name,channel,response_url" || len(rows) != 4 {
			t.Fatalf("notices %v", rows)
		}
		for _, row := range rows[1:] {
			if !strings.HasPrefix(row[3], "http://example.com/r/") {
				t.Errorf("response URL %q is not on the request's host", row[3])
			}
		}
		e.s.PublicURL = "https://muster.example"
		for _, row := range e.notices(id)[1:] {
			if !strings.HasPrefix(row[3], "https://muster.example/r/") {
				t.Errorf("response URL %q is not on the public URL", row[3])
			}
		}
		// The response links are the members' credentials: a read-only
		// role, or an armorer, gets neither the CSV nor the printed notices;
		// the desk staff who check members in do.
		path := "/api/v1/callups/" + strconv.FormatInt(id, 10) + "/notices"
		e.run([]apiScenario{
			{name: "notices, a viewer", method: "GET", path: path, who: "viewer@TD", status: 403, code: muster.EFORBIDDEN},
			{name: "notices, an armorer", method: "GET", path: path, who: "armorer@TD", status: 403, code: muster.EFORBIDDEN},
			{name: "notices, a clerk", method: "GET", path: path, who: "clerk@TD", status: 200},
			{name: "notices, a commander", method: "GET", path: path, who: "commander@TD", status: 200},
		})
		board := "/callups/" + strconv.FormatInt(id, 10)
		viewer := e.signedIn("viewer-td", muster.RoleViewer, "TD")
		wantPage(t, viewer.get(board), 200, "Readiness", "!/notices")
		if rec := viewer.get(board + "/notices/print"); rec.Code != http.StatusForbidden || strings.Contains(rec.Body.String(), "/r/") {
			t.Errorf("a viewer printed the notices: %d", rec.Code)
		}
		commander := e.signedIn("commander-td", muster.RoleCommander, "TD")
		wantPage(t, commander.get(board), 200, `href="`+board+`/notices/print"`, `href="/api/v1`+board+`/notices"`)
	})
}
