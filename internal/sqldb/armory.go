package sqldb

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/muster-force/muster"
)

var _ muster.ArmoryService = (*DB)(nil)

// FindItemTypes returns the catalogue of item types by code.
func (db *DB) FindItemTypes(ctx context.Context) ([]*muster.ItemType, error) {
	if _, err := actorAllowed(ctx, muster.PermReadRoster); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT code, name, kind FROM item_types ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("find item types: %w", err)
	}
	defer rows.Close()
	out := []*muster.ItemType{}
	for rows.Next() {
		var t muster.ItemType
		if err := rows.Scan(&t.Code, &t.Name, &t.Kind); err != nil {
			return nil, err
		}
		out = append(out, &t)
	}
	return out, rows.Err()
}

// CreateItemType adds a type to the force-wide catalogue, which, like the
// qualifications, needs catalogue.write.
func (db *DB) CreateItemType(ctx context.Context, t *muster.ItemType) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermWriteCatalogue); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO item_types (code, name, kind, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)`,
			t.Code, t.Name, t.Kind, formatTime(tx.now))
		if isUniqueViolation(err) {
			return fieldError(muster.ECONFLICT, "code", "item type %s exists already", t.Code)
		} else if err != nil {
			return fmt.Errorf("insert item type: %w", err)
		}
		return tx.audit(ctx, "item_type.create", "item_type", t.Code, nil, t)
	})
}

// itemType reads a type by code; an unknown code is an EUNPROCESSABLE
// error naming field.
func itemType(ctx context.Context, q querier, code, field string) (id int64, kind muster.ItemKind, name string, err error) {
	err = q.QueryRowContext(ctx, `SELECT id, kind, name FROM item_types WHERE code = $1`, code).Scan(&id, &kind, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", "", fieldError(muster.EUNPROCESSABLE, field, "item type %s does not exist", code)
	}
	return id, kind, name, err
}

// armoryRef is an armory and the unit it belongs to.
type armoryRef struct {
	id     int64 // 0 until the armory's first item or stock
	unitID int64
	code   string // the unit's code
}

// findArmory resolves the armory of the unit with the code, without a
// scope check. An unknown unit is ENOTFOUND.
func findArmory(ctx context.Context, q querier, code string) (armoryRef, error) {
	u, err := findUnit(ctx, q, code)
	if err != nil {
		return armoryRef{}, err
	}
	ref := armoryRef{unitID: u.ID, code: u.Code}
	err = q.QueryRowContext(ctx, `SELECT id FROM armories WHERE unit_id = $1`, u.ID).Scan(&ref.id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return ref, fmt.Errorf("armory of %s: %w", code, err)
	}
	return ref, nil
}

// armoryIn resolves the armory for a writer with armory.write over it, and
// creates it on first use.
func (tx *Tx) armoryIn(ctx context.Context, code string) (armoryRef, error) {
	ref, err := findArmory(ctx, tx, code)
	if err != nil {
		return ref, err
	}
	if err := checkScope(ctx, tx, tx.actor, ref.unitID, "Armory "+code); err != nil {
		return ref, err
	}
	if ref.id == 0 {
		err = tx.QueryRowContext(ctx, `INSERT INTO armories (unit_id, created_at) VALUES ($1, $2) RETURNING id`,
			ref.unitID, formatTime(tx.now)).Scan(&ref.id)
		if err != nil {
			return ref, fmt.Errorf("create armory of %s: %w", code, err)
		}
	}
	return ref, nil
}

// itemColumns are the columns scanItem reads.
const itemColumns = `i.id, i.serial, t.code, t.name, u.code, s.status, COALESCE(m.service_number, ''),
	COALESCE(m.family_name, ''), COALESCE(m.given_name, ''), s.armory_id, s.unit_id
	FROM items i JOIN item_types t ON t.id = i.type_id JOIN item_state s ON s.item_id = i.id
	JOIN units u ON u.id = s.unit_id LEFT JOIN members m ON m.id = s.member_id`

// itemRow is an item with the ids the service needs.
type itemRow struct {
	muster.Item
	id     int64
	armory armoryRef
}

func scanItem(row interface{ Scan(...any) error }) (*itemRow, error) {
	var it itemRow
	var family, given string
	err := row.Scan(&it.id, &it.Serial, &it.Type, &it.TypeName, &it.Armory, &it.Status, &it.Holder, &family, &given,
		&it.armory.id, &it.armory.unitID)
	if err != nil {
		return nil, err
	}
	it.armory.code = it.Armory
	if it.Holder != "" {
		it.HolderName = family + " " + given
	}
	return &it, nil
}

// findItem reads an item by serial without a scope check.
func findItem(ctx context.Context, q querier, serial string) (*itemRow, error) {
	it, err := scanItem(q.QueryRowContext(ctx, `SELECT `+itemColumns+` WHERE i.serial = $1`, serial))
	if err != nil {
		return nil, notFound(err, "Item %s does not exist.", serial)
	}
	return it, nil
}

// FindItem returns the item, if its armory is in the actor's subtree.
func (db *DB) FindItem(ctx context.Context, serial string) (*muster.Item, error) {
	a, err := actorAllowed(ctx, muster.PermReadRoster)
	if err != nil {
		return nil, err
	}
	it, err := findItem(ctx, db.read, serial)
	if err != nil {
		return nil, err
	}
	if err := checkScope(ctx, db.read, a, it.armory.unitID, "Item "+serial); err != nil {
		return nil, err
	}
	return &it.Item, nil
}

// FindItems returns a page of the items an armory accounts for, or of
// those a member holds; the armory or the member must be in scope.
func (db *DB) FindItems(ctx context.Context, f muster.ItemFilter) (*muster.ItemPage, error) {
	a, err := actorAllowed(ctx, muster.PermReadRoster)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	var w where
	switch {
	case f.Armory != "":
		ref, err := findArmory(ctx, db.read, f.Armory)
		if err != nil {
			return nil, err
		}
		if err := checkScope(ctx, db.read, a, ref.unitID, "Armory "+f.Armory); err != nil {
			return nil, err
		}
		w.add("s.armory_id = ?", ref.id)
	case f.Holder != "":
		m, err := findMember(ctx, db.read, f.Holder)
		if err != nil {
			return nil, err
		}
		if err := checkScope(ctx, db.read, a, m.UnitID, "Member "+f.Holder); err != nil {
			return nil, err
		}
		w.add("s.member_id = ?", m.ID)
	default:
		return nil, muster.Errorf(muster.EINVALID, "Give an armory or a holder.")
	}
	if f.Status != "" {
		w.add("s.status = ?", f.Status)
	}
	if f.Cursor != "" {
		// A cursor is a serial in canonical base64url: anything else
		// ("zzz" decodes to two bytes that are no serial) would page
		// from nowhere and answer an empty list.
		last, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		if err != nil || !muster.ValidSerial(string(last)) || base64.RawURLEncoding.EncodeToString(last) != f.Cursor {
			return nil, fieldError(muster.EINVALID, "cursor", "not a cursor returned by this API")
		}
		w.add("i.serial > ?", string(last))
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+itemColumns+w.sql()+` ORDER BY i.serial LIMIT `+fmt.Sprint(f.Limit+1), w.args...)
	if err != nil {
		return nil, fmt.Errorf("find items: %w", err)
	}
	defer rows.Close()
	page := &muster.ItemPage{Items: []*muster.Item{}}
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		page.Items = append(page.Items, &it.Item)
	}
	if len(page.Items) > f.Limit {
		page.Items = page.Items[:f.Limit]
		page.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(page.Items[f.Limit-1].Serial))
	}
	return page, rows.Err()
}
