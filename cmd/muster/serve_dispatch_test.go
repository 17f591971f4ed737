package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestServeDispatchesSMS runs the dispatcher inside serve: a real call-up
// over SMS reaches a recording HTTP gateway once per active member with a
// phone, each text carrying a response link under -public-url; a drill
// reaches nobody outside muster. The texts give the report-by time in the
// server's time zone (TZ), as the web pages do.
func TestServeDispatchesSMS(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var texts []string
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var msg struct{ To, Text string }
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &msg); err != nil || r.Header.Get("Authorization") != "Bearer sms-secret" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		mu.Lock()
		texts = append(texts, msg.Text)
		n := len(texts)
		mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"id": "gw-" + strings.Repeat("x", n)})
	}))
	defer gateway.Close()
	sent := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), texts...)
	}

	h := newHarness(t, "sqlite")
	h.ok("", "import", "units", testdata("units.csv"))
	h.ok("", "import", "members", testdata("members.csv"))
	token := strings.TrimSpace(h.ok("", "token", "create", "-role", "commander", "-unit", "TD"))
	minsk, err := time.LoadLocation("Europe/Minsk")
	if err != nil {
		t.Fatal(err) // Debian's tzdata, which postgresql depends on
	}
	reportBy := time.Now().Add(3 * time.Hour).Truncate(time.Minute)
	c := startChild(t, h.dir, []string{"MUSTER_SMS_KEY=sms-secret", "TZ=Europe/Minsk"}, nil,
		"serve", "-addr", "127.0.0.1:0", "-db", h.dsn, "-public-url", "https://muster.example", "-sms-gateway", gateway.URL)
	base := c.waitStdout(t, runningAt)[1]

	create := func(drill bool) int {
		body := `{"title":"Flood","kind":"emergency","unit":"TD","filter":{"status":["active"],"qualifications":[]},` +
			`"message":"Report now.","assembly_point":"Depot","report_by":"` + reportBy.UTC().Format(time.RFC3339) +
			`","channels":["sms"],"drill":` + map[bool]string{true: "true", false: "false"}[drill] + `}`
		req, _ := http.NewRequest("POST", base+"api/v1/callups", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ Targeted int }
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("create call-up: %d %v", resp.StatusCode, err)
		}
		return out.Targeted
	}

	create(true)
	time.Sleep(1500 * time.Millisecond) // the dispatcher polls every second
	if got := sent(); len(got) != 0 {
		t.Fatalf("a drill reached the SMS gateway: %q", got)
	}
	// testdata/members.csv: three active members, two of them with a phone.
	if targeted := create(false); targeted != 3 {
		t.Fatalf("targeted %d, want the 3 active members", targeted)
	}
	eventually(t, "the SMS gateway to receive a text per member with a phone", func() bool { return len(sent()) >= 2 })
	time.Sleep(1500 * time.Millisecond) // time enough for a duplicate to show
	got := sent()
	if len(got) != 2 {
		t.Fatalf("%d texts, want 2 (one per active member with a phone): %q", len(got), got)
	}
	for _, text := range got {
		if !strings.Contains(text, "https://muster.example/r/") {
			t.Errorf("text without a response link: %q", text)
		}
		if local := "by " + reportBy.In(minsk).Format("02.01 15:04"); !strings.Contains(text, local) {
			t.Errorf("text %q does not say %q, the report-by time in Minsk", text, local)
		}
	}
	c.signal(t, syscall.SIGTERM)
	if code := c.wait(t); code != 0 {
		t.Errorf("serve exited %d", code)
	}
}
