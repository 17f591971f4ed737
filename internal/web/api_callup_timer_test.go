package web

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// failedTimerStore is the real store whose call-ups show one given-up
// re-alert: how the storage gives a timer up is tested in sqldb
// (TestTimerFailureBacksOffAndGivesUp); here, how the API and the page
// show it.
type failedTimerStore struct{ muster.CallUpService }

func (s failedTimerStore) FindCallUp(ctx context.Context, id int64) (*muster.CallUp, error) {
	c, err := s.CallUpService.FindCallUp(ctx, id)
	if err != nil {
		return nil, err
	}
	done := sqldbtest.Now.Add(2 * time.Hour)
	c.EscalationStatus = append(c.EscalationStatus, muster.EscalationTimer{Kind: "realert", DueAt: sqldbtest.Now.Add(time.Hour),
		State: muster.TimerFailed, Attempts: 8, Error: "Unit BRE-PIN not found.", DoneAt: &done})
	return c, nil
}

func TestCallUpShowsFailedTimer(t *testing.T) {
	e := newCallUpEnv(t, sqldbtest.Open(t, "sqlite"))
	id := e.createCallUp(callUpBody(set("channels", []string{"paper"}),
		set("escalation", map[string]any{"reminders": []any{"30m"}})))
	path := "/api/v1/callups/" + strconv.FormatInt(id, 10)

	var plain struct {
		Status []muster.EscalationTimer `json:"escalation_status"`
	}
	rec := e.api("GET", path, "admin@TD", nil)
	if err := json.Unmarshal(rec.Body.Bytes(), &plain); err != nil || len(plain.Status) != 1 ||
		plain.Status[0].Kind != "reminder" || plain.Status[0].State != muster.TimerPending || !plain.Status[0].DueAt.Equal(sqldbtest.Now.Add(30*time.Minute)) {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
	}

	e.s.CallUps = failedTimerStore{e.s.CallUps}
	rec = e.api("GET", path, "admin@TD", nil)
	if err := json.Unmarshal(rec.Body.Bytes(), &plain); err != nil || len(plain.Status) != 2 ||
		plain.Status[1].State != "failed" || plain.Status[1].Attempts != 8 || plain.Status[1].Error == "" {
		t.Fatalf("GET %s with a failed timer: %d %s", path, rec.Code, rec.Body)
	}
	c := e.signedIn("kovalenko", muster.RoleCommander, "TD")
	wantPage(t, c.get("/callups/"+strconv.FormatInt(id, 10)), 200, "<h2>Escalation</h2>",
		`<tr data-timer="reminder" class="timer-pending">`, `<tr data-timer="realert" class="timer-failed">`,
		`<td data-k="state">failed</td>`, "Unit BRE-PIN not found.")
}
