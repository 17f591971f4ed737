package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/muster-force/muster/internal/notify/smpptest"
)

// TestServeSendsSMSOverSMPP runs serve with -smpp against the SMS centre
// simulator: a call-up over SMS reaches it once per active member with a
// phone, with a response link; a bad password stops serve with the
// centre's reason; -smpp with -sms-gateway is a usage error.
func TestServeSendsSMSOverSMPP(t *testing.T) {
	t.Parallel()
	smsc := smpptest.Start(t)
	h := newHarness(t, "sqlite")
	h.ok("", "import", "units", testdata("units.csv"))
	h.ok("", "import", "members", testdata("members.csv"))
	token := strings.TrimSpace(h.ok("", "token", "create", "-role", "commander", "-unit", "TD"))

	both := h.run("", "serve", "-addr", "127.0.0.1:0", "-sms-gateway", "http://127.0.0.1:1/", "-smpp", smsc.Addr, "-smpp-system-id", "muster")
	if both.code != 2 || !strings.Contains(both.stderr, "-sms-gateway and -smpp both send SMS") {
		t.Errorf("-sms-gateway with -smpp: exit %d, stderr %q", both.code, both.stderr)
	}
	bad := startChild(t, h.dir, []string{"MUSTER_SMPP_PASSWORD=wrong"}, nil,
		"serve", "-addr", "127.0.0.1:0", "-db", h.dsn, "-smpp", smsc.Addr, "-smpp-system-id", "muster")
	if code := bad.wait(t); code != 1 || !strings.Contains(bad.stderr.String(), "ESME_RINVPASWD (invalid password)") ||
		strings.Contains(bad.stderr.String(), "wrong") {
		t.Errorf("a bad SMPP password: exit %d, stderr %q", code, bad.stderr)
	}

	c := startChild(t, h.dir, []string{"MUSTER_SMPP_PASSWORD=secret"}, nil, "serve", "-addr", "127.0.0.1:0", "-db", h.dsn,
		"-public-url", "https://muster.example", "-smpp", smsc.Addr, "-smpp-system-id", "muster", "-smpp-source", "MUSTER")
	base := c.waitStdout(t, runningAt)[1]
	body := `{"title":"Flood","kind":"emergency","unit":"TD","filter":{"status":["active"],"qualifications":[]},` +
		`"message":"Report now.","assembly_point":"Depot","report_by":"` + time.Now().Add(3*time.Hour).UTC().Format(time.RFC3339) +
		`","channels":["sms"]}`
	req, _ := http.NewRequest("POST", base+"api/v1/callups", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ ID, Targeted int }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create call-up: %d %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	// testdata/members.csv: three active members, two of them with a phone.
	eventually(t, "the SMS centre to take a text per member with a phone", func() bool { return len(smsc.Messages()) >= 2 })
	eventually(t, "both receipts to be taken", func() bool {
		taken := 0
		for _, e := range smsc.Events("receipt") {
			if e.Status == 0 {
				taken++
			}
		}
		return taken == 2
	})
	got := smsc.Messages()
	if len(got) != 2 || got[0].To == got[1].To {
		t.Fatalf("%d texts, want one to each of 2 members: %+v", len(got), got)
	}
	for _, m := range got {
		if !strings.Contains(m.Text, "https://muster.example/r/") || m.RegisteredDelivery != 1 {
			t.Errorf("text without a response link or a receipt: %+v", m)
		}
	}
	var rd struct{ Delivered int }
	if code := apiGet(t, base+"api/v1/callups/"+strconv.Itoa(out.ID)+"/readiness", token, &rd); code != 200 || rd.Delivered != 2 {
		t.Errorf("readiness %d %+v, want 2 delivered by receipt", code, rd)
	}
	c.signal(t, syscall.SIGTERM)
	if code := c.wait(t); code != 0 {
		t.Errorf("serve exited %d\nstderr:\n%s", code, c.stderr)
	}
}
