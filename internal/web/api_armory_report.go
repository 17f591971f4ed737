package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/muster-force/muster"
)

// The header rows of the armory reports' CSV files.
var (
	holdingsHeader = []string{"armory", "type", "type_name", "kind", "in_store", "issued", "in_repair", "lost", "stolen",
		"destroyed", "written_off", "total"}
	itemsOutHeader = []string{"service_number", "name", "unit", "serial", "type", "type_name", "armory", "issued_at"}
	overdueHeader  = []string{"serial", "type", "type_name", "armory", "service_number", "name", "member_unit", "issued_at",
		"exercise", "exercise_title", "exercise_end", "days_overdue"}
	discrepanciesHeader = []string{"id", "check", "unit", "kind", "serial", "service_number", "detail", "created_at", "deadline", "escalated"}
)

// armoryReportUnit reads unit from q, the actor's top unit by default.
func (s *Server) armoryReportUnit(r *http.Request, q *query) (string, error) {
	unit := q.code("unit")
	if err := q.err(); err != nil {
		return "", err
	}
	return s.reportUnit(r, unit)
}

// armoryReport answers one of the armory reports: build reads the query
// and computes it; rows turns it into CSV lines, for format=csv or
// Accept: text/csv.
func armoryReport[R any](s *Server, w http.ResponseWriter, r *http.Request, q *query, name string, header []string,
	build func(unit string) (R, error), rows func(rep R) [][]string) {
	asCSV := wantsCSV(q, r)
	unit, err := s.armoryReportUnit(r, q)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	rep, err := build(unit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if !asCSV {
		writeJSON(w, http.StatusOK, rep)
		return
	}
	s.writeReportCSV(w, r, "armory-"+name+"-"+unit, header, rows(rep))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func csvTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// apiHoldings answers GET /api/v1/reports/armory/holdings?unit=CODE&format=F.
func (s *Server) apiHoldings(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "unit", "format")
	armoryReport(s, w, r, q, "holdings", holdingsHeader, func(unit string) (*muster.HoldingsReport, error) {
		return s.ArmoryReports.Holdings(r.Context(), unit)
	}, func(rep *muster.HoldingsReport) [][]string {
		var out [][]string
		for _, h := range rep.Holdings {
			out = append(out, []string{h.Armory, h.Type, h.TypeName, string(h.Kind), itoa(h.InStore), itoa(h.Issued), itoa(h.InRepair),
				itoa(h.Lost), itoa(h.Stolen), itoa(h.Destroyed), itoa(h.WrittenOff), itoa(h.Total)})
		}
		return out
	})
}

// apiItemsOut answers GET /api/v1/reports/armory/members?unit=CODE&format=F:
// the items out per member, one CSV line per item.
func (s *Server) apiItemsOut(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "unit", "format")
	armoryReport(s, w, r, q, "members", itemsOutHeader, func(unit string) (*muster.ItemsOutReport, error) {
		return s.ArmoryReports.ItemsOut(r.Context(), unit)
	}, func(rep *muster.ItemsOutReport) [][]string {
		var out [][]string
		for _, m := range rep.Members {
			for _, it := range m.Items {
				out = append(out, []string{m.ServiceNumber, m.Name, m.Unit, it.Serial, it.Type, it.TypeName, it.Armory, csvTime(it.IssuedAt)})
			}
		}
		return out
	})
}

// apiOverdue answers GET /api/v1/reports/armory/overdue?unit=CODE&days=N&format=F.
func (s *Server) apiOverdue(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "unit", "days", "format")
	days := q.int("days", muster.DefaultOverdueDays, 0, 365)
	armoryReport(s, w, r, q, "overdue", overdueHeader, func(unit string) (*muster.OverdueReport, error) {
		return s.ArmoryReports.OverdueReturns(r.Context(), unit, days)
	}, func(rep *muster.OverdueReport) [][]string {
		var out [][]string
		for _, o := range rep.Items {
			out = append(out, []string{o.Serial, o.Type, o.TypeName, o.Armory, o.ServiceNumber, o.Name, o.MemberUnit, csvTime(o.IssuedAt),
				itoa(o.Exercise), o.ExerciseTitle, o.ExerciseEnd.String(), strconv.Itoa(o.DaysOverdue)})
		}
		return out
	})
}

// apiOpenDiscrepancies answers GET /api/v1/reports/armory/discrepancies?unit=CODE&format=F:
// the open discrepancies of the subtree's check campaigns.
func (s *Server) apiOpenDiscrepancies(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "unit", "format")
	armoryReport(s, w, r, q, "discrepancies", discrepanciesHeader, func(unit string) (*muster.DiscrepancyReport, error) {
		return s.ArmoryReports.OpenDiscrepancies(r.Context(), unit)
	}, func(rep *muster.DiscrepancyReport) [][]string {
		var out [][]string
		for _, d := range rep.Discrepancies {
			out = append(out, []string{itoa(d.ID), itoa(d.CheckID), d.Unit, string(d.Kind), d.Serial, d.Member, d.Detail,
				csvTime(d.CreatedAt), csvTime(d.Deadline), strconv.FormatBool(d.Escalated)})
		}
		return out
	})
}
