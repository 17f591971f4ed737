package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// ReceiveStock adds consumables of a lot to an armory in the actor's
// subtree, with a receive entry in the ledger.
func (db *DB) ReceiveStock(ctx context.Context, m muster.StockMovement) (*muster.Stock, error) {
	return db.moveStock(ctx, m, false)
}

// IssueStock hands consumables of a lot from an armory to a member, both
// in the actor's subtree; more than the armory holds is ECONFLICT.
func (db *DB) IssueStock(ctx context.Context, m muster.StockMovement) (*muster.Stock, error) {
	return db.moveStock(ctx, m, true)
}

func (db *DB) moveStock(ctx context.Context, m muster.StockMovement, issue bool) (*muster.Stock, error) {
	if err := m.Validate(issue); err != nil {
		return nil, err
	}
	out := &muster.Stock{Armory: m.Armory, Type: m.Type, Lot: m.Lot}
	err := db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermArmory); err != nil {
			return err
		}
		head, err := tx.lockLedger(ctx)
		if err != nil {
			return err
		}
		ref, err := tx.armoryIn(ctx, m.Armory)
		if err != nil {
			return err
		}
		typeID, kind, err := itemType(ctx, tx, m.Type, "type")
		if err != nil {
			return err
		}
		if kind != muster.Consumable {
			return fieldError(muster.EUNPROCESSABLE, "type", "%s is serialised; receive each item by its serial", m.Type)
		}
		e := &muster.LedgerEntry{Kind: muster.MoveReceive, Type: m.Type, Lot: m.Lot, Quantity: m.Quantity, ToArmory: ref.code, Note: m.Note}
		delta := m.Quantity
		if issue {
			if _, err := tx.issueTo(ctx, m.ServiceNumber); err != nil {
				return err
			}
			e.Kind, e.FromArmory, e.ToArmory, e.Member, delta = muster.MoveIssue, ref.code, "", m.ServiceNumber, -m.Quantity
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO stock (armory_id, type_id, lot, quantity) VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING`,
			ref.id, typeID, m.Lot)
		if err != nil {
			return fmt.Errorf("stock row: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT quantity FROM stock WHERE armory_id = $1 AND type_id = $2 AND lot = $3`,
			ref.id, typeID, m.Lot).Scan(&out.Quantity); err != nil {
			return fmt.Errorf("read stock: %w", err)
		}
		if out.Quantity+delta < 0 {
			return fieldError(muster.ECONFLICT, "quantity", "%s holds %d of %s lot %s", ref.code, out.Quantity, m.Type, m.Lot)
		}
		out.Quantity += delta
		if _, err := tx.ExecContext(ctx, `UPDATE stock SET quantity = $1 WHERE armory_id = $2 AND type_id = $3 AND lot = $4`,
			out.Quantity, ref.id, typeID, m.Lot); err != nil {
			return fmt.Errorf("update stock: %w", err)
		}
		return tx.appendLedger(ctx, head, e)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FindStock returns the consumables an armory in the actor's subtree holds,
// by type and lot.
func (db *DB) FindStock(ctx context.Context, armory string) ([]*muster.Stock, error) {
	a, err := actorAllowed(ctx, muster.PermReadRoster)
	if err != nil {
		return nil, err
	}
	ref, err := findArmory(ctx, db.read, armory)
	if err != nil {
		return nil, err
	}
	if err := checkScope(ctx, db.read, a, ref.unitID, "Armory "+armory); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT t.code, st.lot, st.quantity FROM stock st JOIN item_types t ON t.id = st.type_id
		WHERE st.armory_id = $1 AND st.quantity > 0 ORDER BY t.code, st.lot`, ref.id)
	if err != nil {
		return nil, fmt.Errorf("find stock: %w", err)
	}
	defer rows.Close()
	out := []*muster.Stock{}
	for rows.Next() {
		s := &muster.Stock{Armory: ref.code}
		if err := rows.Scan(&s.Type, &s.Lot, &s.Quantity); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
