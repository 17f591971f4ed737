package muster

import (
	"context"
	"fmt"
)

// UnitRequirement is how many valid holders of a qualification a unit
// needs, counted over its subtree (the unit and the units below it).
type UnitRequirement struct {
	Qualification string `json:"qualification"`
	Needed        int    `json:"needed"`
}

// ValidateRequirements checks a unit's list of requirements: each a
// qualification code, at most once, needing 1 to 1,000,000 holders.
// Every problem is one detail naming its place in the list.
func ValidateRequirements(list []UnitRequirement) error {
	var details []ErrorDetail
	seen := map[string]bool{}
	for i, r := range list {
		field := fmt.Sprintf("requirements[%d]", i)
		switch {
		case !ValidCode(r.Qualification):
			details = append(details, ErrorDetail{Field: field + ".qualification", Message: "required, a qualification code"})
		case seen[r.Qualification]:
			details = append(details, ErrorDetail{Field: field + ".qualification", Message: r.Qualification + " is listed twice"})
		}
		seen[r.Qualification] = true
		if r.Needed < 1 || r.Needed > 1_000_000 {
			details = append(details, ErrorDetail{Field: field + ".needed", Message: "must be from 1 to 1000000 (leave a qualification out to require none)"})
		}
	}
	return InvalidFields("requirements", details)
}

// UnitRequirementService keeps what units require.
type UnitRequirementService interface {
	// FindUnitRequirements returns the unit's requirements by
	// qualification code. ENOTFOUND for an unknown unit; EFORBIDDEN
	// without roster.read or outside the actor's subtree.
	FindUnitRequirements(ctx context.Context, unit string) ([]UnitRequirement, error)
	// SetUnitRequirements replaces the unit's requirements with list, all
	// or nothing, audited with before and after. EINVALID for a bad list
	// or an unknown qualification; EFORBIDDEN without units.write or
	// outside the actor's subtree.
	SetUnitRequirements(ctx context.Context, unit string, list []UnitRequirement) ([]UnitRequirement, error)
}
