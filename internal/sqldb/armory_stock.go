package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// ReceiveStock adds consumables of a lot to an armory in the actor's
// subtree, with a receive entry in the ledger.
func (db *DB) ReceiveStock(ctx context.Context, m muster.StockMovement) (*muster.Stock, error) {
	return db.moveStock(ctx, m, muster.MoveReceive)
}

// IssueStock hands consumables of a lot from an armory to a member, both
// in the actor's subtree; more than the armory holds is ECONFLICT.
func (db *DB) IssueStock(ctx context.Context, m muster.StockMovement) (*muster.Stock, error) {
	return db.moveStock(ctx, m, muster.MoveIssue)
}

// ReturnStock takes consumables of a lot back from a member into an
// armory, both in the actor's subtree.
func (db *DB) ReturnStock(ctx context.Context, m muster.StockMovement) (*muster.Stock, error) {
	return db.moveStock(ctx, m, muster.MoveReturn)
}

// TransferStock moves consumables of a lot from an armory to another, both
// in the actor's subtree; more than the armory holds is ECONFLICT.
func (db *DB) TransferStock(ctx context.Context, m muster.StockMovement) (*muster.Stock, error) {
	if m.ToArmory == "" {
		return nil, fieldError(muster.EUNPROCESSABLE, "to_armory", "required, the code of the receiving armory's unit")
	}
	return db.moveStock(ctx, m, muster.MoveTransfer)
}

// moveStock applies one movement of consumables of the kind (receive,
// issue, return or transfer) with its ledger entry, and returns the stock
// of m.Armory after.
func (db *DB) moveStock(ctx context.Context, m muster.StockMovement, kind muster.MovementKind) (*muster.Stock, error) {
	withMember := kind == muster.MoveIssue || kind == muster.MoveReturn
	if kind != muster.MoveTransfer {
		m.ToArmory = ""
	}
	if err := m.Validate(withMember); err != nil {
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
		typeID, itemKind, _, err := itemType(ctx, tx, m.Type, "type")
		if err != nil {
			return err
		}
		if itemKind != muster.Consumable {
			return fieldError(muster.EUNPROCESSABLE, "type", "%s is serialised; move each item by its serial", m.Type)
		}
		e := &muster.LedgerEntry{Kind: kind, Type: m.Type, Lot: m.Lot, Quantity: m.Quantity, Note: m.Note}
		delta := m.Quantity
		switch kind {
		case muster.MoveReceive:
			e.ToArmory = ref.code
		case muster.MoveReturn:
			if _, _, err := tx.memberIn(ctx, m.ServiceNumber); err != nil {
				return err
			}
			e.ToArmory, e.Member = ref.code, m.ServiceNumber
		case muster.MoveIssue:
			if _, err := tx.issueTo(ctx, m.ServiceNumber); err != nil {
				return err
			}
			e.FromArmory, e.Member, delta = ref.code, m.ServiceNumber, -m.Quantity
		case muster.MoveTransfer:
			to, err := tx.armoryIn(ctx, m.ToArmory)
			if err != nil {
				return armoryField(err, "to_armory", m.ToArmory)
			}
			if _, err := tx.adjustStock(ctx, to, typeID, m, m.Quantity); err != nil {
				return err
			}
			e.FromArmory, e.ToArmory, delta = ref.code, to.code, -m.Quantity
		}
		if out.Quantity, err = tx.adjustStock(ctx, ref, typeID, m, delta); err != nil {
			return err
		}
		return tx.appendLedger(ctx, head, e)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// adjustStock adds delta to the armory's stock of m's lot and returns the
// quantity after; taking more than there is is ECONFLICT.
func (tx *Tx) adjustStock(ctx context.Context, a armoryRef, typeID int64, m muster.StockMovement, delta int64) (int64, error) {
	_, err := tx.ExecContext(ctx, `INSERT INTO stock (armory_id, type_id, lot, quantity) VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING`,
		a.id, typeID, m.Lot)
	if err != nil {
		return 0, fmt.Errorf("stock row: %w", err)
	}
	var q int64
	if err := tx.QueryRowContext(ctx, `SELECT quantity FROM stock WHERE armory_id = $1 AND type_id = $2 AND lot = $3`,
		a.id, typeID, m.Lot).Scan(&q); err != nil {
		return 0, fmt.Errorf("read stock: %w", err)
	}
	if q+delta < 0 {
		return 0, fieldError(muster.ECONFLICT, "quantity", "%s holds %d of %s lot %s", a.code, q, m.Type, m.Lot)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE stock SET quantity = $1 WHERE armory_id = $2 AND type_id = $3 AND lot = $4`,
		q+delta, a.id, typeID, m.Lot); err != nil {
		return 0, fmt.Errorf("update stock: %w", err)
	}
	return q + delta, nil
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
