package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

// selectionView is the data of the selection page.
type selectionView struct {
	CallUp  *muster.CallUp
	Page    *candidatePage
	Q       string
	After   string
	Next    string // the address of the next page, or ""
	CanCall bool
}

// pageCallUpSelection shows the members who answered yes or late, 100 a
// page and searchable, with a checkbox each and a "Select and notify"
// button. It is its own page, not a section of the board: the board
// reloads itself and would lose the ticks.
func (s *Server) pageCallUpSelection(w http.ResponseWriter, r *http.Request) {
	id, err := callUpID(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	c, err := s.CallUps.FindCallUp(r.Context(), id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v := selectionView{CallUp: c, Q: r.URL.Query().Get("q"), After: r.URL.Query().Get("after"), CanCall: mayCallUp(r) == nil}
	v.Page, err = s.candidatePage(r, id, muster.CandidateFilter{Q: v.Q, After: v.After, Limit: 100})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if v.Page.NextAfter != "" {
		v.Next = "?" + url.Values{"q": {v.Q}, "after": {v.Page.NextAfter}}.Encode()
	}
	s.render(w, r, http.StatusOK, "callup_selection", &view{Title: "Selection: " + c.Title, Nav: "callups", Data: v})
}

// pageCallUpSelect selects the ticked members and redirects to the
// selection page with what was queued; a refusal (422) names the members.
func (s *Server) pageCallUpSelect(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	id, err := callUpID(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	back := "/callups/" + strconv.FormatInt(id, 10) + "/selection"
	var sel *muster.Selection
	var perUnit string
	if _, byUnit := r.PostForm["pick_unit"]; byUnit {
		var us *muster.UnitSelection
		picks, perr := formPicks(r.PostForm["pick_unit"], r.PostForm["pick_count"])
		if err = perr; err == nil {
			us, err = s.Selection.SelectPerUnit(r.Context(), id, picks)
		}
		if err == nil {
			sel, perUnit = &us.Selection, pickedText(us.PerUnit)
		}
	} else {
		sel, err = s.Selection.Select(r.Context(), id, r.PostForm["service_number"])
	}
	switch code := muster.ErrorCode(err); code {
	case "":
		s.redirectWithFlash(w, r, back, strconv.Itoa(sel.Selected)+" selected and "+strconv.Itoa(sel.Standby)+
			" told to stand by: "+strconv.Itoa(sel.Deliveries)+" messages queued."+perUnit)
	case muster.EINVALID, muster.EUNPROCESSABLE:
		s.redirectWithFlash(w, r, back, "Nothing was selected. "+muster.ErrorMessage(err))
	default:
		s.pageError(w, r, err)
	}
}

// formPicks reads the selection form's unit and count rows, skipping
// rows left empty.
func formPicks(units, counts []string) ([]muster.UnitPick, error) {
	var picks []muster.UnitPick
	for i, u := range units {
		u = strings.TrimSpace(u)
		c := ""
		if i < len(counts) {
			c = strings.TrimSpace(counts[i])
		}
		if u == "" && c == "" {
			continue
		}
		n, err := strconv.Atoi(c)
		if err != nil || u == "" {
			return nil, muster.Errorf(muster.EINVALID, "Row %d: name a unit and a whole number of members.", i+1)
		}
		picks = append(picks, muster.UnitPick{Unit: u, Count: n})
	}
	if len(picks) == 0 {
		return nil, muster.Errorf(muster.EINVALID, "Name at least one unit and how many of it report.")
	}
	return picks, nil
}

// pickedText says what each unit got: " GOM-MOZ-1: 3 of 3; BRE-PIN: 1
// of 5, 4 short."
func pickedText(list []muster.UnitPicked) string {
	parts := make([]string, len(list))
	for i, p := range list {
		parts[i] = p.Unit + ": " + strconv.Itoa(p.Selected) + " of " + strconv.Itoa(p.Count)
		if p.Short > 0 {
			parts[i] += ", " + strconv.Itoa(p.Short) + " short"
		}
	}
	return " " + strings.Join(parts, "; ") + "."
}

// maxNoShowRows bounds the rows of the no-show page; the CSV has them all.
const maxNoShowRows = 5000

// errPageFull stops the no-show list once the page is full.
var errPageFull = errors.New("page full")

// noShowsView is the data of the no-show page.
type noShowsView struct {
	CallUp  *muster.CallUp
	NoShows []*muster.NoShow
	More    bool // the list goes on past maxNoShowRows: see the CSV
}

// pageCallUpNoShows shows the printable no-show list, after the report-by
// time, up to maxNoShowRows rows; before it, the error page says when.
func (s *Server) pageCallUpNoShows(w http.ResponseWriter, r *http.Request) {
	id, err := callUpID(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	c, err := s.CallUps.FindCallUp(r.Context(), id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v := noShowsView{CallUp: c, NoShows: []*muster.NoShow{}}
	err = s.Selection.NoShows(r.Context(), id, "", func(n *muster.NoShow) error {
		if len(v.NoShows) == maxNoShowRows {
			v.More = true
			return errPageFull
		}
		v.NoShows = append(v.NoShows, n)
		return nil
	})
	if err != nil && !errors.Is(err, errPageFull) {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "callup_noshows", &view{Title: "No-shows: " + c.Title, Nav: "callups", Data: v})
}
