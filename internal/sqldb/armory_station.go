package sqldb

import (
	"context"
	"fmt"
	"strings"

	"github.com/muster-force/muster"
)

var _ muster.ArmoryStationService = (*DB)(nil)

// stationNote is the note of the ledger entries an issue station writes.
const stationNote = "issue station"

// stationArmory resolves the station's armory, which must be in the
// subtree of an actor with armory.write.
func stationArmory(ctx context.Context, q querier, a *muster.Actor, code string) (armoryRef, error) {
	if err := require(a, muster.PermArmory); err != nil {
		return armoryRef{}, err
	}
	ref, err := findArmory(ctx, q, code)
	if err != nil {
		return ref, err
	}
	return ref, checkScope(ctx, q, a, ref.unitID, "Armory "+code)
}

// stationMember reads the member with the service number, or with the id
// when serviceNumber is "", who must be in the actor's subtree.
func stationMember(ctx context.Context, q querier, a *muster.Actor, serviceNumber string, id int64) (*muster.StationMember, error) {
	var m muster.StationMember
	var family, given string
	var unitID int64
	var status muster.MemberStatus
	query := `SELECT m.service_number, m.family_name, m.given_name, u.code, m.unit_id, m.status
		FROM members m JOIN units u ON u.id = m.unit_id WHERE `
	var err error
	if serviceNumber != "" {
		err = q.QueryRowContext(ctx, query+`m.service_number = $1`, serviceNumber).Scan(&m.ServiceNumber, &family, &given, &m.Unit, &unitID, &status)
	} else {
		err = q.QueryRowContext(ctx, query+`m.id = $1`, id).Scan(&m.ServiceNumber, &family, &given, &m.Unit, &unitID, &status)
	}
	if err != nil && serviceNumber == "" {
		return nil, notFound(err, "The member of this notice no longer exists.")
	} else if err != nil {
		return nil, notFound(err, "No member has the service number %s.", serviceNumber)
	}
	if err := checkScope(ctx, q, a, unitID, "Member "+m.ServiceNumber); err != nil {
		return nil, err
	}
	if status == muster.StatusDischarged {
		return nil, muster.Errorf(muster.ECONFLICT, "Member %s is discharged; nothing can be issued to them.", m.ServiceNumber)
	}
	m.Name = family + " " + given
	return &m, nil
}

// StationStart identifies the member of a card's service number or of a
// notice's response token, and returns the ledger's last seq.
func (db *DB) StationStart(ctx context.Context, armory, serviceNumber, token string) (*muster.StationStart, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := stationArmory(ctx, db.read, a, armory); err != nil {
		return nil, err
	}
	var memberID int64
	switch {
	case serviceNumber != "":
		if !muster.ValidServiceNumber(serviceNumber) {
			return nil, muster.Errorf(muster.EINVALID, "%q is neither a service number nor a notice.", serviceNumber)
		}
	case token != "":
		if _, memberID, err = db.verifyToken(ctx, token); err != nil {
			return nil, muster.Errorf(muster.ENOTFOUND, "This notice's link is not valid.")
		}
	default:
		return nil, muster.Errorf(muster.EINVALID, "Scan a member's card or call-up notice first.")
	}
	m, err := stationMember(ctx, db.read, a, serviceNumber, memberID)
	if err != nil {
		return nil, err
	}
	out := &muster.StationStart{Member: *m}
	if err := db.read.QueryRowContext(ctx, `SELECT seq FROM ledger_head WHERE id = 1`).Scan(&out.Since); err != nil {
		return nil, fmt.Errorf("ledger head: %w", err)
	}
	return out, nil
}

// StationIssue issues the scanned item to the member, refusing, with the
// reason, an item that is unknown, of another armory or not in store.
func (db *DB) StationIssue(ctx context.Context, armory, serviceNumber, serial string) (*muster.Item, error) {
	serial = strings.TrimSpace(serial)
	if serial == "" || len(serial) > 64 {
		return nil, muster.Errorf(muster.EINVALID, "Scan an item's serial number.")
	}
	err := db.writeTx(ctx, func(tx *Tx) error {
		ref, err := stationArmory(ctx, tx, tx.actor, armory)
		if err != nil {
			return err
		}
		head, err := tx.lockLedger(ctx)
		if err != nil {
			return err
		}
		it, err := findItem(ctx, tx, serial)
		if muster.ErrorCode(err) == muster.ENOTFOUND {
			return muster.Errorf(muster.ENOTFOUND, "Item %s is unknown: no item has this serial number.", serial)
		} else if err != nil {
			return err
		}
		if err := stationRefusal(ctx, tx, it, ref, serviceNumber); err != nil {
			return err
		}
		return tx.moveItem(ctx, head, serial, muster.Movement{Kind: muster.MoveIssue, ServiceNumber: serviceNumber, Note: stationNote})
	})
	if err != nil {
		return nil, err
	}
	it, err := findItem(ctx, db.read, serial)
	if err != nil {
		return nil, err
	}
	return &it.Item, nil
}

// stationRefusal returns why the item cannot be issued at the station of
// the armory, or nil.
func stationRefusal(ctx context.Context, tx *Tx, it *itemRow, station armoryRef, serviceNumber string) error {
	if it.armory.unitID != station.unitID {
		where := "another armory"
		if ok, err := inScope(ctx, tx, tx.actor, it.armory.unitID); err != nil {
			return err
		} else if ok {
			where = "armory " + it.Armory
		}
		return muster.Errorf(muster.ECONFLICT, "Item %s belongs to %s, not to %s: it cannot be issued here.", it.Serial, where, station.code)
	}
	switch it.Status {
	case muster.InStore:
		return nil
	case muster.Issued:
		if it.Holder == serviceNumber {
			return muster.Errorf(muster.ECONFLICT, "Item %s is already issued to this member.", it.Serial)
		}
		return muster.Errorf(muster.ECONFLICT, "Item %s is already out: issued to %s (%s).", it.Serial, it.HolderName, it.Holder)
	case muster.InRepair:
		return muster.Errorf(muster.ECONFLICT, "Item %s is in repair: it cannot be issued.", it.Serial)
	default:
		return muster.Errorf(muster.ECONFLICT, "Item %s is reported %s: it cannot be issued.", it.Serial, strings.ReplaceAll(string(it.Status), "_", " "))
	}
}

// StationReceipt returns the items issued to the member from the armory
// after the ledger entry since, and all the member holds now.
func (db *DB) StationReceipt(ctx context.Context, armory, serviceNumber string, since int64) (*muster.StationReceipt, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	ref, err := stationArmory(ctx, db.read, a, armory)
	if err != nil {
		return nil, err
	}
	if !muster.ValidServiceNumber(serviceNumber) {
		return nil, muster.Errorf(muster.EINVALID, "%q is not a service number.", serviceNumber)
	}
	var m *muster.StationMember
	m, err = stationMember(ctx, db.read, a, serviceNumber, 0)
	if err != nil && muster.ErrorCode(err) != muster.ECONFLICT { // a discharged member's receipt still shows
		return nil, err
	}
	if m == nil {
		m = &muster.StationMember{ServiceNumber: serviceNumber}
	}
	rec := &muster.StationReceipt{Armory: ref.code, Member: *m, Since: since, Issued: []*muster.LedgerEntry{}, Held: []*muster.Item{}}
	rows, err := db.read.QueryContext(ctx, `SELECT `+ledgerColumns+` WHERE member = $1 AND seq > $2 AND kind = $3 AND from_armory = $4 ORDER BY seq`,
		serviceNumber, since, muster.MoveIssue, ref.code)
	if err != nil {
		return nil, fmt.Errorf("station receipt: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e muster.LedgerEntry
		if err := scanLedgerEntry(rows, &e); err != nil {
			return nil, err
		}
		rec.Issued = append(rec.Issued, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.read.QueryContext(ctx, `SELECT `+itemColumns+` WHERE s.member_id = (SELECT id FROM members WHERE service_number = $1) ORDER BY i.serial`, serviceNumber)
	if err != nil {
		return nil, fmt.Errorf("station receipt: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		rec.Held = append(rec.Held, &it.Item)
	}
	return rec, rows.Err()
}
