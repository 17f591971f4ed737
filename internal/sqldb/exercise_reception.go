package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

var _ muster.ReceptionService = (*DB)(nil)

// receptionRow is a participant as the reception sees them.
type receptionRow struct {
	muster.Participant
	exerciseID, memberID, siteID int64
	arrivedAt, arrivedBy         string
	departedAt, departedBy       string
}

const receptionColumns = `p.exercise_id, p.member_id, COALESCE(p.site_id, 0), COALESCE(p.callup_id, 0), m.service_number,
	m.family_name, m.given_name, u.code, p.role, p.track, p.arrived_at, p.arrived_by, p.departed_at, p.departed_by
	FROM exercise_participants p JOIN members m ON m.id = p.member_id JOIN units u ON u.id = p.unit_id`

func scanReceptionRow(row interface{ Scan(...any) error }) (*receptionRow, error) {
	var r receptionRow
	var family, given string
	err := row.Scan(&r.exerciseID, &r.memberID, &r.siteID, &r.CallUp, &r.ServiceNumber, &family, &given, &r.Unit,
		&r.Role, &r.Track, &r.arrivedAt, &r.arrivedBy, &r.departedAt, &r.departedBy)
	if err != nil {
		return nil, err
	}
	r.Name = family + " " + given
	return &r, nil
}

// receptionParticipant reads the participant with the service number, or
// EUNPROCESSABLE naming service_number when the member does not take part.
func receptionParticipant(ctx context.Context, q querier, id int64, serviceNumber string) (*receptionRow, error) {
	serviceNumber = strings.TrimSpace(serviceNumber)
	if serviceNumber == "" || len(serviceNumber) > 64 {
		return nil, fieldError(muster.EINVALID, "service_number", "required, at most 64 bytes")
	}
	r, err := scanReceptionRow(q.QueryRowContext(ctx, `SELECT `+receptionColumns+` WHERE p.exercise_id = $1 AND m.service_number = $2`, id, serviceNumber))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fieldError(muster.EUNPROCESSABLE, "service_number", "%s does not take part in exercise %d", serviceNumber, id)
	}
	return r, err
}

// key is the participant's key in the audit log: "exercise/service number".
func (r *receptionRow) key() string {
	return strconv.FormatInt(r.exerciseID, 10) + "/" + r.ServiceNumber
}

// arrival returns the participant's arrival, or nil before it.
func (r *receptionRow) arrival() *muster.Arrival {
	if r.arrivedAt == "" {
		return nil
	}
	return &muster.Arrival{ServiceNumber: r.ServiceNumber, Name: r.Name, Unit: r.Unit, ArrivedAt: parseTime(r.arrivedAt),
		ArrivedBy: r.arrivedBy, DepartedAt: parseTime(r.departedAt), DepartedBy: r.departedBy}
}

// Arrive records a participant's arrival and checks the member in on the
// call-up that summoned them, through CheckIn, in one transaction.
func (db *DB) Arrive(ctx context.Context, id int64, in muster.ArrivalInput) (*muster.Arrival, error) {
	var out *muster.Arrival
	err := db.writeTx(ctx, func(tx *Tx) error {
		if _, err := exerciseIn(ctx, tx, tx.actor, muster.PermCheckIn, id); err != nil {
			return err
		}
		r, err := receptionParticipant(ctx, tx, id, in.ServiceNumber)
		if err != nil {
			return err
		}
		if in.CallUp != 0 && r.CallUp != in.CallUp {
			return muster.Errorf(muster.ECONFLICT, "This notice is for another call-up: %s was not summoned to exercise %d by call-up %d.", r.ServiceNumber, id, in.CallUp)
		}
		if r.arrivedAt != "" && r.departedAt == "" {
			out = r.arrival()
			out.CallUp, out.Already = r.CallUp, true
			out.Message = fmt.Sprintf("%s %s already arrived at %s.", r.ServiceNumber, r.Name, tx.db.clock(parseTime(r.arrivedAt)))
			return nil
		}
		before := r.arrival()
		r.arrivedAt, r.arrivedBy, r.departedAt, r.departedBy = formatTime(tx.now), tx.actor.Label(), "", ""
		if _, err := tx.ExecContext(ctx, `UPDATE exercise_participants SET arrived_at = $1, arrived_by = $2, departed_at = '', departed_by = ''
			WHERE exercise_id = $3 AND member_id = $4`, r.arrivedAt, r.arrivedBy, id, r.memberID); err != nil {
			return fmt.Errorf("arrive: %w", err)
		}
		if r.CallUp != 0 {
			if err := db.CheckIn(tx.within(ctx), r.CallUp, r.ServiceNumber); err != nil {
				return err
			}
		}
		out = r.arrival()
		out.CallUp = r.CallUp
		out.Message = fmt.Sprintf("%s %s arrived at %s.", r.ServiceNumber, r.Name, tx.db.clock(parseTime(r.arrivedAt)))
		if before != nil {
			out.Message = fmt.Sprintf("%s %s is back at %s (left at %s).", r.ServiceNumber, r.Name, tx.db.clock(parseTime(r.arrivedAt)), tx.db.clock(before.DepartedAt))
		}
		return tx.audit(ctx, "exercise.arrive", "exercise_participant", r.key(), before, out)
	})
	return out, err
}

// Depart records a participant's departure and frees their bed.
func (db *DB) Depart(ctx context.Context, id int64, in muster.ArrivalInput) (*muster.Arrival, error) {
	var out *muster.Arrival
	err := db.writeTx(ctx, func(tx *Tx) error {
		if _, err := exerciseIn(ctx, tx, tx.actor, muster.PermCheckIn, id); err != nil {
			return err
		}
		r, err := receptionParticipant(ctx, tx, id, in.ServiceNumber)
		if err != nil {
			return err
		}
		switch {
		case r.arrivedAt == "":
			return fieldError(muster.ECONFLICT, "service_number", "%s %s has not arrived; record the arrival first", r.ServiceNumber, r.Name)
		case r.departedAt != "":
			out = r.arrival()
			out.Already = true
			out.Message = fmt.Sprintf("%s %s already departed at %s.", r.ServiceNumber, r.Name, tx.db.clock(parseTime(r.departedAt)))
			return nil
		}
		before := map[string]any{"arrival": r.arrival(), "site": r.siteID}
		r.departedAt, r.departedBy = formatTime(tx.now), tx.actor.Label()
		if _, err := tx.ExecContext(ctx, `UPDATE exercise_participants SET departed_at = $1, departed_by = $2, site_id = NULL
			WHERE exercise_id = $3 AND member_id = $4`, r.departedAt, r.departedBy, id, r.memberID); err != nil {
			return fmt.Errorf("depart: %w", err)
		}
		out = r.arrival()
		out.Message = fmt.Sprintf("%s %s departed at %s.", r.ServiceNumber, r.Name, tx.db.clock(parseTime(r.departedAt)))
		return tx.audit(ctx, "exercise.depart", "exercise_participant", r.key(), before, map[string]any{"arrival": out, "site": nil})
	})
	return out, err
}
