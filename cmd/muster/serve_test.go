package main

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestServeStops starts serve as a process and stops it with SIGTERM and
// with SIGINT: it exits 0 each time.
func TestServeStops(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "muster.db")
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		srv, url := startServe(t, dir, "-db", db)
		if !strings.Contains(srv.stdout.String(), "muster is running at "+url+" (database "+db+")") {
			t.Errorf("serve printed %q", srv.stdout)
		}
		srv.signal(t, sig)
		if code := srv.wait(t); code != 0 {
			t.Errorf("serve exited %d after %v, want 0\nstderr:\n%s", code, sig, srv.stderr)
		}
	}
}

// demoAccessOut matches what serve -demo prints: the URL, the staff logins
// (login, role, unit, password) and the admin API token.
var demoAccessOut = regexp.MustCompile(`(?s)muster is running at (http://\S+/)\n` +
	`staff logins \(password\):\n((?:  \S+ +\S+ +\S+ +\S+\n)+)admin API token: (mst_\S+)\n`)

// TestServeDemo starts serve -demo on an empty database: it prints the
// URL, the staff logins and an admin token that sees the whole demo force
// through the API; the logins sign in. On a database that holds a force it
// builds nothing and says so.
func TestServeDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "muster.db")
	srv := startChild(t, dir, nil, nil, "serve", "-addr", "127.0.0.1:0", "-db", db, "-demo", "-demo-members", "2000")
	m := srv.waitStdout(t, demoAccessOut)
	url, staff, token := m[1], lines(m[2]), m[3]
	if n := memberTotal(t, url, token); n != 2000 {
		t.Errorf("the admin token sees %d members, want 2000", n)
	}
	if len(staff) < 2 {
		t.Errorf("serve -demo printed %d staff logins, want some:\n%s", len(staff), srv.stdout)
	}
	srv.signal(t, syscall.SIGTERM)
	if code := srv.wait(t); code != 0 {
		t.Fatalf("serve exited %d after SIGTERM, want 0\nstderr:\n%s", code, srv.stderr)
	}

	h := &harness{t: t, dsn: db, dir: dir}
	store := h.open()
	for _, l := range staff {
		f := strings.Fields(l) // login, role, unit, password
		if u, err := store.Authenticate(system(), f[0], f[3], ""); err != nil || string(u.Role) != f[1] || u.Unit != f[2] {
			t.Errorf("sign in as %s with the printed password: %+v, %v", l, u, err)
		}
	}
	before := h.snapshot()

	srv, url = startServe(t, dir, "-db", db, "-demo", "-demo-members", "10")
	if !strings.Contains(srv.stderr.String(), "already holds a force") || strings.Contains(srv.stdout.String(), "token") {
		t.Errorf("serve -demo on a full database printed\n%s\nand\n%s", srv.stdout, srv.stderr)
	}
	if n := memberTotal(t, url, token); n != 2000 {
		t.Errorf("after a second serve -demo the admin token sees %d members, want 2000", n)
	}
	srv.signal(t, syscall.SIGTERM)
	srv.wait(t)
	if after := h.snapshot(); after != before {
		t.Errorf("a second serve -demo changed the force:\n%s", diffLines(before, after))
	}
}

// TestServeTLSProxy: with an https -public-url, serve sends
// Strict-Transport-Security on every response, and warns at start when
// -insecure-cookies is given too; with plain http it does neither.
func TestServeTLSProxy(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "muster.db")
	const warning = "-insecure-cookies with an https -public-url"
	for _, c := range []struct {
		args []string
		hsts string
		warn bool
	}{
		{[]string{"-public-url", "https://muster.example", "-insecure-cookies"}, "max-age=31536000", true},
		{[]string{"-public-url", "https://muster.example"}, "max-age=31536000", false},
		{[]string{"-insecure-cookies"}, "", false},
	} {
		srv, url := startServe(t, dir, append([]string{"-db", db}, c.args...)...)
		for _, path := range []string{"healthz", "login"} {
			resp, err := http.Get(url + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Strict-Transport-Security"); got != c.hsts {
				t.Errorf("serve %v: GET /%s: Strict-Transport-Security %q, want %q", c.args, path, got, c.hsts)
			}
		}
		srv.signal(t, syscall.SIGTERM)
		srv.wait(t)
		if got := strings.Contains(srv.stderr.String(), warning); got != c.warn {
			t.Errorf("serve %v: warned %v, want %v\nstderr:\n%s", c.args, got, c.warn, srv.stderr)
		}
	}
}
