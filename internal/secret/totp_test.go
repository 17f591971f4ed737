package secret

import (
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

func TestNewTOTP(t *testing.T) {
	sec, u, err := NewTOTP("ivanova")
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := parsed.Query()
	if parsed.Scheme != "otpauth" || parsed.Host != "totp" || q.Get("issuer") != "muster" || q.Get("secret") != sec {
		t.Fatalf("otpauth URL %s", u)
	}
	if !strings.Contains(parsed.Path, "ivanova") || len(sec) != 32 {
		t.Fatalf("URL %s, secret %q", u, sec)
	}
}

func TestCheckTOTP(t *testing.T) {
	sec, _, err := NewTOTP("ivanova")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 9, 30, 10, 0, time.UTC)
	code, err := totp.GenerateCode(sec, at)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		at   time.Time
		code string
		ok   bool
	}{
		{at, code, true},
		{at, code[:3] + " " + code[3:], true},
		{at.Add(-30 * time.Second), code, true}, // the server is a step behind
		{at.Add(30 * time.Second), code, true},  // a step ahead
		{at.Add(70 * time.Second), code, false}, // two steps ahead
		{at.Add(-60 * time.Second), code, false},
		{at, "", false},
		{at, "12345", false},
		{at, "abcdef", false},
	} {
		step, ok := CheckTOTP(sec, tc.code, tc.at)
		if ok != tc.ok {
			t.Errorf("CheckTOTP(%q at %s) = %v, want %v", tc.code, tc.at.Format(time.TimeOnly), ok, tc.ok)
		}
		if ok && step != at.Unix()/30 {
			t.Errorf("step = %d, want %d", step, at.Unix()/30)
		}
	}
}

// TestTOTPAgainstOathtool checks codes against OATH Toolkit's reference.
func TestTOTPAgainstOathtool(t *testing.T) {
	bin, err := exec.LookPath("oathtool")
	if err != nil {
		t.Skip("oathtool not installed")
	}
	sec, _, err := NewTOTP("ivanova")
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{
		time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC),
		time.Date(2031, 2, 28, 23, 59, 59, 0, time.UTC),
	} {
		out, err := exec.Command(bin, "--totp", "-b", "--now", at.Format("2006-01-02 15:04:05 UTC"), sec).Output()
		if err != nil {
			t.Fatalf("oathtool: %v", err)
		}
		code := strings.TrimSpace(string(out))
		if step, ok := CheckTOTP(sec, code, at); !ok || step != at.Unix()/30 {
			t.Fatalf("oathtool code %s at %s: step %d ok %v", code, at, step, ok)
		}
	}
}
