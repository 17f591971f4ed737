package web

import (
	"context"
	"net/http"

	"github.com/muster-force/muster"
)

// strengthRow is one line of a strength table: a unit's members against
// its target, with the share of the target as a bar.
type strengthRow struct {
	Code, Name                           string
	Level                                int // depth below the table's first unit, for indentation
	Members                              int
	Target                               int
	Percent                              int    // members as a percentage of the target
	Width                                int    // the bar's width, Percent rounded to 5 and capped at 100
	BarClass                             string // "low" under 50 %, "mid" under 90 %, "full" from 90 %, "over" above 100 %
	Active, Reserve, Applicant, Inactive int
}

// strengthRows turns unit strengths (in tree order) into table rows.
func strengthRows(list []muster.UnitStrength) []strengthRow {
	level := map[string]int{}
	rows := make([]strengthRow, 0, len(list))
	for i, st := range list {
		u := st.Unit
		if i > 0 {
			level[u.Code] = level[u.Parent] + 1
		}
		row := strengthRow{Code: u.Code, Name: u.Name, Level: min(level[u.Code], 4), Members: st.Members, Target: st.Target,
			Active: st.ByStatus[string(muster.StatusActive)], Reserve: st.ByStatus[string(muster.StatusReserve)],
			Applicant: st.ByStatus[string(muster.StatusApplicant)], Inactive: st.ByStatus[string(muster.StatusInactive)]}
		if st.Target > 0 {
			row.Percent = (st.Members*100 + st.Target/2) / st.Target
			row.Width = min((row.Percent+2)/5*5, 100)
			if row.Width == 0 && st.Members > 0 {
				row.Width = 5 // a sliver, so that a few is not drawn as none
			}
			switch {
			case row.Percent > 100:
				row.BarClass = "over"
			case row.Percent >= 90:
				row.BarClass = "full"
			case row.Percent >= 50:
				row.BarClass = "mid"
			default:
				row.BarClass = "low"
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// dashboardView is the data of the dashboard: one strength table per top
// unit the actor sees (normally one: the actor's own unit).
type dashboardView struct {
	Tables []strengthTable
	// Expiry is a commander's latest digest of expiry reminders, or nil.
	Expiry *muster.ExpiryDigest
	// Escalated are the open armory check discrepancies past their
	// campaign's deadline in the actor's units, for those who may act on
	// them (armory.write).
	Escalated []muster.OpenDiscrepancy
}

// strengthTable is the strength of one unit and two levels below it.
type strengthTable struct {
	Unit *muster.Unit
	Rows []strengthRow
}

// pageDashboard shows strength against target for the actor's unit and two
// levels below it: for the command, its regions and their districts.
func (s *Server) pageDashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	tops, err := s.topUnits(ctx)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	var data dashboardView
	for _, u := range tops {
		list, err := s.Units.UnitStrengths(ctx, u.Code, 2)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		data.Tables = append(data.Tables, strengthTable{Unit: u, Rows: strengthRows(list)})
	}
	if data.Expiry, err = s.expiryDigest(ctx); err != nil {
		s.pageError(w, r, err)
		return
	}
	if data.Escalated, err = s.escalatedDiscrepancies(ctx, tops); err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "dashboard", &view{Title: "Dashboard", Nav: "dashboard", Data: data})
}

// topUnits returns the actor's unit, or for an actor bound to no unit, the
// roots of the tree.
func (s *Server) topUnits(ctx context.Context) ([]*muster.Unit, error) {
	if a := muster.ActorFrom(ctx); a != nil && a.Unit != "" {
		u, err := s.Units.FindUnit(ctx, a.Unit)
		if err != nil {
			return nil, err
		}
		return []*muster.Unit{u}, nil
	}
	units, err := s.Units.FindUnits(ctx, muster.UnitFilter{})
	if err != nil {
		return nil, err
	}
	var roots []*muster.Unit
	for _, u := range units {
		if u.Parent == "" {
			roots = append(roots, u)
		}
	}
	return roots, nil
}

// expiryDigest returns the signed-in commander's latest digest of
// qualifications about to expire, or nil for anyone else or none yet.
func (s *Server) expiryDigest(ctx context.Context) (*muster.ExpiryDigest, error) {
	if a := muster.ActorFrom(ctx); s.Expiry == nil || a == nil || a.Kind != "user" || a.Role != muster.RoleCommander {
		return nil, nil
	}
	d, err := s.Expiry.FindExpiryDigest(ctx, 100)
	if muster.ErrorCode(err) == muster.ENOTFOUND {
		return nil, nil
	}
	return d, err
}

// escalatedDiscrepancies returns the escalated open discrepancies of the
// armory check campaigns in the top units, for an actor with armory.write;
// nil for anyone else.
func (s *Server) escalatedDiscrepancies(ctx context.Context, tops []*muster.Unit) ([]muster.OpenDiscrepancy, error) {
	if a := muster.ActorFrom(ctx); s.ArmoryReports == nil || a == nil || !a.Role.Can(muster.PermArmory) {
		return nil, nil
	}
	var out []muster.OpenDiscrepancy
	for _, u := range tops {
		rep, err := s.ArmoryReports.OpenDiscrepancies(ctx, u.Code)
		if err != nil {
			return nil, err
		}
		for _, d := range rep.Discrepancies {
			if d.Escalated {
				out = append(out, d)
			}
		}
	}
	return out, nil
}
