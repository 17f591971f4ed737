package main

import (
	"strings"
	"testing"
)

// TestUserContact sets a user's contact data from the command line, and
// refuses a phone that is not E.164, naming the field, changing nothing.
func TestUserContact(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "sqlite")
	h.ok("", "import", "units", testdata("units.csv"))
	h.ok("correct horse battery staple\n", "user", "create", "-login", "ivanov", "-role", "commander", "-unit", "GOM")
	out := h.ok("", "user", "contact", "-login", "ivanov", "-email", "ivanov@example.org", "-phone", "+375291234567")
	wantOut(t, "user contact", out, "user ivanov contact: e-mail \"ivanov@example.org\", phone \"+375291234567\"\n")
	r := h.run("", "user", "contact", "-login", "ivanov", "-phone", "80291234567")
	if r.code != 1 || !strings.Contains(r.stderr, "phone") {
		t.Errorf("bad phone: exit %d, stderr %q; want 1 naming the phone", r.code, r.stderr)
	}
	u, err := h.open().Authenticate(system(), "ivanov", "correct horse battery staple", "")
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "ivanov@example.org" || u.Phone != "+375291234567" {
		t.Errorf("contact after a refused change: %q, %q", u.Email, u.Phone)
	}
}
