package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

// armoryCheckView is the data of a campaign's page.
type armoryCheckView struct {
	Check         *muster.ArmoryCheck
	Discrepancies []*muster.Discrepancy
	CanWrite      bool
	Last          *muster.CheckResult // what the station's last scan did
}

// pageArmoryCheck shows a campaign: its progress, its discrepancies with a
// resolve form each, and the check station's form.
func (s *Server) pageArmoryCheck(w http.ResponseWriter, r *http.Request) {
	s.showArmoryCheck(w, r, http.StatusOK, nil)
}

// showArmoryCheck renders the campaign's page with the station's last result.
func (s *Server) showArmoryCheck(w http.ResponseWriter, r *http.Request, status int, last *muster.CheckResult) {
	ctx := r.Context()
	id, err := armoryCheckID(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	c, err := s.Checks.FindArmoryCheck(ctx, id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	list, err := s.Checks.FindDiscrepancies(ctx, id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, status, "armory_check", &view{Title: "Armory check " + strconv.FormatInt(id, 10), Nav: "units",
		Data: armoryCheckView{Check: c, Discrepancies: list, CanWrite: canMove(r), Last: last}})
}

// pageArmoryCheckConfirm is the check station: a member's service number
// (none for items in store) and the serials scanned, one per line as a
// scanner types them. It shows the page again with what the scan did.
func (s *Server) pageArmoryCheckConfirm(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	id, err := armoryCheckID(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	c := muster.CheckConfirmation{ServiceNumber: strings.TrimSpace(r.PostFormValue("service_number")),
		Serials: strings.Fields(r.PostFormValue("serials")), Missing: strings.Fields(r.PostFormValue("missing"))}
	res, err := s.Checks.ConfirmAtStation(r.Context(), id, c)
	back := "/armory-checks/" + strconv.FormatInt(id, 10)
	if err != nil {
		s.armoryOutcome(w, r, back, err, "", "Nothing was recorded. ")
		return
	}
	s.showArmoryCheck(w, r, http.StatusOK, res)
}

// pageResolveDiscrepancy resolves a discrepancy with the form's note and
// redirects back to the campaign.
func (s *Server) pageResolveDiscrepancy(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	id, err := armoryCheckID(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	did, err := pathID(r, "discrepancy", "discrepancy")
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	_, err = s.Checks.ResolveDiscrepancy(r.Context(), id, did, r.PostFormValue("note"))
	s.armoryOutcome(w, r, "/armory-checks/"+strconv.FormatInt(id, 10), err,
		"Discrepancy "+strconv.FormatInt(did, 10)+" resolved.", "Not resolved. ")
}
