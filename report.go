package muster

import (
	"context"
	"fmt"
)

// ParticipationFilter selects a participation report: the exercises with a
// day in Year, counted for Unit and its units down to Depth levels below
// it.
type ParticipationFilter struct {
	Unit  string
	Year  int
	Depth int
}

// Validate checks the filter's fields.
func (f *ParticipationFilter) Validate() error {
	var details []ErrorDetail
	if !ValidCode(f.Unit) {
		details = append(details, ErrorDetail{Field: "unit", Message: "required, a unit code"})
	}
	if f.Year < 1900 || f.Year > 9999 {
		details = append(details, ErrorDetail{Field: "year", Message: "must be a year from 1900 to 9999"})
	}
	if f.Depth < 0 || f.Depth > 10 {
		details = append(details, ErrorDetail{Field: "depth", Message: "must be from 0 to 10"})
	}
	return InvalidFields("report", details)
}

// Participation is one unit's line of a participation report, each number
// over the unit's whole subtree. Exercises are those the subtree runs;
// Members is the strength (members not discharged); Participants are the
// members of the subtree, discharged or not, who took part in at least one
// exercise of the year, wherever it was run; Share is
// the part of Members that took part (0 to 1, participants not discharged
// over Members); DaysPresent and Hours add up the attendance marked present
// on days of the year. A member counts in the unit they belong to now.
type Participation struct {
	Unit         string  `json:"unit"`
	Name         string  `json:"name"`
	Level        int     `json:"level"` // 0 for the report's unit, 1 for its children, …
	Exercises    int     `json:"exercises"`
	Members      int     `json:"members"`
	Participants int     `json:"participants"`
	Share        float64 `json:"share"`
	DaysPresent  int     `json:"days_present"`
	Hours        float64 `json:"hours"`
}

// Percent returns Share as a whole percentage, for people.
func (p *Participation) Percent() string { return fmt.Sprintf("%.0f%%", p.Share*100) }

// ParticipationReport is the participation in exercises of a unit's
// subtree over a year: the unit first, then its units in tree order.
type ParticipationReport struct {
	Unit  string          `json:"unit"`
	Year  int             `json:"year"`
	Depth int             `json:"depth"`
	Units []Participation `json:"units"`
}

// ReportService computes reports.
type ReportService interface {
	// Participation returns the participation report of the filter.
	// EINVALID for a bad filter; ENOTFOUND for an unknown unit; EFORBIDDEN
	// without roster.read or for a unit outside the actor's subtree.
	Participation(ctx context.Context, f ParticipationFilter) (*ParticipationReport, error)
}
