package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/muster-force/muster"
)

// CreateKitItem adds an item of kit to hand to each participant.
func (db *DB) CreateKitItem(ctx context.Context, id int64, k *muster.KitItem) error {
	if err := k.Validate(); err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		if _, err := exerciseIn(ctx, tx, tx.actor, muster.PermCallUp, id); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO exercise_kit_items (exercise_id, name, per_participant, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, id, k.Name, k.PerParticipant, tx.actor.Label(), formatTime(tx.now)).Scan(&k.ID)
		if isUniqueViolation(err) {
			return fieldError(muster.ECONFLICT, "name", "exercise %d already has a kit item named %q", id, k.Name)
		} else if err != nil {
			return fmt.Errorf("insert kit item: %w", err)
		}
		k.HandedOut, k.Returned, k.ToHandOut = 0, 0, 0
		return tx.audit(ctx, "exercise.kit.create", "exercise", strconv.FormatInt(id, 10), nil, k)
	})
}

// kitItemID returns the id and quantity per participant of the
// exercise's kit item with the name.
func kitItemID(ctx context.Context, q querier, id int64, name string) (itemID int64, per int, err error) {
	err = q.QueryRowContext(ctx, `SELECT id, per_participant FROM exercise_kit_items WHERE exercise_id = $1 AND name = $2`, id, name).Scan(&itemID, &per)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, fieldError(muster.ENOTFOUND, "item", "exercise %d has no kit item %q", id, name)
	}
	return itemID, per, err
}

// HandOutKit records kit handed to a participant: in.Quantity more of the
// item, or all still due when 0. Handing out more than the item's quantity
// per participant, or again after the participant returned it, is refused
// (ECONFLICT).
func (db *DB) HandOutKit(ctx context.Context, id int64, in muster.KitInput) error {
	if err := in.Validate(); err != nil {
		return err
	}
	if in.Item == "" {
		return fieldError(muster.EINVALID, "item", "required, the name of a kit item")
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		if _, err := exerciseIn(ctx, tx, tx.actor, muster.PermCheckIn, id); err != nil {
			return err
		}
		r, err := receptionParticipant(ctx, tx, id, in.ServiceNumber)
		if err != nil {
			return err
		}
		itemID, per, err := kitItemID(ctx, tx, id, in.Item)
		if err != nil {
			return err
		}
		var had int
		var returned string
		err = tx.QueryRowContext(ctx, `SELECT quantity, returned_at FROM exercise_kit_issues WHERE exercise_id = $1 AND member_id = $2 AND item_id = $3`,
			id, r.memberID, itemID).Scan(&had, &returned)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		q := in.Quantity
		if q == 0 {
			q = per - had
		}
		switch {
		case returned != "":
			return fieldError(muster.ECONFLICT, "item", "%s returned the %s at %s; kit is handed out once per exercise", r.ServiceNumber, in.Item, clock(returned))
		case q <= 0:
			return fieldError(muster.ECONFLICT, "item", "%s already has all %d of %s due", r.ServiceNumber, per, in.Item)
		case had+q > per:
			return fieldError(muster.ECONFLICT, "quantity", "%s has %d of %s; %d more would be over the %d per participant", r.ServiceNumber, had, in.Item, q, per)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO exercise_kit_issues (exercise_id, member_id, item_id, quantity, issued_by, issued_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (exercise_id, member_id, item_id)
			DO UPDATE SET quantity = excluded.quantity, issued_by = excluded.issued_by, issued_at = excluded.issued_at`,
			id, r.memberID, itemID, had+q, tx.actor.Label(), formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("hand out kit: %w", err)
		}
		return tx.audit(ctx, "exercise.kit.issue", "exercise_participant", r.key(), map[string]any{"item": in.Item, "quantity": had},
			map[string]any{"item": in.Item, "quantity": had + q})
	})
}

// ReturnKit records that a participant gave back what they hold of an item
// (or of every item when in.Item is ""). Nothing to return is ECONFLICT.
func (db *DB) ReturnKit(ctx context.Context, id int64, in muster.KitInput) (int, error) {
	if err := in.Validate(); err != nil {
		return 0, err
	}
	var n int
	err := db.writeTx(ctx, func(tx *Tx) error {
		if _, err := exerciseIn(ctx, tx, tx.actor, muster.PermCheckIn, id); err != nil {
			return err
		}
		r, err := receptionParticipant(ctx, tx, id, in.ServiceNumber)
		if err != nil {
			return err
		}
		var w where
		w.add("exercise_id = ?", id)
		w.add("member_id = ?", r.memberID)
		w.add("returned_at = ''")
		what := "kit"
		if in.Item != "" {
			itemID, _, err := kitItemID(ctx, tx, id, in.Item)
			if err != nil {
				return err
			}
			w.add("item_id = ?", itemID)
			what = in.Item
		}
		set := `UPDATE exercise_kit_issues SET returned_by = ` + w.next(tx.actor.Label()) + `, returned_at = ` + w.next(formatTime(tx.now))
		res, err := tx.ExecContext(ctx, set+w.sql(), w.args...)
		if err != nil {
			return fmt.Errorf("return kit: %w", err)
		}
		rows, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if rows == 0 {
			return fieldError(muster.ECONFLICT, "item", "%s holds no %s to return", r.ServiceNumber, what)
		}
		n = int(rows)
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
