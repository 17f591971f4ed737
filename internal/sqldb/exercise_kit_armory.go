package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/muster-force/muster"
)

// kitItem is an exercise's kit item as HandOutKit and ReturnKit need it:
// for armory kit, its item type's code and kind and, for a consumable, the
// armory's unit code.
type kitItem struct {
	id       int64
	name     string
	per      int
	itemType string
	kind     muster.ItemKind
	armory   string
}

// linked reports whether the item goes through the armory.
func (k *kitItem) linked() bool { return k.itemType != "" }

// findKitItem returns the exercise's kit item with the name.
func findKitItem(ctx context.Context, q querier, id int64, name string) (*kitItem, error) {
	k := &kitItem{name: name}
	err := q.QueryRowContext(ctx, `SELECT k.id, k.per_participant, COALESCE(t.code, ''), COALESCE(t.kind, ''), COALESCE(u.code, '')
		FROM exercise_kit_items k LEFT JOIN item_types t ON t.id = k.item_type_id
		LEFT JOIN armories a ON a.id = k.armory_id LEFT JOIN units u ON u.id = a.unit_id
		WHERE k.exercise_id = $1 AND k.name = $2`, id, name).Scan(&k.id, &k.per, &k.itemType, &k.kind, &k.armory)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fieldError(muster.ENOTFOUND, "item", "exercise %d has no kit item %q", id, name)
	}
	return k, err
}

// linkKitItem checks the armory link of a new kit item and returns the
// item type's and the armory's ids (NULL for plain kit): a serialised type
// is handed out one per participant; a consumable needs an armory in the
// actor's subtree to issue from.
func (tx *Tx) linkKitItem(ctx context.Context, k *muster.KitItem) (typeID, armoryID sql.NullInt64, err error) {
	if k.ItemType == "" {
		return typeID, armoryID, nil
	}
	id, kind, _, err := itemType(ctx, tx, k.ItemType, "item_type")
	if err != nil {
		return typeID, armoryID, err
	}
	typeID = sql.NullInt64{Int64: id, Valid: true}
	switch {
	case kind == muster.Serialised && k.PerParticipant != 1:
		return typeID, armoryID, fieldError(muster.EUNPROCESSABLE, "per_participant", "%s is serialised: one item per participant", k.ItemType)
	case kind == muster.Serialised && k.Armory != "":
		return typeID, armoryID, fieldError(muster.EUNPROCESSABLE, "armory", "%s is serialised: each serial's own armory issues it", k.ItemType)
	case kind == muster.Consumable && k.Armory == "":
		return typeID, armoryID, fieldError(muster.EUNPROCESSABLE, "armory", "required for %s, a consumable: the armory's unit code", k.ItemType)
	case kind == muster.Consumable:
		ref, err := tx.armoryIn(ctx, k.Armory)
		if err != nil {
			return typeID, armoryID, armoryField(err, "armory", k.Armory)
		}
		armoryID = sql.NullInt64{Int64: ref.id, Valid: true}
	}
	return typeID, armoryID, nil
}

// requireArmoryKit refuses armory kit to an actor without armory.write:
// the desk's clerks hand out plain kit only.
func requireArmoryKit(a *muster.Actor, item string) error {
	if !a.Role.Can(muster.PermArmory) {
		return muster.Errorf(muster.EFORBIDDEN, "%s is armory kit: your role (%s) does not allow moving armory items.", item, a.Role)
	}
	return nil
}

// issueArmoryKit moves q of the linked kit item k to the participant in
// the armory, inside tx: the scanned serial through the ledger, or q of
// the lot from the item's armory's stock. It returns the serial or lot to
// record on the kit row.
func (tx *Tx) issueArmoryKit(ctx context.Context, exercise int64, k *kitItem, in muster.KitInput, q int) (serial, lot string, err error) {
	note := fmt.Sprintf("exercise %d kit: %s", exercise, k.name)
	if k.kind == muster.Serialised {
		if in.Serial == "" || in.Lot != "" {
			return "", "", fieldError(muster.EUNPROCESSABLE, "serial", "required for %s: scan the serial of the %s handed out", k.name, k.itemType)
		}
		it, err := findItem(ctx, tx, in.Serial)
		if err != nil {
			return "", "", fieldError(muster.EUNPROCESSABLE, "serial", "item %s does not exist", in.Serial)
		}
		if err := checkScope(ctx, tx, tx.actor, it.armory.unitID, "Armory "+it.Armory); err != nil {
			return "", "", err
		}
		if it.Type != k.itemType {
			return "", "", fieldError(muster.EUNPROCESSABLE, "serial", "%s is a %s, not a %s", in.Serial, it.Type, k.itemType)
		}
		err = tx.db.MoveItems(tx.within(ctx), []muster.ItemMove{{Serial: in.Serial,
			Movement: muster.Movement{Kind: muster.MoveIssue, ServiceNumber: in.ServiceNumber, Note: note}}})
		return in.Serial, "", err
	}
	if in.Lot == "" || in.Serial != "" {
		return "", "", fieldError(muster.EUNPROCESSABLE, "lot", "required for %s: the lot of %s issued from %s", k.name, k.itemType, k.armory)
	}
	_, err = tx.db.IssueStock(tx.within(ctx), muster.StockMovement{Armory: k.armory, Type: k.itemType, Lot: in.Lot,
		Quantity: int64(q), ServiceNumber: in.ServiceNumber, Note: note})
	return "", in.Lot, err
}

// returnArmoryKit takes a participant's linked kit back into the armory,
// inside tx: a serial still issued to them through the ledger's return (one
// the armory took back directly is only marked returned here), a lot's
// quantity received back into the item's armory.
func (tx *Tx) returnArmoryKit(ctx context.Context, exercise int64, serviceNumber string, h *heldKit) error {
	note := fmt.Sprintf("exercise %d kit returned by %s: %s", exercise, serviceNumber, h.item.name)
	if h.item.kind == muster.Serialised {
		it, err := findItem(ctx, tx, h.serial)
		if err != nil {
			return err
		}
		if it.Status != muster.Issued || it.Holder != serviceNumber {
			return nil
		}
		return tx.db.MoveItems(tx.within(ctx), []muster.ItemMove{{Serial: h.serial,
			Movement: muster.Movement{Kind: muster.MoveReturn, Note: note}}})
	}
	_, err := tx.db.ReturnStock(tx.within(ctx), muster.StockMovement{Armory: h.item.armory, Type: h.item.itemType, Lot: h.lot,
		Quantity: int64(h.quantity), ServiceNumber: serviceNumber, Note: note})
	return err
}

// heldKit is kit a participant holds and has not returned.
type heldKit struct {
	item     *kitItem
	quantity int
	serial   string
	lot      string
}

// heldKitOf returns what the participant holds of the item ("" for every
// item), not yet returned.
func heldKitOf(ctx context.Context, q querier, exercise, memberID int64, item string) ([]*heldKit, error) {
	rows, err := q.QueryContext(ctx, `SELECT k.id, k.name, k.per_participant, COALESCE(t.code, ''), COALESCE(t.kind, ''), COALESCE(u.code, ''),
		i.quantity, i.serial, i.lot
		FROM exercise_kit_issues i JOIN exercise_kit_items k ON k.id = i.item_id
		LEFT JOIN item_types t ON t.id = k.item_type_id LEFT JOIN armories a ON a.id = k.armory_id LEFT JOIN units u ON u.id = a.unit_id
		WHERE i.exercise_id = $1 AND i.member_id = $2 AND i.returned_at = '' AND ($3 = '' OR k.name = $3) ORDER BY k.name`,
		exercise, memberID, item)
	if err != nil {
		return nil, fmt.Errorf("kit held: %w", err)
	}
	defer rows.Close()
	var out []*heldKit
	for rows.Next() {
		h := &heldKit{item: &kitItem{}}
		if err := rows.Scan(&h.item.id, &h.item.name, &h.item.per, &h.item.itemType, &h.item.kind, &h.item.armory,
			&h.quantity, &h.serial, &h.lot); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
