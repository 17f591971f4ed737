package web

import (
	"context"
	"net/http"
	"time"
)

// healthTimeout is how long /healthz waits for the database.
const healthTimeout = 2 * time.Second

// handleHealth answers GET /healthz: 200 {"status":"ok"} when the database
// answers within healthTimeout, 503 {"status":"unavailable"} otherwise.
// It needs no credentials, so load balancers and the end-to-end tests can
// wait on it; the reason for a failure is logged, not shown.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if s.Ping != nil {
		ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
		defer cancel()
		if err := s.Ping(ctx); err != nil {
			s.Logger.Error("health check: database does not answer", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
