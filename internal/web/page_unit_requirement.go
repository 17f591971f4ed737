package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

// requirementsForm is the unit page's list of requirements, and its form
// for those who may change them: the rows stored (or sent back with an
// error) and a few empty ones to add to.
type requirementsForm struct {
	Unit    string
	Rows    []unitRequirementRow
	CanEdit bool
	Error   string
}

// unitRequirementRow is one row of the form, as typed.
type unitRequirementRow struct{ Qualification, Needed string }

// emptyRequirementRows is how many blank rows the form offers.
const emptyRequirementRows = 3

// requirementsForm reads the unit's requirements for its page; nil when
// the server has no requirements service.
func (s *Server) requirementsForm(ctx context.Context, unit string) (*requirementsForm, error) {
	if s.Requirements == nil {
		return nil, nil
	}
	list, err := s.Requirements.FindUnitRequirements(ctx, unit)
	if err != nil {
		return nil, err
	}
	f := &requirementsForm{Unit: unit}
	if a := muster.ActorFrom(ctx); a != nil {
		f.CanEdit = a.Role.Can(muster.PermWriteUnits)
	}
	for _, req := range list {
		f.Rows = append(f.Rows, unitRequirementRow{req.Qualification, strconv.Itoa(req.Needed)})
	}
	f.addBlankRows()
	return f, nil
}

func (f *requirementsForm) addBlankRows() {
	for range emptyRequirementRows {
		f.Rows = append(f.Rows, unitRequirementRow{})
	}
}

// pageSetUnitRequirements answers POST /units/{code}/requirements: the
// form's rows (qualification and needed, repeated; blank rows skipped)
// replace the unit's requirements, all or none, with post/redirect/get.
// A bad row shows the page again with the rows as typed and the error.
func (s *Server) pageSetUnitRequirements(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	code := r.PathValue("code")
	quals, needs := r.PostForm["qualification"], r.PostForm["needed"]
	if len(quals) != len(needs) {
		s.pageError(w, r, muster.Errorf(muster.EINVALID, "The form's rows are incomplete; reload the page and try again."))
		return
	}
	var rows []unitRequirementRow
	var list []muster.UnitRequirement
	var bad error
	for i := range quals {
		row := unitRequirementRow{strings.ToUpper(strings.TrimSpace(quals[i])), strings.TrimSpace(needs[i])}
		if row.Qualification == "" && row.Needed == "" {
			continue
		}
		rows = append(rows, row)
		n, err := strconv.Atoi(row.Needed)
		if err != nil && bad == nil {
			bad = muster.Errorf(muster.EINVALID, "Row %d: needed %q is not a whole number.", len(rows), row.Needed)
		}
		list = append(list, muster.UnitRequirement{Qualification: row.Qualification, Needed: n})
	}
	if bad == nil {
		_, bad = s.Requirements.SetUnitRequirements(r.Context(), code, list)
	}
	if bad == nil {
		s.redirectWithFlash(w, r, "/units/"+code, fmt.Sprintf("Requirements of %s saved: %d.", code, len(list)))
		return
	}
	switch muster.ErrorCode(bad) {
	case muster.EINVALID, muster.EUNPROCESSABLE:
	default:
		s.pageError(w, r, bad)
		return
	}
	ctx := r.Context()
	u, err := s.Units.FindUnit(ctx, code)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	strength, err := s.Units.UnitStrengths(ctx, code, 1)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	form := &requirementsForm{Unit: code, Rows: rows, CanEdit: true, Error: muster.ErrorMessage(bad)}
	form.addBlankRows()
	s.render(w, r, statusFor(bad), "unit", &view{Title: u.Name, Nav: "units",
		Data: unitView{Unit: u, Strength: strengthRows(strength), Requirements: form}})
}
