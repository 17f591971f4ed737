package main

import (
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // to read what PostgreSQL holds, not through muster

	"github.com/muster-force/muster/internal/demo"
)

// crashAnswerMembers is the size of the force whose answers the crash test
// storms; fewer than the answers sent, so that members answer again and
// later answers supersede earlier ones.
const crashAnswerMembers = 300

// crashAfterAnswers is how many 200s the storm waits for before muster is
// killed in its middle.
const crashAfterAnswers = 1500

// TestAnswerCrashSafety storms `muster serve` with answers from many
// clients at once and kills it with SIGKILL in the middle of the storm,
// on SQLite and on PostgreSQL. Every answer that got a 200 must be stored,
// exactly once, and each member's current answer must be the last one
// stored for the member: muster says 200 only after the commit.
func TestAnswerCrashSafety(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, dialect)
			h.ok("", "demo", "-members", fmt.Sprint(crashAnswerMembers))
			root := demo.Force(1).Units[0].Code
			admin := strings.TrimSpace(h.ok("", "token", "create", "-role", "admin", "-unit", root))
			srv, base := startServe(t, h.dir, "-db", h.dsn)
			id, paths := callUpForStorm(t, base, admin, root)

			acked := stormUntilKilled(t, srv, base, paths)
			t.Logf("%d answers acknowledged before SIGKILL", len(acked))
			if dialect == "sqlite" {
				checkSQLite(t, h.dsn)
			}
			checkAnswersStored(t, h.dsn, id, acked)

			// And muster starts again on what the crash left.
			_, base = startServe(t, h.dir, "-db", h.dsn)
			var rd struct{ Yes, Late, No int }
			if code := apiGet(t, fmt.Sprintf("%sapi/v1/callups/%d/readiness", base, id), admin, &rd); code != http.StatusOK {
				t.Fatalf("GET readiness after the restart: %d", code)
			}
			if rd.Yes != 0 || rd.Late+rd.No == 0 {
				t.Errorf("readiness after the restart: %+v, want late and no answers only", rd)
			}
		})
	}
}

// callUpForStorm creates a drill call-up of every member under unit and
// returns its id and each member's response path, r/TOKEN.
func callUpForStorm(t *testing.T, base, token, unit string) (int64, []string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"title": "Storm", "kind": "exercise", "unit": unit, "message": "Answer.", "assembly_point": "Barracks",
		"report_by": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339), "drill": true, "channels": []string{"paper"},
		"filter": map[string]any{"status": []string{"applicant", "active", "reserve", "inactive", "discharged"}, "qualifications": []string{}},
	})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"api/v1/callups", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ ID int64 }
	err = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || err != nil {
		t.Fatalf("POST /api/v1/callups: %d %v", resp.StatusCode, err)
	}
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodGet, fmt.Sprintf("%sapi/v1/callups/%d/notices", base, created.ID), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || len(rows) != crashAnswerMembers+1 {
		t.Fatalf("notices: %d, %d rows, %v; want %d members", resp.StatusCode, len(rows)-1, err, crashAnswerMembers)
	}
	var paths []string
	for _, r := range rows[1:] {
		_, token, ok := strings.Cut(r[3], "/r/")
		if !ok {
			t.Fatalf("notice link %q", r[3])
		}
		paths = append(paths, "r/"+token)
	}
	return created.ID, paths
}

// stormAnswer is one answer the storm sent: the reason makes it unique.
type stormAnswer struct {
	member int // index into the paths
	answer string
	reason string
}

// stormUntilKilled sends answers from 32 clients at once, request i for
// member i mod len(paths), late or no with the reason "request i", kills
// srv with SIGKILL once crashAfterAnswers have had a 200, and returns the
// answers that had a 200.
func stormUntilKilled(t *testing.T, srv *child, base string, paths []string) []stormAnswer {
	t.Helper()
	var next, oks atomic.Int64
	var mu sync.Mutex // protects acked
	var acked []stormAnswer
	killed := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}, Timeout: patience}
	for range 32 {
		wg.Go(func() {
			for !srv.exited() {
				i := int(next.Add(1))
				a := stormAnswer{member: i % len(paths), answer: "no", reason: fmt.Sprintf("request %d", i)}
				body := fmt.Sprintf(`{"answer":"no","reason":%q}`, a.reason)
				if i%2 == 0 {
					a.answer = "late"
					body = fmt.Sprintf(`{"answer":"late","eta_minutes":%d,"reason":%q}`, 1+i%2880, a.reason)
				}
				resp, err := client.Post(base+paths[a.member], "application/json", strings.NewReader(body))
				if err != nil {
					continue // muster is gone: the answer may or may not be stored
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					continue
				}
				mu.Lock()
				acked = append(acked, a)
				mu.Unlock()
				if oks.Add(1) == crashAfterAnswers {
					close(killed)
				}
			}
		})
	}
	select {
	case <-killed:
		srv.signal(t, syscall.SIGKILL)
	case <-time.After(patience):
		srv.signal(t, syscall.SIGKILL)
		wg.Wait()
		t.Fatalf("only %d answers had a 200 before the deadline\nstderr:\n%s", oks.Load(), srv.stderr)
	}
	wg.Wait()
	if ws := srv.state.Sys().(syscall.WaitStatus); !ws.Signaled() {
		t.Fatalf("muster serve ended (exit %d) before it was killed\nstderr:\n%s", ws.ExitStatus(), srv.stderr)
	}
	return acked
}

// checkAnswersStored opens the database directly and checks that every
// acknowledged answer is in callup_answers, that no answer is stored
// twice, and that each member's current answer is the member's last one
// stored.
func checkAnswersStored(t *testing.T, dsn string, callupID int64, acked []stormAnswer) {
	t.Helper()
	driver, source := "sqlite3", "file:"+dsn
	if strings.HasPrefix(dsn, "postgres") {
		driver, source = "pgx", dsn
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stored := map[string]int{}    // reason → times stored
	last := map[int64]string{}    // member id → reason of the last answer stored
	answer := map[string]string{} // reason → answer kind
	rows, err := db.Query(`SELECT member_id, answer, reason FROM callup_answers WHERE callup_id = $1 ORDER BY id`, callupID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var member int64
		var kind, reason string
		if err := rows.Scan(&member, &kind, &reason); err != nil {
			t.Fatal(err)
		}
		stored[reason]++
		last[member], answer[reason] = reason, kind
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for reason, n := range stored {
		if n != 1 {
			t.Errorf("the answer %q is stored %d times", reason, n)
		}
	}
	lost := 0
	for _, a := range acked {
		if stored[a.reason] == 0 {
			if lost++; lost <= 5 {
				t.Errorf("the answer %q of member %d had a 200 but is not stored", a.reason, a.member)
			}
		} else if answer[a.reason] != a.answer {
			t.Errorf("the answer %q is stored as %q, want %q", a.reason, answer[a.reason], a.answer)
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged answers are lost", lost, len(acked))
	}
	if len(stored) < len(acked) {
		t.Errorf("%d answers stored, fewer than the %d acknowledged", len(stored), len(acked))
	}
	rows, err = db.Query(`SELECT member_id, answer, reason FROM callup_members WHERE callup_id = $1`, callupID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var member int64
		var kind, reason string
		if err := rows.Scan(&member, &kind, &reason); err != nil {
			t.Fatal(err)
		}
		if want := last[member]; reason != want || kind != answer[want] {
			t.Errorf("member %d's current answer is %s %q, want the last stored, %s %q", member, kind, reason, answer[want], want)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
