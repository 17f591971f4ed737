package web

import (
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/rostercsv"
)

// importView is the data of the import page: the form as submitted and
// the outcome of the last upload.
type importView struct {
	Kind     string // "members" or "units"
	DryRun   bool
	FileName string
	MaxBytes int64
	Result   *muster.ImportResult // after a dry run
	Error    string
	Problems []muster.ErrorDetail // one per bad row (line, column, message)
	Members  []string             // the columns of a members file
	Units    []string             // the columns of a units file
}

// maxUploadMemory is how much of an upload is held in memory; the rest is
// spooled to a temporary file, so that the database's writer is held only
// while the rows are applied, never while a slow client uploads.
const maxUploadMemory = 8 << 20

// newImportView returns the import page with its defaults.
func (s *Server) newImportView() importView {
	return importView{Kind: "members", MaxBytes: s.MaxImportBytes,
		Members: rostercsv.MemberColumns(), Units: rostercsv.UnitColumns()}
}

// pageImport shows the upload form.
func (s *Server) pageImport(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "import", &view{Title: "Import", Nav: "import", Data: s.newImportView()})
}

// pageImportSubmit imports an uploaded members or units CSV file, all or
// nothing. Problems come back on the page as a table of line, column and
// message (422); a dry run shows what would change; a real import
// redirects with the counts in the flash message.
func (s *Server) pageImportSubmit(w http.ResponseWriter, r *http.Request) {
	data := s.newImportView()
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxImportBytes+1<<20)
	if err := r.ParseMultipartForm(maxUploadMemory); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			err = muster.Errorf(muster.ETOOLARGE, "The file is larger than %s.", formatBytes(s.MaxImportBytes))
		} else {
			err = muster.Errorf(muster.EINVALID, "The upload could not be read; choose the file again.")
		}
		s.importFailed(w, r, data, err)
		return
	}
	if err := s.checkFormToken(r); err != nil {
		s.pageError(w, r, err)
		return
	}
	if r.PostFormValue("kind") == "units" {
		data.Kind = "units"
	}
	data.DryRun = r.PostFormValue("dry_run") != ""
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.importFailed(w, r, data, muster.Errorf(muster.EINVALID, "Choose a CSV file to upload."))
		return
	}
	defer file.Close()
	data.FileName = hdr.Filename
	if hdr.Size > s.MaxImportBytes {
		s.importFailed(w, r, data, muster.Errorf(muster.ETOOLARGE, "The file is larger than %s.", formatBytes(s.MaxImportBytes)))
		return
	}
	res, err := s.importFile(r, data.Kind, file, hdr.Filename, data.DryRun)
	if err != nil {
		s.importFailed(w, r, data, err)
		return
	}
	if data.DryRun {
		data.Result = res
		s.render(w, r, http.StatusOK, "import", &view{Title: "Import", Nav: "import", Data: data})
		return
	}
	s.redirectWithFlash(w, r, "/import", fmt.Sprintf("%s imported: %d created, %d updated, %d unchanged.",
		hdr.Filename, res.Created, res.Updated, res.Unchanged))
}

// importFile reads the file as the kind of CSV and imports it.
func (s *Server) importFile(r *http.Request, kind string, f multipart.File, name string, dry bool) (*muster.ImportResult, error) {
	return rostercsv.Import(r.Context(), s.Roster, kind, f, name, muster.ImportOptions{DryRun: dry}, s.today())
}

// importFailed shows the import page with the error and its details, or
// the error page for a fault of muster's own.
func (s *Server) importFailed(w http.ResponseWriter, r *http.Request, data importView, err error) {
	if muster.ErrorCode(err) == muster.EINTERNAL {
		s.pageError(w, r, err)
		return
	}
	data.Error = muster.ErrorMessage(err)
	data.Problems = muster.ErrorDetails(err)
	s.render(w, r, statusFor(err), "import", &view{Title: "Import", Nav: "import", Data: data})
}

// formatBytes writes n as "512 MB" or "64 KB".
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
