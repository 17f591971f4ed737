package muster

import (
	"context"
	"fmt"
)

// CoverageFilter selects a qualification coverage report: Unit and its
// units down to Depth levels below it.
type CoverageFilter struct {
	Unit  string
	Depth int
}

// Validate checks the filter's fields.
func (f *CoverageFilter) Validate() error {
	var details []ErrorDetail
	if !ValidCode(f.Unit) {
		details = append(details, ErrorDetail{Field: "unit", Message: "required, a unit code"})
	}
	if f.Depth < 0 || f.Depth > 10 {
		details = append(details, ErrorDetail{Field: "depth", Message: "must be from 0 to 10"})
	}
	return InvalidFields("report", details)
}

// Coverage is one qualification on one unit's line of the report, over
// the unit's subtree. Holders are members (not discharged) holding it
// valid on the report's date; Share is Holders over the line's Members.
// Needed is the unit's own requirement or, when larger, the sum of what
// its child units need; Gap is the holders missing: the unit's own
// requirement less its holders, or when larger the sum of its child
// units' gaps (a surplus in one unit does not fill another's shortfall).
type Coverage struct {
	Qualification string  `json:"qualification"`
	Holders       int     `json:"holders"`
	Share         float64 `json:"share"`
	Needed        int     `json:"needed"`
	Gap           int     `json:"gap"`
}

// Percent returns Share as a whole percentage, for people.
func (c *Coverage) Percent() string { return fmt.Sprintf("%.0f%%", c.Share*100) }

// UnitCoverage is one unit's line of the report: its members (not
// discharged) and one Coverage per qualification of the report.
type UnitCoverage struct {
	Unit     string     `json:"unit"`
	Name     string     `json:"name"`
	Level    int        `json:"level"` // 0 for the report's unit, 1 for its children, …
	Members  int        `json:"members"`
	Coverage []Coverage `json:"coverage"`
}

// CoverageReport is the qualification coverage of a unit's subtree on a
// date: the qualifications held or required anywhere in the subtree, by
// code, and the unit's line followed by its units' in tree order.
type CoverageReport struct {
	Unit           string         `json:"unit"`
	Date           Date           `json:"date"`
	Depth          int            `json:"depth"`
	Qualifications []string       `json:"qualifications"`
	Units          []UnitCoverage `json:"units"`
}

// CoverageService computes the qualification coverage report.
type CoverageService interface {
	// QualificationCoverage returns the report of the filter for today.
	// EINVALID for a bad filter; ENOTFOUND for an unknown unit;
	// EFORBIDDEN without roster.read or outside the actor's subtree.
	QualificationCoverage(ctx context.Context, f CoverageFilter) (*CoverageReport, error)
}
