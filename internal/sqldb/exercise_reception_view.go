package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/muster-force/muster"
)

// Reception counts the exercise's participants per unit (the unit they
// were in when added): arrived, not yet arrived, departed, where they
// sleep and the kit still to hand out to those not departed; with the
// sites' occupancy and the kit's totals. It reads one snapshot.
func (db *DB) Reception(ctx context.Context, id int64) (*muster.Reception, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := exerciseIn(ctx, db.read, a, muster.PermReadRoster, id); err != nil {
		return nil, err
	}
	tx, err := db.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := &muster.Reception{Exercise: id, Total: muster.UnitReception{Lodged: map[string]int{}, KitToHandOut: map[string]int{}}}
	if out.Sites, err = lodgingSites(ctx, tx, id); err != nil {
		return nil, err
	}
	items, handed, err := kitIssued(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	out.Kit = items
	rows, err := tx.QueryContext(ctx, `SELECT u.code, p.member_id, p.arrived_at, p.departed_at, COALESCE(s.name, '')
		FROM exercise_participants p JOIN units u ON u.id = p.unit_id LEFT JOIN exercise_sites s ON s.id = p.site_id
		WHERE p.exercise_id = $1 ORDER BY u.code`, id)
	if err != nil {
		return nil, fmt.Errorf("reception of exercise %d: %w", id, err)
	}
	defer rows.Close()
	var u *muster.UnitReception
	for rows.Next() {
		var code, arrived, departed, site string
		var member int64
		if err := rows.Scan(&code, &member, &arrived, &departed, &site); err != nil {
			return nil, err
		}
		if u == nil || u.Unit != code {
			u = &muster.UnitReception{Unit: code, Lodged: map[string]int{}, KitToHandOut: map[string]int{}}
			out.Units = append(out.Units, u)
		}
		for _, c := range []*muster.UnitReception{u, &out.Total} {
			c.Participants++
			switch {
			case departed != "":
				c.Departed++
			case arrived != "":
				c.Arrived++
			default:
				c.NotArrived++
			}
			if site != "" {
				c.Lodged[site]++
			} else if arrived != "" && departed == "" {
				c.Unlodged++
			}
			if departed != "" {
				continue
			}
			for _, k := range items {
				if due := k.PerParticipant - handed[kitKey{member, k.ID}]; due > 0 {
					c.KitToHandOut[k.Name] += due
				}
			}
		}
	}
	if out.Units == nil {
		out.Units = []*muster.UnitReception{}
	}
	for _, k := range items {
		k.ToHandOut = out.Total.KitToHandOut[k.Name]
	}
	return out, rows.Err()
}

// kitKey is a participant's holding of a kit item.
type kitKey struct{ memberID, itemID int64 }

// kitIssued reads the exercise's kit items, by name, with the totals
// handed out and returned, and what each participant was handed.
func kitIssued(ctx context.Context, q querier, id int64) ([]*muster.KitItem, map[kitKey]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT k.id, k.name, k.per_participant, COALESCE(t.code, ''), COALESCE(u.code, '')
		FROM exercise_kit_items k LEFT JOIN item_types t ON t.id = k.item_type_id
		LEFT JOIN armories a ON a.id = k.armory_id LEFT JOIN units u ON u.id = a.unit_id
		WHERE k.exercise_id = $1 ORDER BY k.name`, id)
	if err != nil {
		return nil, nil, fmt.Errorf("kit of exercise %d: %w", id, err)
	}
	items := []*muster.KitItem{}
	byID := map[int64]*muster.KitItem{}
	for rows.Next() {
		var k muster.KitItem
		if err := rows.Scan(&k.ID, &k.Name, &k.PerParticipant, &k.ItemType, &k.Armory); err != nil {
			rows.Close()
			return nil, nil, err
		}
		items, byID[k.ID] = append(items, &k), &k
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT member_id, item_id, quantity, returned_at FROM exercise_kit_issues WHERE exercise_id = $1`, id)
	if err != nil {
		return nil, nil, fmt.Errorf("kit issued in exercise %d: %w", id, err)
	}
	defer rows.Close()
	handed := map[kitKey]int{}
	for rows.Next() {
		var k kitKey
		var n int
		var returned string
		if err := rows.Scan(&k.memberID, &k.itemID, &n, &returned); err != nil {
			return nil, nil, err
		}
		handed[k] = n
		if item := byID[k.itemID]; item != nil {
			item.HandedOut += n
			if returned != "" {
				item.Returned += n
			}
		}
	}
	return items, handed, rows.Err()
}

// ParticipantReception returns one participant's arrival, site, kit (every
// item of the exercise, handed out or not) and notes.
func (db *DB) ParticipantReception(ctx context.Context, id int64, serviceNumber string) (*muster.ParticipantReception, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := exerciseIn(ctx, db.read, a, muster.PermReadRoster, id); err != nil {
		return nil, err
	}
	tx, err := db.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	r, err := receptionParticipant(ctx, tx, id, serviceNumber)
	if err != nil {
		return nil, err
	}
	out := &muster.ParticipantReception{Participant: &r.Participant, Arrival: r.arrival(), Kit: []*muster.KitHolding{}, Notes: []*muster.ParticipantNote{}}
	if r.siteID != 0 {
		sites, err := lodgingSites(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		for _, s := range sites {
			if s.ID == r.siteID {
				out.Site = s
			}
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT k.name, COALESCE(t.code, ''), COALESCE(t.kind, ''), k.per_participant, COALESCE(i.quantity, 0),
		COALESCE(i.serial, ''), COALESCE(i.lot, ''), COALESCE(i.issued_by, ''), COALESCE(i.issued_at, ''),
		COALESCE(i.returned_by, ''), COALESCE(i.returned_at, '')
		FROM exercise_kit_items k LEFT JOIN item_types t ON t.id = k.item_type_id LEFT JOIN exercise_kit_issues i ON i.item_id = k.id AND i.exercise_id = k.exercise_id AND i.member_id = $1
		WHERE k.exercise_id = $2 ORDER BY k.name`, r.memberID, id)
	if err != nil {
		return nil, fmt.Errorf("kit of %s: %w", r.ServiceNumber, err)
	}
	for rows.Next() {
		var h muster.KitHolding
		var issued, returned string
		var kind muster.ItemKind
		if err := rows.Scan(&h.Item, &h.ItemType, &kind, &h.Due, &h.HandedOut, &h.Serial, &h.Lot, &h.IssuedBy, &issued, &h.ReturnedBy, &returned); err != nil {
			rows.Close()
			return nil, err
		}
		h.IssuedAt, h.ReturnedAt, h.Serialised = parseTime(issued), parseTime(returned), kind == muster.Serialised
		out.Kit = append(out.Kit, &h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out.Notes, err = participantNotes(ctx, tx, id, r.memberID)
	return out, err
}

// participantNotes reads a participant's notes, oldest first.
func participantNotes(ctx context.Context, tx *sql.Tx, id, memberID int64) ([]*muster.ParticipantNote, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, text, written_by, written_at FROM exercise_notes
		WHERE exercise_id = $1 AND member_id = $2 ORDER BY id`, id, memberID)
	if err != nil {
		return nil, fmt.Errorf("notes: %w", err)
	}
	defer rows.Close()
	out := []*muster.ParticipantNote{}
	for rows.Next() {
		var n muster.ParticipantNote
		var at string
		if err := rows.Scan(&n.ID, &n.Text, &n.WrittenBy, &at); err != nil {
			return nil, err
		}
		n.WrittenAt = parseTime(at)
		out = append(out, &n)
	}
	return out, rows.Err()
}
