package muster

import (
	"context"
)

// MemberRecord is one row of a member import: the line it came from, the
// member as read, and the problems found while reading it (bad dates,
// unknown statuses, …). Problems found against the database are added by
// the RosterService.
type MemberRecord struct {
	Line     int
	Member   Member
	Problems []ErrorDetail
}

// UnitRecord is one row of a unit import.
type UnitRecord struct {
	Line     int
	Unit     Unit
	Problems []ErrorDetail
}

// MemberSource streams member records; Next returns io.EOF after the last.
// An error other than io.EOF (e.g. a malformed header) aborts the import.
//
// Columns lists the member fields the source carries, by their CSV names
// (service_number is always among them). An import updates only those
// fields of existing members; creating a member needs family_name,
// given_name, birth_date, unit and status.
type MemberSource interface {
	Columns() []string
	Next() (*MemberRecord, error)
}

// UnitSource streams unit records; Next returns io.EOF after the last.
//
// Columns lists the unit fields the source carries, by their CSV names
// (code is always among them). An import updates only those fields of
// existing units; creating a unit needs name and kind, and a parent unless
// it is the force's first unit, its root.
type UnitSource interface {
	Columns() []string
	Next() (*UnitRecord, error)
}

// ImportOptions tunes an import. With DryRun everything is checked and
// counted, and nothing is kept.
type ImportOptions struct {
	DryRun bool
}

// ImportResult counts what an import did (or, dry, would do).
type ImportResult struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// RosterService imports and exports the roster in bulk.
//
// An import is an upsert keyed by code or service number and is
// all-or-nothing: when any record has a problem, nothing changes and the
// error (EUNPROCESSABLE) carries one detail per problem, in line order.
type RosterService interface {
	ImportUnits(ctx context.Context, src UnitSource, opt ImportOptions) (*ImportResult, error)
	ImportMembers(ctx context.Context, src MemberSource, opt ImportOptions) (*ImportResult, error)
	// ExportMembers calls fn for each member of the unit subtree ("" for
	// the actor's whole subtree) in service-number order.
	ExportMembers(ctx context.Context, unit string, fn func(*Member) error) error
}
