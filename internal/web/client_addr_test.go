package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestClientAddr: the peer's address, unless the peer is a trusted proxy;
// then the rightmost forwarded address that is not a trusted proxy. What
// a client writes into X-Forwarded-For itself never counts.
func TestClientAddr(t *testing.T) {
	trusted, err := ParseTrustedProxies("127.0.0.1, 10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, peer string
		forwarded  []string
		trusted    bool
		want       string
	}{
		{"no proxy trusted", "127.0.0.1:5000", []string{"203.0.113.9"}, false, "127.0.0.1"},
		{"a client's own header", "198.51.100.7:5000", []string{"203.0.113.9"}, true, "198.51.100.7"},
		{"through the proxy", "127.0.0.1:5000", []string{"203.0.113.9"}, true, "203.0.113.9"},
		{"a spoofed hop left of the real one", "127.0.0.1:5000", []string{"1.2.3.4, 203.0.113.9"}, true, "203.0.113.9"},
		{"two trusted proxies", "127.0.0.1:5000", []string{"203.0.113.9, 10.1.2.3"}, true, "203.0.113.9"},
		{"headers joined", "127.0.0.1:5000", []string{"1.2.3.4", "203.0.113.9"}, true, "203.0.113.9"},
		{"IPv6 client", "127.0.0.1:5000", []string{"2001:db8::1"}, true, "2001:db8::1"},
		{"IPv4-mapped proxy", "[::ffff:127.0.0.1]:5000", []string{"203.0.113.9"}, true, "203.0.113.9"},
		{"no header", "127.0.0.1:5000", nil, true, "127.0.0.1"},
		{"a malformed hop", "127.0.0.1:5000", []string{"203.0.113.9, unknown"}, true, "127.0.0.1"},
		{"only proxies", "127.0.0.1:5000", []string{"10.0.0.1"}, true, "127.0.0.1"},
	} {
		s := &Server{}
		if tc.trusted {
			s.TrustedProxies = trusted
		}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = tc.peer
		for _, v := range tc.forwarded {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := s.clientAddr(r); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	for _, bad := range []string{"localhost", "10.0.0.0/33", "300.1.1.1"} {
		if _, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("ParseTrustedProxies(%q) took it", bad)
		}
	}
}

// TestLoginRateLimitBehindProxy: behind a trusted proxy the limit of
// failed sign-ins counts each client, not the proxy: a client that sprays
// guesses is stopped, and staff signing in through the same proxy are not.
func TestLoginRateLimitBehindProxy(t *testing.T) {
	e := newUIEnv(t, sqldbtest.Open(t, "sqlite"))
	e.addUser("ivanova", muster.RoleClerk, "GOM")
	e.s.TrustedProxies, _ = ParseTrustedProxies("127.0.0.1")
	login := func(client, login string) int {
		form := url.Values{"login": {login}, "password": {uiPassword}}
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", client)
		req.RemoteAddr = "127.0.0.1:40000"
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		return rec.Code
	}
	for i := range loginBurst {
		if code := login("203.0.113.9", "guess"+strconv.Itoa(i)); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d, want 401", i+1, code)
		}
	}
	if code := login("203.0.113.9", "ivanova"); code != http.StatusTooManyRequests {
		t.Errorf("the sprayer after %d failures: %d, want 429", loginBurst, code)
	}
	if code := login("198.51.100.20", "ivanova"); code != http.StatusSeeOther {
		t.Errorf("staff through the same proxy: %d, want 303", code)
	}
}
