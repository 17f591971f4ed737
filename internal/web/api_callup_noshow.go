package web

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/rostercsv"
)

// noShowHeader is the header row of the no-show CSV file.
var noShowHeader = []string{"service_number", "name", "unit", "phone", "answer", "eta_minutes", "reason", "answered_at", "selected"}

// wantsCSV reports whether the request asks for CSV: format=csv, or an
// Accept header naming text/csv without format=json.
func wantsCSV(q *query, r *http.Request) bool {
	switch f := q.str("format"); f {
	case "csv":
		return true
	case "json":
		return false
	case "":
	default:
		q.bad("format", "must be csv or json")
	}
	for part := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "text/csv" {
			return true
		}
	}
	return false
}

// apiNoShows answers GET /api/v1/callups/{id}/noshows?unit=CODE&format=F
// after the report-by time (409 before): the targeted members who have not
// checked in, yes and late first, then no answer, then no. JSON
// {"callup":ID,"noshows":[...]} or, with format=csv or Accept: text/csv, a
// CSV file; both streamed, and an error in the middle cuts the connection
// (see apiExportMembers).
func (s *Server) apiNoShows(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "unit", "format")
	unit := q.code("unit")
	asCSV := wantsCSV(q, r)
	if err := q.err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	id, err := callUpID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var enc noShowEncoder
	start := func() {
		name := "callup-" + strconv.FormatInt(id, 10) + "-noshows"
		h := w.Header()
		if asCSV {
			h.Set("Content-Type", "text/csv; charset=utf-8")
			h.Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
			enc = &noShowCSV{w: rostercsv.NewWriter(w)}
		} else {
			h.Set("Content-Type", "application/json; charset=utf-8")
			enc = &noShowJSON{w: w, callUp: id}
		}
		w.WriteHeader(http.StatusOK)
	}
	err = s.Selection.NoShows(r.Context(), id, unit, func(n *muster.NoShow) error {
		if enc == nil {
			start()
		}
		return enc.write(n)
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
		s.Logger.Error("no-shows aborted", "method", r.Method, "path", loggedPath(r), "err", err)
		panic(http.ErrAbortHandler)
	}
}

// noShowEncoder writes a no-show list one member at a time.
type noShowEncoder interface {
	write(n *muster.NoShow) error
	finish() error
}

type noShowCSV struct {
	w *rostercsv.Writer
	n int
}

func (e *noShowCSV) write(n *muster.NoShow) error {
	if e.n == 0 {
		e.w.Write(noShowHeader)
	}
	e.n++
	answered := ""
	if !n.AnsweredAt.IsZero() {
		answered = n.AnsweredAt.UTC().Format(time.RFC3339)
	}
	e.w.Write([]string{n.ServiceNumber, n.Name, n.Unit, n.Phone, string(n.Answer), strconv.Itoa(n.ETAMinutes), n.Reason,
		answered, strconv.FormatBool(n.Selected)})
	if e.n%1000 == 0 {
		e.w.Flush()
	}
	return e.w.Error()
}

func (e *noShowCSV) finish() error {
	if e.n == 0 {
		e.w.Write(noShowHeader)
	}
	e.w.Flush()
	return e.w.Error()
}

type noShowJSON struct {
	w      io.Writer
	callUp int64
	n      int
}

func (e *noShowJSON) write(n *muster.NoShow) error {
	b, err := json.Marshal(n)
	if err != nil {
		return err
	}
	sep := ",\n"
	if e.n == 0 {
		sep = `{"callup":` + strconv.FormatInt(e.callUp, 10) + `,"noshows":[` + "\n"
	}
	e.n++
	if _, err := io.WriteString(e.w, sep); err != nil {
		return err
	}
	_, err = e.w.Write(b)
	return err
}

func (e *noShowJSON) finish() error {
	end := "\n]}\n"
	if e.n == 0 {
		end = `{"callup":` + strconv.FormatInt(e.callUp, 10) + `,"noshows":[]}` + "\n"
	}
	_, err := io.WriteString(e.w, end)
	return err
}
