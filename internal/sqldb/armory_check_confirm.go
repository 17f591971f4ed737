package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/muster-force/muster"
)

// ConfirmAtStation records what staff saw at a check station: the serials
// a member showed (or, with no service number, those scanned in store).
func (db *DB) ConfirmAtStation(ctx context.Context, checkID int64, c muster.CheckConfirmation) (*muster.CheckResult, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var out *muster.CheckResult
	err := db.writeTx(ctx, func(tx *Tx) error {
		check, err := tx.writableCheck(ctx, checkID)
		if err != nil {
			return err
		}
		var memberID int64
		if c.ServiceNumber != "" {
			err := tx.QueryRowContext(ctx, `SELECT id FROM members WHERE service_number = $1`, c.ServiceNumber).Scan(&memberID)
			if err != nil {
				return armoryField(notFound(err, "Member %s does not exist.", c.ServiceNumber), "service_number", c.ServiceNumber)
			}
		}
		out, err = tx.confirmCheck(ctx, check, memberID, c)
		return err
	})
	return out, err
}

// confirmCheck applies a confirmation by the member (memberID, 0 for the
// store) to an open campaign: each serial that the campaign expects with
// them is confirmed; a serial expected elsewhere, one the campaign does
// not hold, and one reported missing become discrepancies.
func (tx *Tx) confirmCheck(ctx context.Context, check *checkRow, memberID int64, c muster.CheckConfirmation) (*muster.CheckResult, error) {
	if check.ClosedAt != nil || !tx.now.Before(check.Deadline) {
		return nil, muster.Errorf(muster.ECONFLICT, "Armory check %d ended at its deadline; ask the armorer.", check.ID)
	}
	who := "the store"
	if c.ServiceNumber != "" {
		who = c.ServiceNumber
	}
	res := &muster.CheckResult{Confirmed: []string{}, Discrepancies: []*muster.Discrepancy{}}
	flag := func(kind muster.DiscrepancyKind, serial, detail string) error {
		d, err := tx.openDiscrepancy(ctx, check.ID, kind, serial, c.ServiceNumber, detail)
		if err == nil {
			res.Discrepancies = append(res.Discrepancies, d)
		}
		return err
	}
	for i, serial := range append(append([]string{}, c.Serials...), c.Missing...) {
		missing := i >= len(c.Serials)
		var itemID int64
		var holder sql.NullInt64
		var holderSN, confirmedAt string
		err := tx.QueryRowContext(ctx, `SELECT ci.item_id, ci.member_id, COALESCE(m.service_number, ''), ci.confirmed_at
			FROM armory_check_items ci LEFT JOIN members m ON m.id = ci.member_id WHERE ci.check_id = $1 AND ci.serial = $2`,
			check.ID, serial).Scan(&itemID, &holder, &holderSN, &confirmedAt)
		if errors.Is(err, sql.ErrNoRows) {
			if err := flag(muster.DiscrepancyUnknown, serial, "reported by "+who+"; not among the items of this check"); err != nil {
				return nil, err
			}
			continue
		} else if err != nil {
			return nil, fmt.Errorf("check item %s: %w", serial, err)
		}
		if holder.Int64 != memberID {
			expected := "the store"
			if holder.Valid {
				expected = holderSN
			}
			if err := flag(muster.DiscrepancyWrongHolder, serial, "reported by "+who+"; held by "+expected+" when the check began"); err != nil {
				return nil, err
			}
			continue
		}
		if missing {
			// A report of missing outdates an earlier confirmation.
			if _, err := tx.ExecContext(ctx, `UPDATE armory_check_items SET confirmed_at = '', confirmed_by = '' WHERE check_id = $1 AND item_id = $2`,
				check.ID, itemID); err != nil {
				return nil, fmt.Errorf("unconfirm %s: %w", serial, err)
			}
			if err := flag(muster.DiscrepancyMissing, serial, who+" reports it missing"); err != nil {
				return nil, err
			}
			continue
		}
		if confirmedAt == "" {
			_, err := tx.ExecContext(ctx, `UPDATE armory_check_items SET confirmed_at = $1, confirmed_by = $2 WHERE check_id = $3 AND item_id = $4`,
				formatTime(tx.now), tx.actor.Label(), check.ID, itemID)
			if err != nil {
				return nil, fmt.Errorf("confirm %s: %w", serial, err)
			}
		}
		res.Confirmed = append(res.Confirmed, serial)
	}
	return res, tx.audit(ctx, "armory_check.confirm", "armory_check", strconv.FormatInt(check.ID, 10), nil,
		map[string]any{"service_number": c.ServiceNumber, "confirmed": res.Confirmed, "discrepancies": len(res.Discrepancies)})
}

// openDiscrepancy returns the open discrepancy of the kind for the serial
// and member, adding it when there is none, so that a repeated report
// counts once.
func (tx *Tx) openDiscrepancy(ctx context.Context, checkID int64, kind muster.DiscrepancyKind, serial, member, detail string) (*muster.Discrepancy, error) {
	d, err := scanDiscrepancy(tx.QueryRowContext(ctx, `SELECT `+discrepancyColumns+` WHERE check_id = $1 AND kind = $2 AND serial = $3
		AND member = $4 AND resolved_at = ''`, checkID, string(kind), serial, member))
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return d, err
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO armory_discrepancies (check_id, kind, serial, member, detail, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, checkID, string(kind), serial, member, detail, formatTime(tx.now)).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("add discrepancy: %w", err)
	}
	return &muster.Discrepancy{ID: id, CheckID: checkID, Kind: kind, Serial: serial, Member: member, Detail: detail,
		CreatedAt: tx.now, Open: true}, nil
}

// ApplyDueChecks closes each campaign whose deadline is at or before now,
// in its own transaction as the system actor "armory-check": every item
// still unconfirmed and without an open discrepancy gets one, and every
// open discrepancy is marked escalated, which puts it before the unit's
// commanders (the campaign page and the API's escalated_open), and the
// commanders and armorers over the unit who have contact data are sent
// one message saying so (staff_delivery.go). The
// conditional UPDATE of closed_at claims the campaign, so that two
// processes never close one twice.
func (db *DB) ApplyDueChecks(ctx context.Context, now time.Time) (int, error) {
	ctx = muster.NewContextWithActor(ctx, muster.SystemActor("armory-check"))
	ids, err := queryIDs(ctx, db.read, "due armory checks", `SELECT id FROM armory_checks WHERE closed_at = '' AND deadline <= $1 ORDER BY deadline, id LIMIT 100`,
		formatTime(now))
	if err != nil {
		return 0, err
	}
	closed := 0
	var failed []error
	for _, id := range ids {
		err := db.closeCheck(ctx, id, now)
		switch {
		case err == nil:
			closed++
		case !errors.Is(err, errTimerTaken):
			failed = append(failed, fmt.Errorf("armory check %d: %w", id, err))
		}
	}
	return closed, errors.Join(failed...)
}

// closeCheck claims and closes one campaign at now.
func (db *DB) closeCheck(ctx context.Context, id int64, now time.Time) error {
	return db.writeTxAt(ctx, now, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE armory_checks SET closed_at = $1 WHERE id = $2 AND closed_at = ''`, formatTime(tx.now), id)
		if err != nil {
			return fmt.Errorf("close: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errTimerTaken
		}
		unconfirmed, err := tx.ExecContext(ctx, `INSERT INTO armory_discrepancies (check_id, kind, serial, member, detail, created_at)
			SELECT ci.check_id, $1, ci.serial, COALESCE(m.service_number, ''),
				CASE WHEN m.id IS NULL THEN 'in store, not scanned by the deadline' ELSE 'not confirmed by the holder by the deadline' END, $2
			FROM armory_check_items ci LEFT JOIN members m ON m.id = ci.member_id
			WHERE ci.check_id = $3 AND ci.confirmed_at = '' AND NOT EXISTS (SELECT 1 FROM armory_discrepancies d
				WHERE d.check_id = ci.check_id AND d.serial = ci.serial AND d.resolved_at = '')`,
			string(muster.DiscrepancyUnconfirmed), formatTime(tx.now), id)
		if err != nil {
			return fmt.Errorf("unconfirmed items: %w", err)
		}
		escalated, err := tx.ExecContext(ctx, `UPDATE armory_discrepancies SET escalated_at = $1 WHERE check_id = $2 AND resolved_at = '' AND escalated_at = ''`,
			formatTime(tx.now), id)
		if err != nil {
			return fmt.Errorf("escalate: %w", err)
		}
		added, _ := unconfirmed.RowsAffected()
		n, _ := escalated.RowsAffected()
		if n > 0 {
			c, err := findCheck(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := tx.queueCheckEscalation(ctx, c, int(n)); err != nil {
				return err
			}
		}
		return tx.audit(ctx, "armory_check.escalate", "armory_check", strconv.FormatInt(id, 10), nil,
			map[string]any{"unconfirmed": added, "escalated": n})
	})
}
