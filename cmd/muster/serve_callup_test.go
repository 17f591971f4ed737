package main

import (
	"encoding/csv"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServePublicURLFlag refuses a -public-url that cannot be the base of
// a response link, before touching the database.
func TestServePublicURLFlag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, bad := range []string{"muster.example", "ftp://muster.example", "https://", "https://muster.example/app", "https://muster.example/?x=1"} {
		r := runMuster(t, map[string]string{"MUSTER_DB": dir + "/muster.db"}, "", "serve", "-public-url", bad)
		if r.code != 2 || !strings.Contains(r.stderr, "-public-url must be") {
			t.Errorf("serve -public-url %q: exit %d, stderr %q; want 2", bad, r.code, r.stderr)
		}
	}
}

// TestServeCallUps runs a call-up through the real server: create it with
// an API token, fetch its notices, whose links start with -public-url, and
// answer on the member's page.
func TestServeCallUps(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "sqlite")
	h.ok("", "import", "units", testdata("units.csv"))
	h.ok("", "import", "members", testdata("members.csv"))
	token := strings.TrimSpace(h.ok("", "token", "create", "-role", "commander", "-unit", "TD"))
	srv, base := startServe(t, h.dir, "-db", h.dsn, "-public-url", "https://muster.example/")

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
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusCreated || loc == "" {
		t.Fatalf("POST /api/v1/callups: %d %q", resp.StatusCode, loc)
	}

	req, _ = http.NewRequest("GET", strings.TrimSuffix(base, "/")+loc+"/notices", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || len(rows) < 2 {
		t.Fatalf("notices: %d %v %v", resp.StatusCode, rows, err)
	}
	link := rows[1][3]
	path, ok := strings.CutPrefix(link, "https://muster.example/r/")
	if !ok {
		t.Fatalf("response link %q does not start with the public URL", link)
	}
	resp, err = http.Get(base + "r/" + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET the answer page: %d", resp.StatusCode)
	}
	resp, err = http.Post(base+"r/"+path, "application/json", strings.NewReader(`{"answer":"late","eta_minutes":20}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("POST an answer: %d", resp.StatusCode)
	}
	srv.signal(t, syscall.SIGTERM)
	if code := srv.wait(t); code != 0 {
		t.Errorf("serve exited %d\nstderr:\n%s", code, srv.stderr)
	}
}
