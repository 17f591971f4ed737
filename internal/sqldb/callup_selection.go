package sqldb

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

var _ muster.SelectionService = (*DB)(nil)

// maxSelect bounds the members of one selection request.
const maxSelect = 10000

// Select selects members to report and queues the messages in one
// transaction: a "selected" delivery for each newly selected member, a
// "standby" one for every other yes or late member not yet told, each by
// one INSERT … SELECT over the notice's deliveries, so the messages go on
// the channels the notice went on (paper and failed ones excepted).
func (db *DB) Select(ctx context.Context, id int64, serviceNumbers []string) (*muster.Selection, error) {
	list := compactSorted(serviceNumbers)
	if len(list) == 0 || list[0] == "" {
		return nil, fieldError(muster.EINVALID, "service_numbers", "name at least one member, with no empty service number")
	}
	if len(list) > maxSelect {
		return nil, fieldError(muster.EINVALID, "service_numbers", "at most %d members at once", maxSelect)
	}
	sel := &muster.Selection{CallUp: id}
	err := db.selectTx(ctx, id, func(tx *Tx, c *muster.CallUp) ([]any, error) {
		return tx.selectable(ctx, id, list)
	}, sel, map[string]any{"service_numbers": list})
	if err != nil {
		return nil, err
	}
	return sel, nil
}

// selectTx runs a selection in one transaction: it checks the actor and
// the call-up, locks the call-up's row (so that on PostgreSQL two
// selections of one call-up run one after the other and never both
// message a member; SQLite has one writer anyway), lets pick name the
// member ids to select, queues their "selected" deliveries and the
// "standby" ones of every other yes or late member not yet told, fills
// sel and writes the audit entry with what.
func (db *DB) selectTx(ctx context.Context, id int64, pick func(tx *Tx, c *muster.CallUp) ([]any, error), sel *muster.Selection, what map[string]any) error {
	return db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermCallUp); err != nil {
			return err
		}
		c, err := findCallUp(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkScope(ctx, tx, tx.actor, c.UnitID, "Call-up "+strconv.FormatInt(id, 10)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE callups SET targeted = targeted WHERE id = $1`, id); err != nil {
			return fmt.Errorf("lock call-up: %w", err)
		}
		ids, err := pick(tx, c)
		if err != nil {
			return err
		}
		status := "pending"
		if c.Drill {
			status = "drill"
		}
		if len(ids) > 0 {
			chosen := func(w *where) {
				w.add("cm.selected_at = ''")
				w.add("cm.member_id IN ("+marks(len(ids))+")", ids...)
			}
			if sel.Selected, sel.Deliveries, err = tx.notify(ctx, id, muster.PurposeSelected, status, chosen); err != nil {
				return err
			}
		}
		// The chosen are marked selected now: the rest of yes and late.
		others := func(w *where) { w.add("cm.answer IN ('yes', 'late') AND cm.selected_at = '' AND cm.standby_at = ''") }
		var n int
		if sel.Standby, n, err = tx.notify(ctx, id, muster.PurposeStandby, status, others); err != nil {
			return err
		}
		sel.Deliveries += n
		if sel.SelectionSummary, err = selectionSummary(ctx, tx, id); err != nil {
			return err
		}
		what["selected"], what["standby"], what["deliveries"] = sel.Selected, sel.Standby, sel.Deliveries
		return tx.audit(ctx, "callup.select", "callup", strconv.FormatInt(id, 10), nil, what)
	})
}

// selectable returns the member ids of the service numbers, or
// EUNPROCESSABLE naming every one that is not targeted by the call-up with
// a last answer of yes or late.
func (tx *Tx) selectable(ctx context.Context, id int64, list []string) ([]any, error) {
	args := make([]any, len(list))
	for i, sn := range list {
		args[i] = sn
	}
	var w where
	w.add("m.service_number IN ("+marks(len(args))+")", args...)
	rows, err := tx.QueryContext(ctx, `SELECT m.service_number, m.id, COALESCE(cm.answer, '-')
		FROM members m LEFT JOIN callup_members cm ON cm.member_id = m.id AND cm.callup_id = `+w.next(id)+w.sql(), w.args...)
	if err != nil {
		return nil, fmt.Errorf("selectable members: %w", err)
	}
	defer rows.Close()
	found := map[string]string{}
	ids := make([]any, 0, len(list))
	for rows.Next() {
		var sn, answer string
		var memberID int64
		if err := rows.Scan(&sn, &memberID, &answer); err != nil {
			return nil, err
		}
		found[sn] = answer
		ids = append(ids, memberID)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var details []muster.ErrorDetail
	for _, sn := range list {
		why := ""
		switch answer, ok := found[sn]; {
		case !ok:
			why = "no such member"
		case answer == "-":
			why = "not called up by this call-up"
		case answer == "":
			why = "has not answered"
		case answer == string(muster.AnswerNo):
			why = "answered no"
		}
		if why != "" {
			details = append(details, muster.ErrorDetail{Field: "service_numbers", Message: sn + ": " + why})
		}
	}
	if len(details) > 0 {
		names := make([]string, 0, min(len(details), 5))
		for _, d := range details[:min(len(details), 5)] {
			names = append(names, d.Message)
		}
		msg := "Only members who answered yes or late can be selected; nothing was changed. " + strings.Join(names, "; ")
		if len(details) > 5 {
			msg += fmt.Sprintf(" (and %d more)", len(details)-5)
		}
		return nil, &muster.Error{Code: muster.EUNPROCESSABLE, Message: msg, Details: details}
	}
	return ids, nil
}

// notify queues a delivery of the purpose for each member of the call-up
// that cond selects (on callup_members cm), on each channel of the
// member's notice but paper, marks those members selected or on standby,
// and returns how many members and deliveries that was.
func (tx *Tx) notify(ctx context.Context, id int64, purpose muster.DeliveryPurpose, status string, cond func(*where)) (members, deliveries int, err error) {
	now := formatTime(tx.now)
	ins := &where{}
	ins.add("cm.callup_id = ?", id)
	cond(ins)
	res, err := tx.ExecContext(ctx, `INSERT INTO deliveries (callup_id, member_id, channel, address, status, attempts, next_at, updated_at, purpose)
		SELECT d.callup_id, d.member_id, d.channel, d.address, `+ins.next(status)+`, 0, `+ins.next(now)+`, `+ins.next(now)+`, `+ins.next(string(purpose))+`
		FROM callup_members cm JOIN deliveries d ON d.callup_id = cm.callup_id AND d.member_id = cm.member_id
			AND d.purpose = 'notice' AND d.channel <> 'paper' AND d.status <> 'failed'`+ins.sql()+`
		ORDER BY d.member_id, d.channel`, ins.args...)
	if err != nil {
		return 0, 0, fmt.Errorf("queue %s deliveries: %w", purpose, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, 0, err
	}
	column := "standby_at"
	if purpose == muster.PurposeSelected {
		column = "selected_at"
	}
	upd := &where{}
	upd.add("cm.callup_id = ?", id)
	cond(upd)
	res, err = tx.ExecContext(ctx, `UPDATE callup_members AS cm SET `+column+` = `+upd.next(now)+upd.sql(), upd.args...)
	if err != nil {
		return 0, 0, fmt.Errorf("mark %s: %w", purpose, err)
	}
	m, err := res.RowsAffected()
	return int(m), int(n), err
}

// selectionSummary counts the call-up's selected, standby and yes or late
// members: the first two from their partial indexes, the last from the
// call-up's readiness counts.
func selectionSummary(ctx context.Context, q querier, id int64) (muster.SelectionSummary, error) {
	var s muster.SelectionSummary
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM callup_members WHERE callup_id = $1 AND selected_at <> ''),
		(SELECT count(*) FROM callup_members WHERE callup_id = $1 AND standby_at <> '' AND selected_at = ''),
		(SELECT COALESCE(CAST(sum(n) AS BIGINT), 0) FROM callup_counts WHERE callup_id = $1 AND answer IN ('yes', 'late'))`, id).Scan(&s.TotalSelected, &s.TotalStandby, &s.YesOrLate)
	if err != nil {
		return s, fmt.Errorf("selection summary: %w", err)
	}
	return s, nil
}
