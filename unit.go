package muster

import (
	"context"
	"strings"
	"time"
)

// UnitKind is the level of a unit in the force structure.
type UnitKind string

// The unit kinds, from the top of the tree down.
const (
	UnitCommand  UnitKind = "command"
	UnitRegion   UnitKind = "region"
	UnitDistrict UnitKind = "district"
	UnitUnit     UnitKind = "unit"
	UnitSubunit  UnitKind = "subunit"
)

// UnitKinds lists the kinds from the top of the tree down.
var UnitKinds = []UnitKind{UnitCommand, UnitRegion, UnitDistrict, UnitUnit, UnitSubunit}

// Rank returns the depth of the kind (command 0 … subunit 4), or -1 when the
// kind is unknown.
func (k UnitKind) Rank() int {
	for i, v := range UnitKinds {
		if v == k {
			return i
		}
	}
	return -1
}

// Unit is one node of the force structure: a command, region, district,
// unit or subunit.
type Unit struct {
	ID             int64     `json:"-"`
	Code           string    `json:"code"`
	Name           string    `json:"name"`
	Parent         string    `json:"parent"` // parent's code; "" for the root
	ParentID       int64     `json:"-"`
	Kind           UnitKind  `json:"kind"`
	TargetStrength int       `json:"target_strength"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// ValidCode reports whether s may be used as a unit code: 1–32 letters,
// digits, '.', '_' or '-', starting with a letter or digit.
func ValidCode(s string) bool { return validKey(s, "._-") }

// validKey reports whether s is 1–32 ASCII letters and digits, with the
// punctuation in extra allowed after the first character.
func validKey(s string, extra string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case i > 0 && strings.IndexByte(extra, c) >= 0:
		default:
			return false
		}
	}
	return true
}

// Validate checks the unit's own fields; the tree rules (the parent exists
// and is of a higher kind) are checked by the UnitService.
func (u *Unit) Validate() error {
	var details []ErrorDetail
	if !ValidCode(u.Code) {
		details = append(details, ErrorDetail{Field: "code", Message: "must be 1–32 letters, digits, '.', '_' or '-'"})
	}
	if p := lineProblem(u.Name, 200, true); p != "" {
		details = append(details, ErrorDetail{Field: "name", Message: p})
	}
	if u.Parent != "" && !ValidCode(u.Parent) {
		details = append(details, ErrorDetail{Field: "parent", Message: "not a valid unit code"})
	}
	if u.Kind.Rank() < 0 {
		details = append(details, ErrorDetail{Field: "kind", Message: "must be one of command, region, district, unit, subunit"})
	}
	if u.TargetStrength < 0 || u.TargetStrength > 10_000_000 {
		details = append(details, ErrorDetail{Field: "target_strength", Message: "must be a whole number from 0 to 10000000"})
	}
	return InvalidFields("unit", details)
}

// UnitFilter selects units. Under restricts to a subtree (the unit itself
// included); Depth limits how far below Under to go (0: no limit).
type UnitFilter struct {
	Under string
	Depth int
	Kind  UnitKind
}

// UnitUpdate holds the fields to change; nil fields stay as they are.
type UnitUpdate struct {
	Name           *string   `json:"name"`
	Parent         *string   `json:"parent"`
	Kind           *UnitKind `json:"kind"`
	TargetStrength *int      `json:"target_strength"`
}

// Apply returns u with the fields of upd that are set.
func (upd UnitUpdate) Apply(u Unit) Unit {
	if upd.Name != nil {
		u.Name = *upd.Name
	}
	if upd.Parent != nil {
		u.Parent = *upd.Parent
	}
	if upd.Kind != nil {
		u.Kind = *upd.Kind
	}
	if upd.TargetStrength != nil {
		u.TargetStrength = *upd.TargetStrength
	}
	return u
}

// UnitStrength is a unit with the strength of its subtree: members by status
// against the target strength summed over the subtree.
type UnitStrength struct {
	Unit     *Unit          `json:"unit"`
	Target   int            `json:"target"`  // sum of target strengths in the subtree
	Members  int            `json:"members"` // members in the subtree, any status but discharged
	Active   int            `json:"active"`  // members with status active
	ByStatus map[string]int `json:"by_status"`
}

// UnitService manages the force structure. Every method checks the actor
// in ctx (see ActorFrom) against its unit subtree.
//
// Errors: ENOTFOUND for an unknown unit, EFORBIDDEN for one outside the
// actor's subtree or a change the actor's role does not allow, EINVALID for
// bad fields, ECONFLICT for a duplicate code or a cycle.
type UnitService interface {
	FindUnit(ctx context.Context, code string) (*Unit, error)
	// FindUnits returns the units of the filter in tree order (depth first,
	// children by code).
	FindUnits(ctx context.Context, filter UnitFilter) ([]*Unit, error)
	CreateUnit(ctx context.Context, u *Unit) error
	UpdateUnit(ctx context.Context, code string, upd UnitUpdate) (*Unit, error)
	// UnitStrengths returns the strength of the unit and of each unit down to
	// depth levels below it.
	UnitStrengths(ctx context.Context, code string, depth int) ([]UnitStrength, error)
}
