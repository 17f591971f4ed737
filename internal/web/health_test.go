package web_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

func TestHealth(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newTestServer(t, db)
		ok := func(t *testing.T, rec *httptest.ResponseRecorder) {
			if rec.Body.String() != `{"status":"ok"}`+"\n" {
				t.Errorf("body %q", rec.Body)
			}
		}
		run(t, srv, []scenario{{name: "database answers", method: "GET", url: "/healthz", status: 200, check: ok}})
		srv.Ping = func(ctx context.Context) error {
			if _, ok := ctx.Deadline(); !ok {
				t.Error("ping without a deadline")
			}
			return errors.New("dial tcp 10.0.0.7:5432: connection refused")
		}
		run(t, srv, []scenario{{name: "database down", method: "GET", url: "/healthz", status: 503,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if rec.Body.String() != `{"status":"unavailable"}`+"\n" {
					t.Errorf("body %q", rec.Body)
				}
			}}})
		srv.Ping = db.Ping
		db.Close()
		run(t, srv, []scenario{{name: "database closed", method: "GET", url: "/healthz", status: 503}})
	})
}
