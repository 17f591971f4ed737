package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/muster-force/muster"
)

// unitRequiredToCreate are the columns a new unit cannot do without (code
// is in every file; parent is checked by insertUnit, as only the root may
// go without).
var unitRequiredToCreate = []string{"name", "kind"}

// ImportUnits upserts the units of src, all or nothing. Rows may come in
// any order: each is applied once its parent exists. Only the columns of
// src change on an existing unit.
func (db *DB) ImportUnits(ctx context.Context, src muster.UnitSource, opt muster.ImportOptions) (*muster.ImportResult, error) {
	present := columnsOf(src.Columns())
	var recs []*muster.UnitRecord
	var probs problems
	lineOf := map[string]int{}
	for {
		rec, err := src.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		for _, p := range rec.Problems {
			p.Line = rec.Line
			probs.add(p)
		}
		if first, dup := lineOf[rec.Unit.Code]; dup && rec.Unit.Code != "" {
			probs.add(muster.ErrorDetail{Line: rec.Line, Field: "code", Message: fmt.Sprintf("%s appears more than once in the file (first on line %d)", rec.Unit.Code, first)})
			continue
		}
		lineOf[rec.Unit.Code] = rec.Line
		if len(rec.Problems) == 0 {
			recs = append(recs, rec)
		}
	}
	res := &muster.ImportResult{}
	err := db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermWriteUnits); err != nil {
			return err
		}
		pending := recs
		for len(pending) > 0 {
			var later []*muster.UnitRecord
			for _, rec := range pending {
				if _, inFile := lineOf[rec.Unit.Parent]; inFile && rec.Unit.Parent != "" && !tx.unitExists(ctx, rec.Unit.Parent) {
					later = append(later, rec)
					continue
				}
				if err := tx.upsertUnit(ctx, rec, present, res); err != nil {
					if muster.ErrorCode(err) == muster.EINTERNAL {
						return err
					}
					details := muster.ErrorDetails(err)
					if len(details) == 0 {
						details = []muster.ErrorDetail{{Message: muster.ErrorMessage(err)}}
					}
					for _, d := range details {
						d.Line = rec.Line
						probs.add(d)
					}
				}
			}
			if len(later) == len(pending) {
				for _, rec := range later {
					probs.add(muster.ErrorDetail{Line: rec.Line, Field: "parent", Message: fmt.Sprintf("parent %s could not be placed (a cycle, or its own row has problems)", rec.Unit.Parent)})
				}
				break
			}
			pending = later
		}
		if err := probs.err("file"); err != nil {
			return err
		}
		if err := tx.audit(ctx, "unit.import", "import", "units", nil, res); err != nil {
			return err
		}
		if opt.DryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && err != errDryRun {
		return nil, err
	}
	return res, nil
}

func (tx *Tx) unitExists(ctx context.Context, code string) bool {
	var id int64
	return tx.QueryRowContext(ctx, `SELECT id FROM units WHERE code = $1`, code).Scan(&id) == nil
}

// upsertUnit creates or updates one unit from an import row; present are
// the columns of the file.
func (tx *Tx) upsertUnit(ctx context.Context, rec *muster.UnitRecord, present fileColumns, res *muster.ImportResult) error {
	u := rec.Unit
	before, err := findUnit(ctx, tx, u.Code)
	if errors.Is(err, sql.ErrNoRows) || muster.ErrorCode(err) == muster.ENOTFOUND {
		if missing := present.missingToCreate(unitRequiredToCreate, "unit "+u.Code); len(missing) > 0 {
			return &muster.Error{Code: muster.EUNPROCESSABLE, Message: "unit " + u.Code + " cannot be created", Details: missing}
		}
		if err := tx.insertUnit(ctx, &u); err != nil {
			return err
		}
		res.Created++
		return tx.audit(ctx, "unit.create", "unit", u.Code, nil, u)
	} else if err != nil {
		return err
	}
	upd := unitUpdate(&u, present)
	if upd.Apply(*before) == *before {
		res.Unchanged++
		return nil
	}
	if err := checkFieldScope(ctx, tx, tx.actor, before.ID, "code", "unit "+u.Code); err != nil {
		return err
	}
	after, err := tx.updateUnit(ctx, before, upd)
	if err != nil {
		return err
	}
	res.Updated++
	return tx.audit(ctx, "unit.update", "unit", u.Code, before, after)
}

// unitUpdate returns the update an import row makes: the columns present
// in the file, taken from u; the others stay as they are.
func unitUpdate(u *muster.Unit, present fileColumns) muster.UnitUpdate {
	var upd muster.UnitUpdate
	if present["name"] {
		upd.Name = &u.Name
	}
	if present["parent"] {
		upd.Parent = &u.Parent
	}
	if present["kind"] {
		upd.Kind = &u.Kind
	}
	if present["target_strength"] {
		upd.TargetStrength = &u.TargetStrength
	}
	return upd
}
