package web

import (
	"net/http"

	"github.com/muster-force/muster"
)

// auditPage is the body of GET /api/v1/audit. NextBefore, the value of
// before for the next (older) page, is null on the last page.
type auditPage struct {
	Entries    []*muster.AuditEntry `json:"entries"`
	NextBefore *int64               `json:"next_before"`
}

// apiListAudit answers GET /api/v1/audit?entity=E&key=K&limit=N&before=ID
// with audit entries, newest first.
func (s *Server) apiListAudit(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "entity", "key", "limit", "before")
	f := muster.AuditFilter{
		Entity: q.str("entity"),
		Key:    q.str("key"),
		Limit:  q.int("limit", 100, 1, 500),
		Before: int64(q.int("before", 0, 1, 1<<53)),
	}
	if len(f.Entity) > 64 {
		q.bad("entity", "at most 64 bytes")
	}
	if len(f.Key) > 200 {
		q.bad("key", "at most 200 bytes")
	}
	if err := q.err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	entries, err := s.Audit.FindAuditEntries(r.Context(), f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := auditPage{Entries: entries}
	if out.Entries == nil {
		out.Entries = []*muster.AuditEntry{}
	}
	if n := len(entries); n == f.Limit && entries[n-1].ID > 1 {
		next := entries[n-1].ID
		out.NextBefore = &next
	}
	writeJSON(w, http.StatusOK, out)
}
