package main

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/csv"
	"io"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServePushSubjectFlag refuses a -push-subject that is not a contact
// RFC 8292 allows.
func TestServePushSubjectFlag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, bad := range []string{"ops@force.example", "mailto:", "http://force.example", "https://"} {
		r := runMuster(t, map[string]string{"MUSTER_DB": dir + "/muster.db"}, "", "serve", "-addr", "127.0.0.1:0",
			"-public-url", "https://muster.example", "-push-subject", bad)
		if r.code != 2 || !strings.Contains(r.stderr, "-push-subject") {
			t.Errorf("serve -push-subject %q: exit %d, stderr %q; want 2", bad, r.code, r.stderr)
		}
	}
}

// TestServePush runs serve with a public URL, which turns web push on: the
// answer page offers alerts with the VAPID key, a browser's subscription
// is taken, and the key is the same after a restart.
func TestServePush(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "sqlite")
	h.ok("", "import", "units", testdata("units.csv"))
	h.ok("", "import", "members", testdata("members.csv"))
	token := strings.TrimSpace(h.ok("", "token", "create", "-role", "commander", "-unit", "TD"))
	args := []string{"-db", h.dsn, "-public-url", "https://muster.example", "-push-subject", "mailto:ops@force.example"}
	srv, base := startServe(t, h.dir, args...)

	body := `{"title":"Winter Oak","kind":"exercise","unit":"TD","filter":{"status":["active"],"qualifications":[]},` +
		`"message":"Report with kit.","assembly_point":"Barracks","report_by":"` + time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339) +
		`","channels":["paper"],"drill":true}`
	req, _ := http.NewRequest("POST", base+"api/v1/callups", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req, _ = http.NewRequest("GET", strings.TrimSuffix(base, "/")+resp.Header.Get("Location")+"/notices", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	if err != nil || len(rows) < 2 {
		t.Fatalf("notices: %d %v %v", resp.StatusCode, rows, err)
	}
	page := base + "r/" + strings.TrimPrefix(rows[1][3], "https://muster.example/r/")
	pushKey := func() string {
		t.Helper()
		resp, err := http.Get(page)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := regexp.MustCompile(`data-key="([A-Za-z0-9_-]{87})"`).FindSubmatch(b)
		if resp.StatusCode != 200 || m == nil || !strings.Contains(string(b), "/static/push.js") {
			t.Fatalf("answer page %d offers no push:\n%s", resp.StatusCode, b)
		}
		return string(m[1])
	}
	key := pushKey()

	k, _ := ecdh.P256().GenerateKey(rand.Reader)
	enc := base64.RawURLEncoding
	sub := `{"endpoint":"https://push.example/send/1","expirationTime":null,"keys":{"p256dh":"` +
		enc.EncodeToString(k.PublicKey().Bytes()) + `","auth":"` + enc.EncodeToString(make([]byte, 16)) + `"}}`
	resp, err = http.Post(page+"/push", "application/json", strings.NewReader(sub))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("subscribe: %d", resp.StatusCode)
	}

	srv.signal(t, syscall.SIGTERM)
	if code := srv.wait(t); code != 0 {
		t.Fatalf("serve exited %d\nstderr:\n%s", code, srv.stderr)
	}
	srv, base = startServe(t, h.dir, args...)
	page = base + page[strings.Index(page, "r/"):]
	if again := pushKey(); again != key {
		t.Errorf("the VAPID key changed with a restart: %s, then %s", key, again)
	}
	srv.signal(t, syscall.SIGTERM)
	srv.wait(t)
}
