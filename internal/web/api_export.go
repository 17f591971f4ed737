package web

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/rostercsv"
)

// memberEncoder writes an export one member at a time.
type memberEncoder interface {
	write(m *muster.Member) error
	finish() error
}

// apiExportMembers answers GET /api/v1/members/export?unit=CODE&format=F,
// streaming the members of the subtree in service-number order as a CSV
// file (the import's format) or a JSON array, as an attachment.
//
// Errors found before the first member (an unknown unit, one outside the
// actor's subtree) are answered as usual; an error in the middle of the
// stream aborts the connection, so that a client never takes a cut-off
// file for a whole one.
func (s *Server) apiExportMembers(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "unit", "format")
	unit := q.code("unit")
	format := q.str("format")
	switch format {
	case "":
		format = "csv"
	case "csv", "json":
	default:
		q.bad("format", "must be csv or json")
	}
	if err := q.err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	var enc memberEncoder
	start := func() {
		name := "members"
		if unit != "" {
			name += "-" + unit
		}
		name += "." + format
		h := w.Header()
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
		if format == "csv" {
			h.Set("Content-Type", "text/csv; charset=utf-8")
			enc = &csvEncoder{rostercsv.NewMemberWriter(w)}
		} else {
			h.Set("Content-Type", "application/json; charset=utf-8")
			enc = &jsonEncoder{w: w}
		}
		w.WriteHeader(http.StatusOK)
	}
	err := s.Roster.ExportMembers(r.Context(), unit, func(m *muster.Member) error {
		if enc == nil {
			start()
		}
		return enc.write(m)
	})
	if err == nil {
		if enc == nil {
			start()
		}
		err = enc.finish()
	}
	if err != nil {
		if enc == nil {
			s.apiError(w, r, err)
			return
		}
		s.Logger.Error("export aborted", "method", r.Method, "path", loggedPath(r), "err", err)
		panic(http.ErrAbortHandler)
	}
}

// csvEncoder writes members as the contract's members CSV file.
type csvEncoder struct{ mw *rostercsv.MemberWriter }

func (e *csvEncoder) write(m *muster.Member) error { return e.mw.Write(m) }
func (e *csvEncoder) finish() error                { return e.mw.Flush() }

// jsonEncoder writes members as a JSON array, one member per line.
type jsonEncoder struct {
	w io.Writer
	n int // members written
}

func (e *jsonEncoder) write(m *muster.Member) error {
	b, err := json.Marshal(apiMember(m))
	if err != nil {
		return err
	}
	sep := ",\n"
	if e.n == 0 {
		sep = "[\n"
	}
	e.n++
	if _, err := io.WriteString(e.w, sep); err != nil {
		return err
	}
	_, err = e.w.Write(b)
	return err
}

func (e *jsonEncoder) finish() error {
	end := "\n]\n"
	if e.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(e.w, end)
	return err
}
