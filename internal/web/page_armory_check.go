package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

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

// armoryChecksView is the data of the campaigns' list.
type armoryChecksView struct {
	Checks   []*muster.ArmoryCheck
	CanWrite bool
	Unit     string // the create form's unit, from ?unit=
}

// pageArmoryChecks lists the campaigns in the actor's subtree, with the
// form that starts one.
func (s *Server) pageArmoryChecks(w http.ResponseWriter, r *http.Request) {
	list, err := s.Checks.FindArmoryChecks(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "armory_checks", &view{Title: "Armory checks", Nav: "units",
		Data: armoryChecksView{Checks: list, CanWrite: canMove(r), Unit: r.URL.Query().Get("unit")}})
}

// pageArmoryCheckCreate starts a campaign from the form (unit, deadline
// as the browser's datetime-local, read as UTC, note) and opens its page.
func (s *Server) pageArmoryCheckCreate(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	in := muster.ArmoryCheckInput{Unit: strings.TrimSpace(r.PostFormValue("unit")), Note: r.PostFormValue("note")}
	if t, err := time.Parse("2006-01-02T15:04", r.PostFormValue("deadline")); err == nil {
		in.Deadline = t
	}
	c, err := s.Checks.CreateArmoryCheck(r.Context(), in)
	if err != nil {
		s.armoryOutcome(w, r, "/armory-checks?unit="+url.QueryEscape(in.Unit), err, "", "No check was started. ")
		return
	}
	s.redirectWithFlash(w, r, "/armory-checks/"+strconv.FormatInt(c.ID, 10),
		"Check "+strconv.FormatInt(c.ID, 10)+" started: "+strconv.Itoa(c.Items)+" items.")
}
