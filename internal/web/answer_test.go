package web

import (
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// answerRequest sends a request to the answer page from the address, with
// a body of the content type ("" for none).
func (e *callUpEnv) answerRequest(method, path, addr, contentType, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.RemoteAddr = addr + ":40000"
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// forge changes the last character of the token in path.
func forge(path string) string {
	last := path[len(path)-1]
	if last == 'a' {
		return path[:len(path)-1] + "b"
	}
	return path[:len(path)-1] + "a"
}

const (
	jsonType = "application/json"
	formType = "application/x-www-form-urlencoded"
	mpType   = "multipart/form-data; boundary=" + mpBoundary
)

// mpBoundary is the boundary of mpBody's forms.
const mpBoundary = "muster-test-boundary"

// mpBody returns a multipart/form-data body (boundary mpBoundary) of the
// fields, given as name, value pairs.
func mpBody(t *testing.T, fields ...string) string {
	t.Helper()
	var b strings.Builder
	mw := multipart.NewWriter(&b)
	if err := mw.SetBoundary(mpBoundary); err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(fields); i += 2 {
		if err := mw.WriteField(fields[i], fields[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestAnswerPageZone: the answer page gives the report-by time in the
// server's zone, as the SMS and e-mail notices do.
func TestAnswerPageZone(t *testing.T) {
	minsk, err := time.LoadLocation("Europe/Minsk")
	if err != nil {
		t.Fatal(err) // Debian's tzdata, which postgresql depends on
	}
	e := newCallUpEnv(t, sqldbtest.Open(t, "sqlite"))
	e.s.Zone = minsk
	id := e.createCallUp(callUpBody(set("channels", []string{"paper"})))
	rec := e.answerRequest("GET", e.responsePath(id, "G1"), "198.51.100.7", "", "")
	wantPage(t, rec, 200, "2026-11-24 12:30 +03", "!09:30 UTC")
}

func TestAnswerPage(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		id := e.createCallUp(callUpBody(set("channels", []string{"paper"}), set("drill", false)))
		g1, b1 := e.responsePath(id, "G1"), e.responsePath(id, "B1")
		const ip = "198.51.100.7"

		rec := e.answerRequest("GET", g1, ip, "", "")
		wantPage(t, rec, 200, "Exercise Winter Oak", "Иванов Пётр", "G1", "Report with full kit.",
			"Barracks, Sovetskaya 1", "2026-11-24 09:30 UTC", "Coming", "Coming late", "Cannot come", "!Your answer:", "!Drill")
		page := rec.Body.String()
		if len(page) >= 8<<10 {
			t.Errorf("the answer page weighs %d bytes, want under 8 KB", len(page))
		}
		if strings.Contains(strings.ToLower(page), "<script") || strings.Contains(page, "style=") {
			t.Errorf("the answer page has a script or an inline style:\n%s", page)
		}
		if strings.Contains(page, "muster.js") || strings.Contains(page, "Sign out") {
			t.Errorf("the answer page uses the staff layout")
		}
		css := e.answerRequest("GET", regexpFind(t, page, `href="(/static/answer\.css\?v=\w+)"`), ip, "", "")
		if css.Code != 200 || len(page)+css.Body.Len() >= 8<<10 {
			t.Errorf("the page and its stylesheet (%d) weigh %d bytes, want under 8 KB", css.Code, len(page)+css.Body.Len())
		}
		t.Logf("answer page: %d bytes, stylesheet %d bytes", len(page), css.Body.Len())

		type answerCase struct {
			name, path, contentType, body string
			status                        int
			contains                      []string
		}
		for _, c := range []answerCase{
			{"JSON yes", g1, jsonType, `{"answer":"yes"}`, 200, []string{`"answer":"yes"`, `"at":`}},
			{"JSON late without ETA", g1, jsonType, `{"answer":"late"}`, 400, []string{`"field":"eta_minutes"`}},
			{"JSON unknown answer", g1, jsonType, `{"answer":"maybe"}`, 400, []string{`"field":"answer"`}},
			{"JSON unknown field", g1, jsonType, `{"answer":"yes","when":"now"}`, 400, []string{`"field":"when"`}},
			{"JSON ETA not a number", g1, jsonType, `{"answer":"late","eta_minutes":"soon"}`, 400, []string{`"field":"eta_minutes"`}},
			{"JSON not JSON", g1, jsonType, `answer=yes`, 400, []string{`"code":"invalid"`}},
			{"JSON late", g1, jsonType, `{"answer":"late","eta_minutes":45}`, 200, []string{`"answer":"late"`, `"eta_minutes":45`}},
			{"form no with reason", b1, formType, url.Values{"answer": {"no"}, "reason": {"night shift"}, "eta_minutes": {""}}.Encode(), 200,
				[]string{"Your answer is recorded", "Cannot come", "(night shift)", "Шевчук Анна"}},
			{"form late without minutes", b1, formType, "answer=late&eta_minutes=", 400, []string{"Say how late you will be"}},
			{"form no answer", b1, formType, "reason=x", 400, []string{"Choose one of the three answers"}},
			{"multipart yes", b1, mpType, mpBody(t, "answer", "yes"), 200, []string{"Your answer is recorded", "Your answer: Coming"}},
			{"multipart late", b1, mpType, mpBody(t, "answer", "late", "eta_minutes", "20"), 200, []string{"Your answer is recorded", "Coming late, 20 min"}},
			{"multipart too large", b1, mpType, mpBody(t, "answer", "no", "reason", strings.Repeat("x", maxFormBytes)), 413, []string{"too large"}},
			{"text/plain", b1, "text/plain", "answer=no", 415, []string{`Content-Type "text/plain" is not read here`}},
			{"not a media type", b1, "form", "answer=no", 415, []string{`Content-Type "form" is not read here`}},
			{"form late", b1, formType, "answer=late&eta_minutes=30", 200, []string{"Your answer is recorded", "Coming late, 30 min"}},
		} {
			rec := e.answerRequest("POST", c.path, ip, c.contentType, c.body)
			if rec.Code != c.status {
				t.Errorf("%s: %d, want %d\n%s", c.name, rec.Code, c.status, rec.Body)
				continue
			}
			body := htmlText(tagText(rec.Body.String()))
			if c.contentType == jsonType {
				body = rec.Body.String()
			}
			for _, s := range c.contains {
				if !strings.Contains(body, s) {
					t.Errorf("%s: answer lacks %q:\n%s", c.name, s, body)
				}
			}
		}
		// A body type the page does not read, from a script asking for JSON.
		req := httptest.NewRequest("POST", b1, strings.NewReader(`<answer>no</answer>`))
		req.Header.Set("Content-Type", "application/xml")
		req.Header.Set("Accept", "application/json")
		rec = httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != 415 || !strings.Contains(rec.Body.String(), `"code":"unsupported"`) || !strings.Contains(rec.Body.String(), `"field":"Content-Type"`) ||
			!strings.Contains(rec.Body.String(), `application/xml`) {
			t.Errorf("XML answer: %d %s", rec.Code, rec.Body)
		}
		req = httptest.NewRequest("POST", forge(g1), strings.NewReader(`{"answer":"no"}`))
		req.Header.Set("Accept", "application/json")
		req.RemoteAddr = ip + ":1"
		rec = httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != 404 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") || !strings.Contains(rec.Body.String(), `"code":"not_found"`) {
			t.Errorf("forged token, no Content-Type, Accept JSON: %d %q", rec.Code, rec.Header().Get("Content-Type"))
		}
		rd := e.readiness(id)
		if rd.Late != 2 || rd.Yes != 0 || rd.NoAnswer != 0 {
			t.Errorf("readiness %+v, want 2 late", rd)
		}
		if page := tagText(e.answerRequest("GET", g1, ip, "", "").Body.String()); !strings.Contains(page, "Your answer: Coming late, 45 min") {
			t.Errorf("the page does not show the last answer:\n%s", page)
		}

		// A forged, truncated or over-long token: 404 always, as JSON for
		// JSON and as the page otherwise; nothing changed.
		forged := forge(g1)
		for _, bad := range []string{forged, g1[:len(g1)-3], "/r/" + strings.Repeat("a", 200)} {
			wantPage(t, e.answerRequest("GET", bad, ip, "", ""), 404, "This answer link is not valid", "!Coming late")
			wantPage(t, e.answerRequest("POST", bad, ip, formType, "answer=no"), 404, "This answer link is not valid")
			rec = e.answerRequest("POST", bad, ip, jsonType, `{"answer":"no"}`)
			if rec.Code != 404 || !strings.Contains(rec.Body.String(), `"code":"not_found"`) || !strings.Contains(rec.Body.String(), "This answer link is not valid") ||
				rec.Header().Get("WWW-Authenticate") != "" {
				t.Errorf("bad token %s, JSON answer: %d %s", bad, rec.Code, rec.Body)
			}
		}
		if after := e.readiness(id); after.Late != 2 || after.No != 0 {
			t.Errorf("a forged token changed readiness: %+v", after)
		}

		// /metrics counts the writer's three stored answers.
		samples, err := checkExposition(e.answerRequest("GET", "/metrics", ip, "", "").Body.String())
		if err != nil {
			t.Fatal(err)
		}
		if samples["muster_answers_committed_total{}"] < 3 || samples["muster_answer_batches_total{}"] < 1 {
			t.Errorf("the metrics do not count the answers stored: %v answers in %v batches",
				samples["muster_answers_committed_total{}"], samples["muster_answer_batches_total{}"])
		}
	})
}

// TestAnswerAfterCheckIn checks that a member checked in cannot answer any
// more: 409 in JSON, the page saying so instead of the form, nothing
// changed.
func TestAnswerAfterCheckIn(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		id := e.createCallUp(callUpBody(set("channels", []string{"paper"})))
		g1 := e.responsePath(id, "G1")
		const ip = "198.51.100.8"
		if rec := e.answerRequest("POST", g1, ip, jsonType, `{"answer":"yes"}`); rec.Code != 200 {
			t.Fatalf("answer: %d %s", rec.Code, rec.Body)
		}
		if rec := e.api("POST", "/api/v1/callups/"+strconv.FormatInt(id, 10)+"/checkins", "clerk@TD", map[string]string{"service_number": "G1"}); rec.Code != 200 {
			t.Fatalf("check-in: %d %s", rec.Code, rec.Body)
		}
		rec := e.answerRequest("POST", g1, ip, jsonType, `{"answer":"no","reason":"changed my mind"}`)
		if rec.Code != 409 || !strings.Contains(rec.Body.String(), `"code":"conflict"`) || !strings.Contains(rec.Body.String(), "checked in") {
			t.Errorf("JSON answer after check-in: %d %s", rec.Code, rec.Body)
		}
		wantPage(t, e.answerRequest("POST", g1, ip, formType, "answer=no&reason=ill"), 409,
			"You are checked in", "Your answer can no longer change", "Exercise Winter Oak", "!Cannot come</button>", "!until you report", "!Your answer is recorded")
		wantPage(t, e.answerRequest("GET", g1, ip, "", ""), 200,
			"You are checked in", "Your answer can no longer change", "Coming</strong>", "!<form", "!until you report")
		if rd := e.readiness(id); rd.Yes != 1 || rd.No != 0 || rd.CheckedIn != 1 {
			t.Errorf("readiness %+v, want G1 still yes and checked in", rd)
		}
	})
}

func TestAnswerCrossOrigin(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		id := e.createCallUp(callUpBody(set("channels", []string{"paper"})))
		g1 := e.responsePath(id, "G1")
		req := httptest.NewRequest("POST", g1, strings.NewReader("answer=no"))
		req.Header.Set("Content-Type", formType)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("cross-site form POST: %d, want 403", rec.Code)
		}
		req = httptest.NewRequest("POST", g1, strings.NewReader("answer=yes"))
		req.Header.Set("Content-Type", formType)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		rec = httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Errorf("same-origin form POST: %d, want 200", rec.Code)
		}
		if rd := e.readiness(id); rd.Yes != 1 || rd.No != 0 {
			t.Errorf("readiness %+v, want one yes", rd)
		}
	})
}

// TestAnswerRateLimit: bad tokens count against the client's address and
// a flood of them gets 429; a good token is checked first and never
// limited, so that members sharing a proxy's address with a guesser still
// answer. The kit page shares the limit.
func TestAnswerRateLimit(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		e.s.Kits = db
		id := e.createCallUp(callUpBody(set("channels", []string{"paper"})))
		g1, b1 := e.responsePath(id, "G1"), e.responsePath(id, "B1")
		// Behind a TLS proxy every request comes from the proxy's address.
		const proxy = "203.0.113.9"
		for i := range answerBurst {
			if rec := e.answerRequest("GET", forge(g1), proxy, "", ""); rec.Code != 404 {
				t.Fatalf("guess %d: %d, want 404", i+1, rec.Code)
			}
		}
		// Over the limit, bad tokens wait; the message names the wait
		// that Retry-After gives: one refill.
		refill := strconv.Itoa(int(answerRefill / time.Second))
		wait := "Wait " + refill + " seconds and try again."
		rec := e.answerRequest("POST", forge(g1), proxy, jsonType, `{"answer":"yes"}`)
		if rec.Code != 429 || rec.Header().Get("Retry-After") != refill || !strings.Contains(rec.Body.String(), `"code":"rate_limited"`) ||
			!strings.Contains(rec.Body.String(), wait) {
			t.Errorf("over the limit, JSON: %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
		}
		page := e.answerRequest("GET", forge(g1), proxy, "", "")
		wantPage(t, page, 429, "Too many wrong answer links", wait)
		if page.Header().Get("Retry-After") != refill {
			t.Errorf("page over the limit: Retry-After %q, want %s", page.Header().Get("Retry-After"), refill)
		}
		for _, bad := range []string{"", strings.Repeat("a", maxTokenLen+1)} {
			if rec := e.answerRequest("GET", "/r/x"+bad, proxy, "", ""); rec.Code != 429 {
				t.Errorf("malformed token over the limit: %d, want 429", rec.Code)
			}
		}
		kit := e.answerRequest("GET", "/k/"+strings.Repeat("a", 26), proxy, "", "")
		if kit.Code != 429 || kit.Header().Get("Retry-After") != refill || !strings.Contains(kit.Body.String(), wait) {
			t.Errorf("kit page over the limit: %d %q\n%s", kit.Code, kit.Header().Get("Retry-After"), kit.Body)
		}
		// The members' good links, from the same address, are not limited,
		// and do not refill the guesser's allowance.
		if rec := e.answerRequest("GET", g1, proxy, "", ""); rec.Code != 200 {
			t.Errorf("good link over the limit, page: %d, want 200", rec.Code)
		}
		for range answerBurst + 2 {
			if rec := e.answerRequest("POST", g1, proxy, jsonType, `{"answer":"yes"}`); rec.Code != 200 {
				t.Fatalf("good link over the limit, JSON: %d %s", rec.Code, rec.Body)
			}
		}
		wantPage(t, e.answerRequest("POST", b1, proxy, formType, "answer=no&reason=ill"), 200, "Your answer is recorded")
		if rd := e.readiness(id); rd.Yes != 1 || rd.No != 1 {
			t.Errorf("readiness %+v, want G1 yes and B1 no", rd)
		}
		if rec := e.answerRequest("GET", forge(g1), proxy, "", ""); rec.Code != 429 {
			t.Errorf("bad token after good ones: %d, want 429", rec.Code)
		}
		// Time refills the allowance.
		now := sqldbtest.Now
		e.s.Now = func() time.Time { return now.Add(answerRefill) }
		if rec := e.answerRequest("GET", forge(g1), proxy, "", ""); rec.Code != 404 {
			t.Errorf("bad token after %v: %d, want 404", answerRefill, rec.Code)
		}
	})
}

// TestKitRateLimit: bad kit links count against the client's address; a
// good one is checked first and never limited.
func TestKitRateLimit(t *testing.T) {
	db := sqldbtest.Open(t, "sqlite")
	e := newCallUpEnv(t, db)
	e.s.Kits = db
	token, err := db.KitLink(sqldbtest.System(), "G1")
	if err != nil {
		t.Fatal(err)
	}
	const proxy = "203.0.113.9"
	for i := range answerBurst {
		if rec := e.answerRequest("GET", forge("/k/"+token), proxy, "", ""); rec.Code != 404 {
			t.Fatalf("guess %d: %d, want 404", i+1, rec.Code)
		}
	}
	if rec := e.answerRequest("POST", forge("/k/"+token), proxy, formType, "check=1"); rec.Code != 429 || rec.Header().Get("Retry-After") == "" {
		t.Errorf("bad kit link over the limit: %d %q, want 429 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	for range answerBurst + 2 {
		if rec := e.answerRequest("GET", "/k/"+token, proxy, "", ""); rec.Code != 200 {
			t.Fatalf("good kit link over the limit: %d\n%s", rec.Code, rec.Body)
		}
	}
}

func TestFailureLimiter(t *testing.T) {
	l := newFailureLimiter(2, time.Second)
	now := sqldbtest.Now
	for i := range 2 {
		if !l.allow("a", now) {
			t.Fatalf("try %d refused", i+1)
		}
		l.fail("a", now)
	}
	if l.allow("a", now) || !l.allow("b", now) {
		t.Fatal("the limit is not per address")
	}
	if l.allow("a", now.Add(999*time.Millisecond)) || !l.allow("a", now.Add(time.Second)) {
		t.Fatal("the allowance does not refill at one try per second")
	}
	if w := l.wait("a", now.Add(400*time.Millisecond)); w != 600*time.Millisecond {
		t.Fatalf("wait = %v, want 600ms", w)
	}
	if w := l.wait("b", now); w != 0 {
		t.Fatalf("wait of an address with tries = %v", w)
	}
	if !l.allow("a", now.Add(time.Hour)) {
		t.Fatal("no refill")
	}
	l.fail("a", now.Add(time.Hour))
	if !l.allow("a", now.Add(time.Hour)) {
		t.Fatal("the refill is not capped at the burst")
	}
}

func TestFailureLimiterBounded(t *testing.T) {
	l := newFailureLimiter(2, time.Hour)
	now := sqldbtest.Now
	for i := range maxLimiterEntries + 100 {
		l.fail(strconv.Itoa(i), now)
	}
	if n := len(l.buckets); n > maxLimiterEntries {
		t.Errorf("the limiter holds %d addresses, want at most %d", n, maxLimiterEntries)
	}
}
