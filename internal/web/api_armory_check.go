package web

import (
	"net/http"
	"strconv"

	"github.com/muster-force/muster"
)

// kitPath is the path of a member's armory page; the token follows.
const kitPath = "/k/"

// armoryCheckID reads the campaign id of the path.
func armoryCheckID(r *http.Request) (int64, error) {
	return pathID(r, "id", "armory check")
}

// pathID reads a positive id from the path; anything else is ENOTFOUND
// naming the thing.
func pathID(r *http.Request, name, thing string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id < 1 {
		return 0, muster.Errorf(muster.ENOTFOUND, "There is no %s %s.", thing, quoteShort(r.PathValue(name)))
	}
	return id, nil
}

// apiCreateArmoryCheck answers POST /api/v1/armory-checks with 201: the
// campaign and the items it counts.
func (s *Server) apiCreateArmoryCheck(w http.ResponseWriter, r *http.Request) {
	var in muster.ArmoryCheckInput
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	c, err := s.Checks.CreateArmoryCheck(r.Context(), in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	created(w, "/api/v1/armory-checks/"+strconv.FormatInt(c.ID, 10), c)
}

// apiGetArmoryCheck answers GET /api/v1/armory-checks/{id}: the campaign
// and its progress.
func (s *Server) apiGetArmoryCheck(w http.ResponseWriter, r *http.Request) {
	id, err := armoryCheckID(r)
	if err == nil {
		err = newQuery(r).err()
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	c, err := s.Checks.FindArmoryCheck(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// apiArmoryCheckDiscrepancies answers GET
// /api/v1/armory-checks/{id}/discrepancies, open ones first.
func (s *Server) apiArmoryCheckDiscrepancies(w http.ResponseWriter, r *http.Request) {
	id, err := armoryCheckID(r)
	if err == nil {
		err = newQuery(r).err()
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := s.Checks.FindDiscrepancies(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"discrepancies": list})
}

// apiResolveDiscrepancy answers POST
// /api/v1/armory-checks/{id}/discrepancies/{discrepancy}/resolve {"note"}.
func (s *Server) apiResolveDiscrepancy(w http.ResponseWriter, r *http.Request) {
	id, err := armoryCheckID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	did, err := pathID(r, "discrepancy", "discrepancy")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	d, err := s.Checks.ResolveDiscrepancy(r.Context(), id, did, in.Note)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// apiConfirmArmoryCheck answers POST /api/v1/armory-checks/{id}/confirmations:
// a check station's scans of a member's serials, or of those in store.
func (s *Server) apiConfirmArmoryCheck(w http.ResponseWriter, r *http.Request) {
	id, err := armoryCheckID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var in muster.CheckConfirmation
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	res, err := s.Checks.ConfirmAtStation(r.Context(), id, in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// apiMemberKitLink answers GET /api/v1/members/{service_number}/kit-link:
// the member's armory page link, for staff to hand over.
func (s *Server) apiMemberKitLink(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	token, err := s.Kits.KitLink(r.Context(), r.PathValue("service_number"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"token": token, "url": s.baseURL(r) + kitPath + token})
}
