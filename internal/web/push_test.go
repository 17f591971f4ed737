package web

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/muster-force/muster/internal/notify"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// browserSubscription is a PushSubscription.toJSON() as a browser makes it.
func browserSubscription(t *testing.T, endpoint string) map[string]any {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	enc := base64.RawURLEncoding
	return map[string]any{"endpoint": endpoint, "expirationTime": nil,
		"keys": map[string]string{"p256dh": enc.EncodeToString(k.PublicKey().Bytes()), "auth": enc.EncodeToString(auth)}}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// pushCount returns how many subscriptions the member has.
func pushCount(t *testing.T, db *sqldb.DB, serviceNumber string) int {
	t.Helper()
	m, err := db.FindMember(sqldbtest.System(), serviceNumber)
	if err != nil {
		t.Fatal(err)
	}
	subs, err := db.PushSubscriptions(context.Background(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	return len(subs)
}

func TestPushSubscribe(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		id := e.createCallUp(callUpBody(set("channels", []string{"paper"}), set("drill", false)))
		g1 := e.responsePath(id, "G1")
		const ip = "198.51.100.8"

		// Push off: no script on the page, and the endpoint is not there.
		if rec := e.answerRequest("GET", g1, ip, "", ""); strings.Contains(rec.Body.String(), "<script") {
			t.Errorf("the answer page has a script with push off")
		}
		good := jsonOf(t, browserSubscription(t, "https://push.example/send/abc"))
		if rec := e.answerRequest("POST", g1+"/push", ip, jsonType, good); rec.Code != 404 {
			t.Errorf("subscribe with push off: %d %s, want 404", rec.Code, rec.Body)
		}

		key, err := db.VAPIDKey(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		e.s.Push = db
		if e.s.PushKey, err = notify.VAPIDPublicKey(key); err != nil {
			t.Fatal(err)
		}
		rec := e.answerRequest("GET", g1, ip, "", "")
		page := rec.Body.String()
		wantPage(t, rec, 200, "Coming", "Alert me on this phone")
		if !strings.Contains(page, `data-key="`+e.s.PushKey+`"`) || !strings.Contains(page, `id="push"`) || !strings.Contains(page, " hidden>") {
			t.Errorf("the page does not carry the VAPID key in a hidden push box:\n%s", page)
		}
		total := len(page)
		for _, pattern := range []string{`src="(/static/push\.js\?v=\w+)"`, `data-sw="(/static/push-sw\.js\?v=\w+)"`, `href="(/static/answer\.css\?v=\w+)"`} {
			f := e.answerRequest("GET", regexpFind(t, page, pattern), ip, "", "")
			if f.Code != 200 || f.Body.Len() == 0 {
				t.Errorf("%s: %d", pattern, f.Code)
			}
			total += f.Body.Len()
		}
		if len(page) >= 8<<10 || total >= 16<<10 {
			t.Errorf("the answer page weighs %d bytes, %d with its style and scripts; want under 8 KB and 16 KB", len(page), total)
		}
		t.Logf("answer page with push: %d bytes, %d with its style and scripts", len(page), total)

		bad := func(mutate func(m map[string]any)) string {
			m := browserSubscription(t, "https://push.example/send/bad")
			mutate(m)
			return jsonOf(t, m)
		}
		keys := func(m map[string]any) map[string]string { return m["keys"].(map[string]string) }
		for _, c := range []struct {
			name, path, body string
			status           int
			contains         string
		}{
			{"not JSON", g1 + "/push", "endpoint=x", 400, `"code":"invalid"`},
			{"unknown field", g1 + "/push", bad(func(m map[string]any) { m["extra"] = 1 }), 400, `"field":"extra"`},
			{"http endpoint", g1 + "/push", bad(func(m map[string]any) { m["endpoint"] = "http://push.example/x" }), 400, `"field":"endpoint"`},
			{"no endpoint", g1 + "/push", bad(func(m map[string]any) { delete(m, "endpoint") }), 400, `"field":"endpoint"`},
			{"short p256dh", g1 + "/push", bad(func(m map[string]any) { keys(m)["p256dh"] = keys(m)["p256dh"][:40] }), 400, `"field":"keys.p256dh"`},
			{"auth not base64url", g1 + "/push", bad(func(m map[string]any) { keys(m)["auth"] = "no+such/key" }), 400, `"field":"keys.auth"`},
			{"forged token", forge(g1) + "/push", good, 404, `"code":"not_found"`},
		} {
			rec := e.answerRequest("POST", c.path, ip, jsonType, c.body)
			if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.contains) {
				t.Errorf("%s: %d %s, want %d with %s", c.name, rec.Code, rec.Body, c.status, c.contains)
			}
		}
		if n := pushCount(t, db, "G1"); n != 0 {
			t.Fatalf("G1 has %d subscriptions after bad requests, want none", n)
		}

		if rec := e.answerRequest("POST", g1+"/push", ip, jsonType, good); rec.Code != 201 || !strings.Contains(rec.Body.String(), `"endpoint":"https://push.example/send/abc"`) {
			t.Fatalf("subscribe: %d %s", rec.Code, rec.Body)
		}
		if n := pushCount(t, db, "G1"); n != 1 {
			t.Errorf("G1 has %d subscriptions, want 1", n)
		}
		// A cross-site POST is refused before it reaches the service.
		cross := httptest.NewRequest("POST", g1+"/push", strings.NewReader(good))
		cross.Header.Set("Content-Type", jsonType)
		cross.Header.Set("Sec-Fetch-Site", "cross-site")
		rec = httptest.NewRecorder()
		e.h.ServeHTTP(rec, cross)
		if rec.Code != http.StatusForbidden {
			t.Errorf("cross-site subscribe: %d, want 403", rec.Code)
		}
		unsubscribe := `{"endpoint":"https://push.example/send/abc"}`
		if rec := e.answerRequest("DELETE", g1+"/push", ip, jsonType, unsubscribe); rec.Code != 204 {
			t.Errorf("unsubscribe: %d %s", rec.Code, rec.Body)
		}
		if n := pushCount(t, db, "G1"); n != 0 {
			t.Errorf("G1 has %d subscriptions after unsubscribing, want none", n)
		}

		// Forged tokens count against the client like wrong answer links.
		const guesser = "203.0.113.9"
		for range answerBurst {
			e.answerRequest("POST", forge(g1)+"/push", guesser, jsonType, good)
		}
		if rec := e.answerRequest("POST", forge(g1)+"/push", guesser, jsonType, good); rec.Code != 429 || rec.Header().Get("Retry-After") == "" {
			t.Errorf("forged token after %d more: %d, want 429 with Retry-After", answerBurst, rec.Code)
		}
		// A good token is never limited.
		if rec := e.answerRequest("POST", g1+"/push", guesser, jsonType, good); rec.Code != 201 {
			t.Errorf("subscribe with a good token from the guesser's address: %d, want 201", rec.Code)
		}
	})
}
