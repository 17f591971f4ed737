package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/rostercsv"
)

// importBodyName names the uploaded file in import messages.
const importBodyName = "request body"

// importResult is the body of a successful import.
type importResult struct {
	muster.ImportResult
	DryRun bool `json:"dry_run"`
}

// apiImportUnits answers POST /api/v1/units/import?dry_run=BOOL: a units
// CSV file in the body, imported all or nothing.
func (s *Server) apiImportUnits(w http.ResponseWriter, r *http.Request) {
	s.apiImport(w, r, "units")
}

// apiImportMembers answers POST /api/v1/members/import?dry_run=BOOL: a
// members CSV file in the body, streamed row by row into the import, all
// or nothing.
func (s *Server) apiImportMembers(w http.ResponseWriter, r *http.Request) {
	s.apiImport(w, r, "members")
}

// apiImport imports the CSV body as the kind of file.
func (s *Server) apiImport(w http.ResponseWriter, r *http.Request, kind string) {
	q := newQuery(r, "dry_run")
	dry := q.bool("dry_run")
	if err := q.err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	body, err := s.csvBody(w, r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	res, err := rostercsv.Import(r.Context(), s.Roster, kind, body, importBodyName, muster.ImportOptions{DryRun: dry}, muster.DateOf(s.Now()))
	if err != nil {
		s.apiError(w, r, oneDetailPerRow(importError(err)))
		return
	}
	writeJSON(w, http.StatusOK, importResult{*res, dry})
}

// oneDetailPerRow merges the details of an import's EUNPROCESSABLE error,
// one per problem in line order, into one per bad row, as the contract
// promises of the API: the row's line, the field of its first problem,
// and every problem of the row as "field: message", joined by "; ". A
// detail without a line (how many problems were left out) stays as it
// is. (The CLI and the import page list every problem on its own.)
func oneDetailPerRow(err error) error {
	var e *muster.Error
	if !errors.As(err, &e) || e.Code != muster.EUNPROCESSABLE {
		return err
	}
	rows := make([]muster.ErrorDetail, 0, len(e.Details))
	for _, d := range e.Details {
		if d.Line == 0 {
			rows = append(rows, d)
			continue
		}
		msg := d.Message
		if d.Field != "" {
			msg = d.Field + ": " + msg
		}
		if n := len(rows); n > 0 && rows[n-1].Line == d.Line {
			rows[n-1].Message += "; " + msg
			continue
		}
		rows = append(rows, muster.ErrorDetail{Line: d.Line, Field: d.Field, Message: msg})
	}
	return &muster.Error{Code: e.Code, Message: e.Message, Details: rows}
}

// csvBody checks that the request carries a CSV file (Content-Type
// text/csv, UTF-8) and returns its body, limited to s.MaxImportBytes.
func (s *Server) csvBody(w http.ResponseWriter, r *http.Request) (io.Reader, error) {
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "text/csv" {
		got := "none"
		if ct != "" {
			got = strconv.Quote(ct)
		}
		return nil, muster.FieldError("Content-Type", "must be text/csv, not "+got)
	}
	if cs := params["charset"]; cs != "" && !strings.EqualFold(cs, "utf-8") {
		return nil, muster.FieldError("Content-Type", "the charset must be utf-8; save the file as CSV UTF-8")
	}
	if r.ContentLength > s.MaxImportBytes {
		return nil, tooLarge(s.MaxImportBytes)
	}
	return http.MaxBytesReader(w, r.Body, s.MaxImportBytes), nil
}

// importError turns a body over the limit into ETOOLARGE and leaves other
// errors as they are.
func importError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(mbe.Limit)
	}
	return err
}

// tooLarge returns the ETOOLARGE error of a body over limit bytes.
func tooLarge(limit int64) error {
	return muster.Errorf(muster.ETOOLARGE, "The request body is over the limit of %d bytes; split the file.", limit)
}
