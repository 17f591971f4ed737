package rostercsv

import (
	"context"
	"io"

	"github.com/muster-force/muster"
)

// Import reads r as a units or members CSV file named name and imports it
// through svc. today bounds birth dates (the zero Date: today's date).
// It is the one way the CLI, the API and the import page import a file.
func Import(ctx context.Context, svc muster.RosterService, kind string, r io.Reader, name string, opt muster.ImportOptions, today muster.Date) (*muster.ImportResult, error) {
	switch kind {
	case "units":
		src, err := NewUnitReader(r, name)
		if err != nil {
			return nil, err
		}
		return svc.ImportUnits(ctx, src, opt)
	case "members":
		src, err := NewMemberReader(r, name)
		if err != nil {
			return nil, err
		}
		if !today.IsZero() {
			src.Today = today
		}
		return svc.ImportMembers(ctx, src, opt)
	}
	return nil, muster.Errorf(muster.EINVALID, "kind: %q is neither units nor members", kind)
}
