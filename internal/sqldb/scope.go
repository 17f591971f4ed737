package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// actorOf returns the actor of ctx, or EUNAUTHORIZED when there is none:
// no service method runs anonymously.
func actorOf(ctx context.Context) (*muster.Actor, error) {
	a := muster.ActorFrom(ctx)
	if a == nil {
		return nil, muster.Errorf(muster.EUNAUTHORIZED, "Sign in first.")
	}
	return a, nil
}

// require returns EFORBIDDEN unless the actor's role grants p.
func require(a *muster.Actor, p muster.Permission) error {
	if !a.Role.Can(p) {
		return muster.Errorf(muster.EFORBIDDEN, "Your role (%s) does not allow this.", a.Role)
	}
	return nil
}

// actorAllowed returns the actor of ctx (see actorOf) once require has
// checked that its role grants p.
func actorAllowed(ctx context.Context, p muster.Permission) (*muster.Actor, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := require(a, p); err != nil {
		return nil, err
	}
	return a, nil
}

// unrestricted reports whether the actor sees the whole tree.
func unrestricted(a *muster.Actor) bool { return a.UnitID == 0 }

// seesWholeForce reports whether the actor sees every unit: it is
// unrestricted, or bound to the force's only top unit.
func seesWholeForce(ctx context.Context, q querier, a *muster.Actor) (bool, error) {
	if unrestricted(a) {
		return true, nil
	}
	return wholeForce(ctx, q, a.UnitID)
}

// inScope reports whether the unit lies in the actor's subtree.
func inScope(ctx context.Context, q querier, a *muster.Actor, unitID int64) (bool, error) {
	if unrestricted(a) {
		return true, nil
	}
	return withinUnit(ctx, q, a.UnitID, unitID)
}

// withinUnit reports whether the unit unitID lies in the subtree of the
// unit rootID.
func withinUnit(ctx context.Context, q querier, rootID, unitID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM unit_tree WHERE ancestor_id = $1 AND unit_id = $2`, rootID, unitID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("scope check: %w", err)
	}
	return n > 0, nil
}

// checkScope returns EFORBIDDEN unless the unit lies in the actor's subtree.
// what names the thing for the message, e.g. "unit GOM-MOZ".
func checkScope(ctx context.Context, q querier, a *muster.Actor, unitID int64, what string) error {
	ok, err := inScope(ctx, q, a, unitID)
	if err != nil {
		return err
	}
	if !ok {
		return muster.Errorf(muster.EFORBIDDEN, "%s is outside your unit (%s).", what, a.Unit)
	}
	return nil
}

// checkFieldScope is checkScope for a unit that a field of the input
// names (what: "unit GOM"): its error names the field.
func checkFieldScope(ctx context.Context, q querier, a *muster.Actor, unitID int64, field, what string) error {
	ok, err := inScope(ctx, q, a, unitID)
	if err != nil {
		return err
	}
	if !ok {
		return fieldError(muster.EFORBIDDEN, field, "%s is outside your unit (%s)", what, a.Unit)
	}
	return nil
}

// fieldError returns an error about one field: its message names the field
// for a person, its one detail names it for a program or an import report.
func fieldError(code, field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &muster.Error{Code: code, Message: field + ": " + msg, Details: []muster.ErrorDetail{{Field: field, Message: msg}}}
}
