package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/muster-force/muster"
)

// CreateKitItem adds an item of kit to hand to each participant, linked
// to the armory when k.ItemType is set (see muster.KitItem).
func (db *DB) CreateKitItem(ctx context.Context, id int64, k *muster.KitItem) error {
	if err := k.Validate(); err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		if _, err := exerciseIn(ctx, tx, tx.actor, muster.PermCallUp, id); err != nil {
			return err
		}
		typeID, armoryID, err := tx.linkKitItem(ctx, k)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO exercise_kit_items (exercise_id, name, per_participant, item_type_id, armory_id, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, id, k.Name, k.PerParticipant, typeID, armoryID, tx.actor.Label(), formatTime(tx.now)).Scan(&k.ID)
		if isUniqueViolation(err) {
			return fieldError(muster.ECONFLICT, "name", "exercise %d already has a kit item named %q", id, k.Name)
		} else if err != nil {
			return fmt.Errorf("insert kit item: %w", err)
		}
		k.HandedOut, k.Returned, k.ToHandOut = 0, 0, 0
		return tx.audit(ctx, "exercise.kit.create", "exercise", strconv.FormatInt(id, 10), nil, k)
	})
}

// HandOutKit records kit handed to a participant: in.Quantity more of the
// item, or all still due when 0. Handing out more than the item's quantity
// per participant, or again after the participant returned it, is refused
// (ECONFLICT). Plain kit needs callups.checkin; armory kit needs
// armory.write and goes through the armory in the same transaction (the
// scanned serial issued through the ledger, or the lot from stock), so
// either both the armory and the kit record change or neither does.
func (db *DB) HandOutKit(ctx context.Context, id int64, in muster.KitInput) error {
	if err := in.Validate(); err != nil {
		return err
	}
	if in.Item == "" {
		return fieldError(muster.EINVALID, "item", "required, the name of a kit item")
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		if _, err := exerciseIn(ctx, tx, tx.actor, muster.PermReadRoster, id); err != nil {
			return err
		}
		k, err := findKitItem(ctx, tx, id, in.Item)
		if err != nil {
			return err
		}
		if k.linked() {
			err = requireArmoryKit(tx.actor, k.name)
		} else {
			err = require(tx.actor, muster.PermCheckIn)
			if err == nil && (in.Serial != "" || in.Lot != "") {
				err = fieldError(muster.EUNPROCESSABLE, "serial", "%s is plain kit, not linked to the armory: no serial or lot", k.name)
			}
		}
		if err == nil && k.kind == muster.Serialised && in.Quantity > 1 {
			err = fieldError(muster.EUNPROCESSABLE, "quantity", "%s is handed out one serial at a time: quantity 1", k.name)
		}
		if err != nil {
			return err
		}
		r, err := receptionParticipant(ctx, tx, id, in.ServiceNumber)
		if err != nil {
			return err
		}
		var had int
		var returned, lot string
		err = tx.QueryRowContext(ctx, `SELECT quantity, returned_at, lot FROM exercise_kit_issues WHERE exercise_id = $1 AND member_id = $2 AND item_id = $3`,
			id, r.memberID, k.id).Scan(&had, &returned, &lot)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		q := in.Quantity
		if q == 0 {
			q = k.per - had
		}
		switch {
		case returned != "":
			return fieldError(muster.ECONFLICT, "item", "%s returned the %s at %s; kit is handed out once per exercise", r.ServiceNumber, in.Item, tx.db.clock(parseTime(returned)))
		case q <= 0:
			return fieldError(muster.ECONFLICT, "item", "%s already has all %d of %s due", r.ServiceNumber, k.per, in.Item)
		case had+q > k.per:
			return fieldError(muster.ECONFLICT, "quantity", "%s has %d of %s; %d more would be over the %d per participant", r.ServiceNumber, had, in.Item, q, k.per)
		case lot != "" && in.Lot != lot:
			return fieldError(muster.ECONFLICT, "lot", "%s was handed %s of lot %s; hand out the rest from the same lot", r.ServiceNumber, in.Item, lot)
		}
		var serial string
		if k.linked() {
			if serial, lot, err = tx.issueArmoryKit(ctx, id, k, in, q); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO exercise_kit_issues (exercise_id, member_id, item_id, quantity, serial, lot, issued_by, issued_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (exercise_id, member_id, item_id)
			DO UPDATE SET quantity = excluded.quantity, issued_by = excluded.issued_by, issued_at = excluded.issued_at`,
			id, r.memberID, k.id, had+q, serial, lot, tx.actor.Label(), formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("hand out kit: %w", err)
		}
		after := map[string]any{"item": in.Item, "quantity": had + q}
		if serial != "" || lot != "" {
			after["serial"], after["lot"] = serial, lot
		}
		return tx.audit(ctx, "exercise.kit.issue", "exercise_participant", r.key(), map[string]any{"item": in.Item, "quantity": had}, after)
	})
}

// ReturnKit records that a participant gave back what they hold of an item
// (or of every item when in.Item is ""). Nothing to return is ECONFLICT.
// Armory kit goes back through the armory in the same transaction (needs
// armory.write); plain kit needs callups.checkin.
func (db *DB) ReturnKit(ctx context.Context, id int64, in muster.KitInput) (int, error) {
	if err := in.Validate(); err != nil {
		return 0, err
	}
	var n int
	err := db.writeTx(ctx, func(tx *Tx) error {
		if !tx.actor.Role.Can(muster.PermCheckIn) && !tx.actor.Role.Can(muster.PermArmory) {
			return require(tx.actor, muster.PermCheckIn)
		}
		if _, err := exerciseIn(ctx, tx, tx.actor, muster.PermReadRoster, id); err != nil {
			return err
		}
		r, err := receptionParticipant(ctx, tx, id, in.ServiceNumber)
		if err != nil {
			return err
		}
		what := "kit"
		if in.Item != "" {
			if _, err := findKitItem(ctx, tx, id, in.Item); err != nil {
				return err
			}
			what = in.Item
		}
		held, err := heldKitOf(ctx, tx, id, r.memberID, in.Item)
		if err != nil {
			return err
		}
		if len(held) == 0 {
			return fieldError(muster.ECONFLICT, "item", "%s holds no %s to return", r.ServiceNumber, what)
		}
		for _, h := range held {
			if !h.item.linked() {
				err = require(tx.actor, muster.PermCheckIn)
			} else if err = requireArmoryKit(tx.actor, h.item.name); err == nil {
				err = tx.returnArmoryKit(ctx, id, r.ServiceNumber, h)
			}
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE exercise_kit_issues SET returned_by = $1, returned_at = $2
				WHERE exercise_id = $3 AND member_id = $4 AND item_id = $5`, tx.actor.Label(), formatTime(tx.now), id, r.memberID, h.item.id)
			if err != nil {
				return fmt.Errorf("return kit: %w", err)
			}
		}
		n = len(held)
		return tx.audit(ctx, "exercise.kit.return", "exercise_participant", r.key(), nil, map[string]any{"item": in.Item, "items": n})
	})
	return n, err
}

// AddNote appends a note about a participant.
func (db *DB) AddNote(ctx context.Context, id int64, serviceNumber string, n *muster.ParticipantNote) error {
	if err := n.Validate(); err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		if _, err := exerciseIn(ctx, tx, tx.actor, muster.PermCheckIn, id); err != nil {
			return err
		}
		r, err := receptionParticipant(ctx, tx, id, serviceNumber)
		if err != nil {
			return err
		}
		n.WrittenBy, n.WrittenAt = tx.actor.Label(), tx.now
		err = tx.QueryRowContext(ctx, `INSERT INTO exercise_notes (exercise_id, member_id, text, written_by, written_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, id, r.memberID, n.Text, n.WrittenBy, formatTime(tx.now)).Scan(&n.ID)
		if err != nil {
			return fmt.Errorf("insert note: %w", err)
		}
		return tx.audit(ctx, "exercise.note", "exercise_participant", r.key(), nil, n)
	})
}
