package main

import (
	"strings"
	"testing"

	"github.com/muster-force/muster"
)

// TestUserPassword sets a user's password from stdin: the old one stops
// working, the audit entry holds no secret, and bad input changes nothing
// with the exit status of the other commands.
func TestUserPassword(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "sqlite")
	h.ok("", "import", "units", testdata("units.csv"))
	const old, next = "correct horse battery staple", "a brand new password"
	h.ok(old+"\n", "user", "create", "-login", "ivanov", "-role", "commander", "-unit", "GOM")

	for _, c := range []struct {
		name, stdin string
		args        []string
		code        int
		stderr      string
	}{
		{"missing LOGIN", next + "\n", nil, 2, "muster user password: missing LOGIN\nusage: muster user password [-db DB] LOGIN"},
		{"no password", "", []string{"ivanov"}, 1, "no password on standard input"},
		{"short password", "too short\n", []string{"ivanov"}, 1, "at least 12 characters"},
		{"unknown login", next + "\n", []string{"nobody"}, 1, "User nobody does not exist."},
	} {
		r := h.run(c.stdin, append([]string{"user", "password"}, c.args...)...)
		if r.code != c.code || !strings.Contains(r.stderr, c.stderr) {
			t.Errorf("%s: exit %d, stderr %q; want %d with %q", c.name, r.code, r.stderr, c.code, c.stderr)
		}
	}
	if _, err := h.open().Authenticate(system(), "ivanov", old, ""); err != nil {
		t.Fatalf("refused changes changed the password: %v", err)
	}

	out := h.ok(next+"\n", "user", "password", "ivanov")
	wantOut(t, "user password", out, "user ivanov: password changed, sessions ended\n")
	db := h.open()
	if _, err := db.Authenticate(system(), "ivanov", old, ""); muster.ErrorCode(err) != muster.EUNAUTHORIZED {
		t.Errorf("the old password: %v, want unauthorized", err)
	}
	if _, err := db.Authenticate(system(), "ivanov", next, ""); err != nil {
		t.Errorf("the new password: %v", err)
	}
	entries, err := db.FindAuditEntries(system(), muster.AuditFilter{Entity: "user", Key: "ivanov"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 || entries[0].Action != "user.password" || entries[0].Actor != "system:cli:test" ||
		strings.Contains(string(entries[0].After), next) {
		t.Errorf("audit entries %+v", entries)
	}
}
