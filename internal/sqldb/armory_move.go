package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/muster-force/muster"
)

// armoryField maps an unknown unit in a request body to EUNPROCESSABLE
// naming the field; other errors pass unchanged.
func armoryField(err error, field, code string) error {
	if muster.ErrorCode(err) == muster.ENOTFOUND {
		return fieldError(muster.EUNPROCESSABLE, field, "unit %s does not exist", code)
	}
	return err
}

// CreateItem receives a new serialised item into an armory in the actor's
// subtree: the item, its state and the ledger's receive entry, together.
func (db *DB) CreateItem(ctx context.Context, it *muster.Item) error {
	return db.CreateItems(ctx, []*muster.Item{it})
}

// CreateItems receives many new items in one transaction, all or none;
// the first refused item's error names its serial.
func (db *DB) CreateItems(ctx context.Context, items []*muster.Item) error {
	for _, it := range items {
		if err := it.Validate(); err != nil {
			return err
		}
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermArmory); err != nil {
			return err
		}
		head, err := tx.lockLedger(ctx)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := tx.createItem(ctx, head, it); err != nil {
				return err
			}
		}
		return nil
	})
}

// createItem inserts the item after the ledger entry head.
func (tx *Tx) createItem(ctx context.Context, head *ledgerHead, it *muster.Item) error {
	typeID, kind, typeName, err := itemType(ctx, tx, it.Type, "type")
	if err != nil {
		return err
	}
	if kind != muster.Serialised {
		return fieldError(muster.EUNPROCESSABLE, "type", "%s is a consumable; receive it as stock", it.Type)
	}
	ref, err := tx.armoryIn(ctx, it.Armory)
	if err != nil {
		return armoryField(err, "armory", it.Armory)
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO items (serial, type_id, home_armory_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		it.Serial, typeID, ref.id, formatTime(tx.now)).Scan(&id)
	if isUniqueViolation(err) {
		return fieldError(muster.ECONFLICT, "serial", "item %s exists already", it.Serial)
	} else if err != nil {
		return fmt.Errorf("insert item %s: %w", it.Serial, err)
	}
	e := &muster.LedgerEntry{Kind: muster.MoveReceive, Serial: it.Serial, Type: it.Type, Quantity: 1, ToArmory: ref.code}
	if err := tx.appendLedger(ctx, head, e); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO item_state (item_id, status, armory_id, unit_id, member_id, last_seq) VALUES ($1, $2, $3, $4, NULL, $5)`,
		id, muster.InStore, ref.id, ref.unitID, e.Seq)
	if err != nil {
		return fmt.Errorf("insert item state %s: %w", it.Serial, err)
	}
	it.TypeName, it.Armory, it.Status, it.Holder, it.HolderName = typeName, ref.code, muster.InStore, "", ""
	return tx.audit(ctx, "item.create", "item", it.Serial, nil, it)
}

// MoveItem applies one movement to an item whose armory is in the actor's
// subtree, as a ledger entry and the item's new state.
func (db *DB) MoveItem(ctx context.Context, serial string, m muster.Movement) (*muster.Item, error) {
	if err := db.MoveItems(ctx, []muster.ItemMove{{Serial: serial, Movement: m}}); err != nil {
		return nil, err
	}
	return db.FindItem(ctx, serial)
}

// MoveItems applies movements in order in one transaction, all or none.
func (db *DB) MoveItems(ctx context.Context, moves []muster.ItemMove) error {
	for i := range moves {
		if err := moves[i].Movement.Validate(); err != nil {
			return err
		}
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermArmory); err != nil {
			return err
		}
		head, err := tx.lockLedger(ctx)
		if err != nil {
			return err
		}
		for _, mv := range moves {
			if err := tx.moveItem(ctx, head, mv.Serial, mv.Movement); err != nil {
				return err
			}
		}
		return nil
	})
}

// moveItem applies m to the item after the ledger entry head.
func (tx *Tx) moveItem(ctx context.Context, head *ledgerHead, serial string, m muster.Movement) error {
	it, err := findItem(ctx, tx, serial)
	if err != nil {
		return err
	}
	if err := checkScope(ctx, tx, tx.actor, it.armory.unitID, "Armory "+it.Armory); err != nil {
		return err
	}
	next, err := m.Kind.Next(it.Status)
	if err != nil {
		return err
	}
	e := &muster.LedgerEntry{Kind: m.Kind, Serial: it.Serial, Type: it.Type, Quantity: 1, FromArmory: it.Armory,
		ToArmory: it.Armory, Member: it.Holder, Note: m.Note}
	to, holder := it.armory, sql.NullInt64{}
	switch m.Kind {
	case muster.MoveIssue:
		member, err := tx.issueTo(ctx, m.ServiceNumber)
		if err != nil {
			return err
		}
		e.Member, holder = m.ServiceNumber, sql.NullInt64{Int64: member.id, Valid: true}
	case muster.MoveTransfer:
		if to, err = tx.armoryIn(ctx, m.ToArmory); err != nil {
			return armoryField(err, "to_armory", m.ToArmory)
		}
		if to.id == it.armory.id {
			return fieldError(muster.EUNPROCESSABLE, "to_armory", "the item is in %s already", to.code)
		}
		e.ToArmory = to.code
	}
	if err := tx.appendLedger(ctx, head, e); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE item_state SET status = $1, armory_id = $2, unit_id = $3, member_id = $4, last_seq = $5 WHERE item_id = $6`,
		next, to.id, to.unitID, holder, e.Seq, it.id)
	if err != nil {
		return fmt.Errorf("update item state %s: %w", serial, err)
	}
	if m.Kind == muster.MoveIssue && tx.actor.Kind != "system" {
		// The system's issues are bulk loads (the demo): no receipts.
		return tx.queueReceipt(ctx, holder.Int64, it.TypeName, e)
	}
	return nil
}

// issueTo returns the member to issue to, who must be in the actor's
// subtree and not discharged.
func (tx *Tx) issueTo(ctx context.Context, serviceNumber string) (memberRef, error) {
	m, status, err := tx.memberIn(ctx, serviceNumber)
	if err == nil && status == muster.StatusDischarged {
		err = fieldError(muster.ECONFLICT, "service_number", "member %s is discharged", serviceNumber)
	}
	return m, err
}

// memberIn returns the member with the service number, and their status,
// if in the actor's subtree: ENOTFOUND or EFORBIDDEN otherwise.
func (tx *Tx) memberIn(ctx context.Context, serviceNumber string) (memberRef, muster.MemberStatus, error) {
	var m memberRef
	var status muster.MemberStatus
	err := tx.QueryRowContext(ctx, `SELECT id, unit_id, status FROM members WHERE service_number = $1`, serviceNumber).Scan(&m.id, &m.unitID, &status)
	if err != nil {
		return m, status, notFound(err, "Member %s does not exist.", serviceNumber)
	}
	return m, status, checkScope(ctx, tx, tx.actor, m.unitID, "Member "+serviceNumber)
}
