package web

import (
	"net/http"

	"github.com/muster-force/muster"
)

// unitRow is one line of the unit tree.
type unitRow struct {
	*muster.Unit
	Level int // depth in the tree shown, for indentation (capped at 4)
}

// pageUnits shows the actor's part of the unit tree, indented by depth,
// with links to each unit and its members.
func (s *Server) pageUnits(w http.ResponseWriter, r *http.Request) {
	units, err := s.Units.FindUnits(r.Context(), muster.UnitFilter{})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	level := make(map[string]int, len(units))
	rows := make([]unitRow, len(units))
	for i, u := range units {
		level[u.Code] = 0
		if l, ok := level[u.Parent]; ok {
			level[u.Code] = l + 1
		}
		rows[i] = unitRow{Unit: u, Level: min(level[u.Code], 4)}
	}
	s.render(w, r, http.StatusOK, "units", &view{Title: "Units", Nav: "units", Data: rows})
}

// unitView is the data of a unit's page.
type unitView struct {
	Unit     *muster.Unit
	Strength []strengthRow // the unit first, then its children
	// Requirements is the unit's requirements form (page_unit_requirement.go).
	Requirements *requirementsForm
	// Feed is the unit's calendar feed block (page_calendar_feed.go).
	Feed *feedBlock
}

// pageUnit shows a unit with its strength and its children's.
func (s *Server) pageUnit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, err := s.Units.FindUnit(ctx, r.PathValue("code"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	list, err := s.Units.UnitStrengths(ctx, u.Code, 1)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v := unitView{Unit: u, Strength: strengthRows(list)}
	if v.Requirements, err = s.requirementsForm(ctx, u.Code); err != nil {
		s.pageError(w, r, err)
		return
	}
	if v.Feed, err = s.calendarFeedBlock(ctx, r, u.Code, ""); err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "unit", &view{Title: u.Name, Nav: "units", Data: v})
}
