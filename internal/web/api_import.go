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
		s.apiError(w, r, importError(err))
		return
	}
	writeJSON(w, http.StatusOK, importResult{*res, dry})
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
