package sqldb

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/muster-force/muster"
)

var _ muster.ArmoryReportService = (*DB)(nil)

// inReportTree restricts a unit id column to the report's subtree ($1).
const inReportTree = ` IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = $1)`

// Holdings counts the serialised items of the subtree's armories by
// status and their consumables on hand, per armory and type: two GROUP BY
// queries in one snapshot.
func (db *DB) Holdings(ctx context.Context, unit string) (*muster.HoldingsReport, error) {
	u, err := db.FindUnit(ctx, unit) // roster.read, and the unit in the actor's subtree
	if err != nil {
		return nil, err
	}
	snap, err := db.snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("holdings: %w", err)
	}
	defer snap.Rollback()
	byKey := map[[2]string]*muster.Holding{}
	holding := func(armory, typ, name string, kind muster.ItemKind) *muster.Holding {
		h := byKey[[2]string{armory, typ}]
		if h == nil {
			h = &muster.Holding{Armory: armory, Type: typ, TypeName: name, Kind: kind}
			byKey[[2]string{armory, typ}] = h
		}
		return h
	}
	rows, err := snap.QueryContext(ctx, `SELECT au.code, t.code, t.name, s.status, count(*) FROM item_state s
		JOIN items i ON i.id = s.item_id JOIN item_types t ON t.id = i.type_id JOIN units au ON au.id = s.unit_id
		WHERE s.unit_id`+inReportTree+` GROUP BY au.code, t.code, t.name, s.status`, u.ID)
	if err != nil {
		return nil, fmt.Errorf("holdings of items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var armory, typ, name string
		var status muster.ItemStatus
		var n int64
		if err := rows.Scan(&armory, &typ, &name, &status, &n); err != nil {
			return nil, err
		}
		holding(armory, typ, name, muster.Serialised).Add(status, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = snap.QueryContext(ctx, `SELECT au.code, t.code, t.name, sum(st.quantity) FROM stock st
		JOIN armories a ON a.id = st.armory_id JOIN units au ON au.id = a.unit_id JOIN item_types t ON t.id = st.type_id
		WHERE a.unit_id`+inReportTree+` GROUP BY au.code, t.code, t.name HAVING sum(st.quantity) > 0`, u.ID)
	if err != nil {
		return nil, fmt.Errorf("holdings of stock: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var armory, typ, name string
		var n int64
		if err := rows.Scan(&armory, &typ, &name, &n); err != nil {
			return nil, err
		}
		holding(armory, typ, name, muster.Consumable).Add(muster.InStore, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := &muster.HoldingsReport{Unit: u.Code, Holdings: make([]muster.Holding, 0, len(byKey))}
	for _, h := range byKey {
		out.Holdings = append(out.Holdings, *h)
	}
	slices.SortFunc(out.Holdings, func(a, b muster.Holding) int {
		return cmp.Or(cmp.Compare(a.Armory, b.Armory), cmp.Compare(a.Type, b.Type))
	})
	return out, nil
}

// heldColumns and heldFrom read an issued item, its holder and the time of
// its issue (its state's last ledger entry).
const heldColumns = `SELECT i.serial, t.code, t.name, au.code, l.at, m.service_number, m.family_name, m.given_name, mu.code`

const heldFrom = ` FROM item_state s JOIN items i ON i.id = s.item_id JOIN item_types t ON t.id = i.type_id JOIN units au ON au.id = s.unit_id
	JOIN members m ON m.id = s.member_id JOIN units mu ON mu.id = m.unit_id JOIN ledger l ON l.seq = s.last_seq`

// heldRow is one row of heldColumns.
type heldRow struct {
	item                      muster.HeldItem
	serviceNumber, name, unit string
}

func scanHeld(row interface{ Scan(...any) error }, extra ...any) (*heldRow, error) {
	var h heldRow
	var at, family, given string
	err := row.Scan(append([]any{&h.item.Serial, &h.item.Type, &h.item.TypeName, &h.item.Armory, &at,
		&h.serviceNumber, &family, &given, &h.unit}, extra...)...)
	h.item.IssuedAt, h.name = parseTime(at), family+" "+given
	return &h, err
}

// ItemsOut lists the items the subtree's members hold, by service number
// and serial.
func (db *DB) ItemsOut(ctx context.Context, unit string) (*muster.ItemsOutReport, error) {
	u, err := db.FindUnit(ctx, unit) // roster.read, and the unit in the actor's subtree
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, heldColumns+heldFrom+` WHERE s.status = $2 AND m.unit_id`+inReportTree+`
		ORDER BY m.service_number, i.serial`, u.ID, muster.Issued)
	if err != nil {
		return nil, fmt.Errorf("items out: %w", err)
	}
	defer rows.Close()
	out := &muster.ItemsOutReport{Unit: u.Code, Members: []muster.MemberItems{}}
	for rows.Next() {
		h, err := scanHeld(rows)
		if err != nil {
			return nil, err
		}
		if n := len(out.Members); n == 0 || out.Members[n-1].ServiceNumber != h.serviceNumber {
			out.Members = append(out.Members, muster.MemberItems{ServiceNumber: h.serviceNumber, Name: h.name, Unit: h.unit})
		}
		m := &out.Members[len(out.Members)-1]
		m.Items = append(m.Items, h.item)
	}
	return out, rows.Err()
}

// OverdueReturns lists the items of the subtree's armories issued to a
// participant of an exercise from the day before its start through its
// last day, and still out more than days after that day; an item that
// fits several exercises is listed once, with the one that ended last.
func (db *DB) OverdueReturns(ctx context.Context, unit string, days int) (*muster.OverdueReport, error) {
	if days < 0 || days > 365 {
		return nil, fieldError(muster.EINVALID, "days", "must be from 0 to 365")
	}
	u, err := db.FindUnit(ctx, unit) // roster.read, and the unit in the actor's subtree
	if err != nil {
		return nil, err
	}
	today := db.today()
	out := &muster.OverdueReport{Unit: u.Code, Days: days, AsOf: today, Items: []muster.OverdueItem{}}
	// The day is compared as text: both are YYYY-MM-DD first.
	rows, err := db.read.QueryContext(ctx, heldColumns+`, e.id, e.title, e.start_on, e.end_on`+heldFrom+`
		JOIN exercise_participants p ON p.member_id = s.member_id JOIN exercises e ON e.id = p.exercise_id
		WHERE s.status = $2 AND s.unit_id`+inReportTree+` AND e.end_on < $3 AND substr(l.at, 1, 10) <= e.end_on
		ORDER BY i.serial, e.end_on DESC, e.id DESC`, u.ID, muster.Issued, today.AddDays(-days).String())
	if err != nil {
		return nil, fmt.Errorf("overdue returns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o muster.OverdueItem
		var start, end string
		h, err := scanHeld(rows, &o.Exercise, &o.ExerciseTitle, &start, &end)
		if err != nil {
			return nil, err
		}
		if n := len(out.Items); n > 0 && out.Items[n-1].Serial == h.item.Serial {
			continue // listed with an exercise that ended later
		}
		first, err1 := muster.ParseDate(start)
		last, err2 := muster.ParseDate(end)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("exercise %d has bad dates %q, %q", o.Exercise, start, end)
		}
		if muster.DateOf(h.item.IssuedAt).Before(first.AddDays(-1)) {
			continue // issued long before the exercise: not its kit
		}
		o.HeldItem, o.ServiceNumber, o.Name, o.MemberUnit, o.ExerciseEnd = h.item, h.serviceNumber, h.name, h.unit, last
		o.DaysOverdue = int(today.Time().Sub(last.Time()).Hours()/24) - days
		out.Items = append(out.Items, o)
	}
	return out, rows.Err()
}
