package web_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestAPIInternalErrorHidden breaks the database under the server and
// checks that the driver's message reaches the log and never the client.
func TestAPIInternalErrorHidden(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newTestServer(t, db)
		db.Close()
		for _, url := range []string{"/api/v1/units/TD", "/api/v1/members?unit=GOM", "/api/v1/members/export"} {
			rec := request(t, srv, "GET", url, "admin-token", nil)
			if rec.Code != 500 {
				t.Errorf("GET %s = %d, want 500: %s", url, rec.Code, rec.Body)
				continue
			}
			e := decodeError(t, rec)
			if e.Code != muster.EINTERNAL || e.Message != "Internal error." || len(e.Details) != 0 {
				t.Errorf("GET %s: error %+v", url, e)
			}
			for _, leak := range []string{"sql", "closed", "database", "goroutine", ".go:"} {
				if strings.Contains(strings.ToLower(rec.Body.String()), leak) {
					t.Errorf("GET %s: the answer leaks %q: %s", url, leak, rec.Body)
				}
			}
		}
		if !strings.Contains(srv.log.String(), "database is closed") {
			t.Errorf("the driver's error was not logged:\n%s", srv.log.String())
		}
	})
}

// brokenExport is a roster whose export fails after the first member.
type brokenExport struct{ muster.RosterService }

func (b brokenExport) ExportMembers(ctx context.Context, unit string, fn func(*muster.Member) error) error {
	err := b.RosterService.ExportMembers(ctx, unit, func(m *muster.Member) error {
		if err := fn(m); err != nil {
			return err
		}
		return errors.New("pq: canceling statement due to conflict with recovery")
	})
	return err
}

// TestAPIExportAbortsMidway checks that an export failing after it began
// cuts the connection, so that the client sees an error, not a short file.
func TestAPIExportAbortsMidway(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newTestServer(t, db)
		srv.Roster = brokenExport{db}
		hs := httptest.NewServer(srv.h)
		defer hs.Close()
		for _, format := range []string{"csv", "json"} {
			req, _ := http.NewRequest("GET", hs.URL+"/api/v1/members/export?format="+format, nil)
			req.Header.Set("Authorization", "Bearer admin-token")
			resp, err := hs.Client().Do(req)
			if err != nil {
				continue // cut before the headers went out: fine
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil {
				t.Errorf("%s: a failed export ended cleanly: %d %q", format, resp.StatusCode, body)
			}
			if strings.Contains(string(body), "pq:") || strings.Contains(string(body), "error") {
				t.Errorf("%s: the export carries the error: %q", format, body)
			}
		}
		if !strings.Contains(srv.log.String(), "export aborted") {
			t.Errorf("the failure was not logged:\n%s", srv.log.String())
		}
	})
}
