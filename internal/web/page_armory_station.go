package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

// stationView is the data of an armory's issue station: the member served
// (nil before a card or notice is scanned) with the items issued to them
// so far, or, after "done", their receipt.
type stationView struct {
	Unit    *muster.Unit
	Action  string // the station's address, where scans are posted
	Member  string // the service number served, "" before a card or notice
	Since   int64  // the ledger position the member's receipt counts from
	Serving *muster.StationReceipt
	Receipt *muster.StationReceipt
	Error   string
}

// stationDone is what a scanner may scan, instead of pressing Done, to end
// the member: a barcode of the word printed at the station.
const stationDone = "DONE"

// stationPath returns the address of the unit's issue station.
func stationPath(unit string) string { return "/units/" + url.PathEscape(unit) + "/armory/station" }

// stationAt returns the station's address serving the member from since,
// or showing their receipt when done.
func stationAt(unit, member string, since int64, done bool) string {
	q := url.Values{"member": {member}, "since": {strconv.FormatInt(since, 10)}}
	if done {
		q.Set("done", "1")
	}
	return stationPath(unit) + "?" + q.Encode()
}

// pageStation answers GET /units/{code}/armory/station[?member=SN&since=N[&done=1]]:
// the issue station, serving the member when one is given, or showing
// their receipt.
func (s *Server) pageStation(w http.ResponseWriter, r *http.Request) {
	v, err := s.stationView(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	q := r.URL.Query()
	if sn := q.Get("member"); sn != "" {
		since, perr := strconv.ParseInt(q.Get("since"), 10, 64)
		if perr != nil || since < 0 {
			s.pageError(w, r, muster.Errorf(muster.EINVALID, "since: not a ledger position."))
			return
		}
		rec, err := s.Station.StationReceipt(r.Context(), v.Unit.Code, sn, since)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		if q.Get("done") == "1" {
			v.Receipt = rec
		} else {
			v.Serving, v.Member, v.Since = rec, sn, since
		}
	}
	s.renderStation(w, r, http.StatusOK, v)
}

// stationView returns the station of the path's unit, for an actor who may
// move its items.
func (s *Server) stationView(r *http.Request) (*stationView, error) {
	if !canMove(r) {
		return nil, muster.Errorf(muster.EFORBIDDEN, "Your role does not allow issuing items.")
	}
	u, err := s.Units.FindUnit(r.Context(), r.PathValue("code"))
	if err != nil {
		return nil, err
	}
	return &stationView{Unit: u, Action: stationPath(u.Code)}, nil
}

func (s *Server) renderStation(w http.ResponseWriter, r *http.Request, status int, v *stationView) {
	s.render(w, r, status, "armory_station", &view{Title: "Issue station · " + v.Unit.Code, Nav: "units", Data: v})
}

// pageStationScan answers POST /units/{code}/armory/station {member, since,
// code, action}: a card or notice scanned while no member is served, an
// item's serial while one is, or "done". A browser gets the station again
// (post/redirect/get); a request that accepts application/json, the
// station's script, gets {"member","since"}, {"item"} or {"receipt": URL},
// and refusals as the API's errors.
func (s *Server) pageStationScan(w http.ResponseWriter, r *http.Request) {
	asJSON := strings.Contains(r.Header.Get("Accept"), "application/json")
	fail := func(err error, v *stationView) {
		switch {
		case asJSON:
			s.apiError(w, r, err)
		case v != nil && muster.ErrorCode(err) != muster.EINTERNAL:
			v.Error = muster.ErrorMessage(err)
			s.renderStation(w, r, statusFor(err), v)
		default:
			s.pageError(w, r, err)
		}
	}
	if err := s.parseForm(w, r); err != nil {
		fail(err, nil)
		return
	}
	ctx := r.Context()
	v, err := s.stationView(r)
	if err != nil {
		fail(err, nil)
		return
	}
	member, input := r.PostFormValue("member"), strings.TrimSpace(r.PostFormValue("code"))
	since, _ := strconv.ParseInt(r.PostFormValue("since"), 10, 64)
	link := responseLink.FindStringSubmatch(input)
	refuse := func(err error) {
		if member != "" && !asJSON {
			v.Member, v.Since = member, since
			v.Serving, _ = s.Station.StationReceipt(ctx, v.Unit.Code, member, since)
		}
		fail(err, v)
	}
	switch {
	case member != "" && (r.PostFormValue("action") == "done" || strings.EqualFold(input, stationDone)):
		target := stationAt(v.Unit.Code, member, since, true)
		if asJSON {
			writeJSON(w, http.StatusOK, map[string]string{"receipt": target})
			return
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
	case member == "":
		var start *muster.StationStart
		if link != nil { // tokens are lowercase; a scanner may have capitalised one
			start, err = s.Station.StationStart(ctx, v.Unit.Code, "", strings.ToLower(link[1]))
		} else {
			start, err = s.Station.StationStart(ctx, v.Unit.Code, input, "")
		}
		if err != nil {
			refuse(err)
			return
		}
		if asJSON {
			writeJSON(w, http.StatusOK, start)
			return
		}
		s.redirectWithFlash(w, r, stationAt(v.Unit.Code, start.Member.ServiceNumber, start.Since, false),
			"Serving "+start.Member.Name+" ("+start.Member.ServiceNumber+"): scan the items.")
	case link != nil:
		refuse(muster.Errorf(muster.ECONFLICT, "That is a call-up notice. Press Done to finish with %s before serving the next member.", member))
	default:
		it, err := s.Station.StationIssue(ctx, v.Unit.Code, member, input)
		if err != nil {
			refuse(err)
			return
		}
		if asJSON {
			writeJSON(w, http.StatusOK, map[string]apiItem{"item": toAPIItem(it)})
			return
		}
		s.redirectWithFlash(w, r, stationAt(v.Unit.Code, member, since, false), "Issued "+it.TypeName+" "+it.Serial+".")
	}
}
