package sqldb

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

// MarkAttendance records marks, all or none (EUNPROCESSABLE with a detail
// per bad mark), and returns how many were new or changed.
func (db *DB) MarkAttendance(ctx context.Context, id int64, marks []muster.Mark) (int, error) {
	recs := make([]*muster.MarkRecord, len(marks))
	for i := range marks {
		recs[i] = &muster.MarkRecord{Mark: marks[i]}
		recs[i].Problems = recs[i].Mark.Validate()
	}
	var n int
	err := db.writeTx(ctx, func(tx *Tx) (err error) {
		n, err = tx.applyMarks(ctx, id, recs)
		return err
	})
	return n, err
}

// ImportAttendance records the marks of an attendance sheet, all or none:
// the whole sheet is read and checked before anything is written, and
// every bad row is reported (EUNPROCESSABLE).
func (db *DB) ImportAttendance(ctx context.Context, id int64, sheet muster.MarkSource) (int, error) {
	if _, err := actorOf(ctx); err != nil {
		return 0, err
	}
	var recs []*muster.MarkRecord
	for {
		rec, err := sheet.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			return 0, err
		}
		recs = append(recs, rec)
	}
	if len(recs) == 0 {
		return 0, muster.Errorf(muster.EUNPROCESSABLE, "The attendance sheet has no rows.")
	}
	var n int
	err := db.writeTx(ctx, func(tx *Tx) (err error) {
		n, err = tx.applyMarks(ctx, id, recs)
		return err
	})
	return n, err
}

// participantRef is a participant's member id and role.
type participantRef struct {
	memberID int64
	role     muster.ParticipantRole
}

// markKey is one member's day.
type markKey struct {
	memberID int64
	day      string
}

// storedMark is a mark as stored.
type storedMark struct {
	present bool
	hours   float64
	role    muster.ParticipantRole
}

// applyMarks checks every record against the exercise (participants,
// days), then inserts new marks in bulk and updates changed ones, auditing
// each change with the mark before and after. It returns how many marks
// were new or changed.
func (tx *Tx) applyMarks(ctx context.Context, id int64, recs []*muster.MarkRecord) (int, error) {
	e, err := exerciseIn(ctx, tx, tx.actor, muster.PermCheckIn, id)
	if err != nil {
		return 0, err
	}
	byNumber, err := participantRefs(ctx, tx, id)
	if err != nil {
		return 0, err
	}
	var details []muster.ErrorDetail
	marks := make(map[markKey]storedMark, len(recs))
	order := make([]markKey, 0, len(recs))
	numbers := map[int64]string{}
	for _, rec := range recs {
		if len(rec.Problems) > 0 {
			details = append(details, rec.Problems...)
			continue
		}
		m := &rec.Mark
		p, ok := byNumber[m.ServiceNumber]
		if !ok {
			details = append(details, muster.ErrorDetail{Line: rec.Line, Field: "service_number",
				Message: fmt.Sprintf("%s does not take part in exercise %d", m.ServiceNumber, id)})
		}
		if !e.Contains(m.Date) {
			details = append(details, muster.ErrorDetail{Line: rec.Line, Field: "date",
				Message: fmt.Sprintf("%s is not a day of exercise %d (%s – %s)", m.Date, id, e.Start, e.End)})
		}
		if !ok || !e.Contains(m.Date) {
			continue
		}
		if m.Role == "" {
			m.Role = p.role
		}
		k := markKey{p.memberID, m.Date.String()}
		if _, seen := marks[k]; !seen {
			order = append(order, k)
		}
		marks[k] = storedMark{m.Present, m.Hours, m.Role} // the last mark counts
		numbers[p.memberID] = m.ServiceNumber
	}
	if len(details) > 0 {
		return 0, bulkError("No attendance was recorded", details)
	}
	before, err := storedMarks(ctx, tx, id)
	if err != nil {
		return 0, err
	}
	var fresh [][]any
	update, err := tx.PrepareContext(ctx, `UPDATE exercise_attendance SET present = $1, hours = $2, role = $3, marked_by = $4, marked_at = $5
		WHERE exercise_id = $6 AND member_id = $7 AND day = $8`)
	if err != nil {
		return 0, err
	}
	defer update.Close()
	changed := 0
	for _, k := range order {
		m := marks[k]
		old, ok := before[k]
		switch {
		case !ok:
			fresh = append(fresh, []any{id, k.memberID, k.day, boolInt(m.present), m.hours, string(m.role), tx.actor.Label(), formatTime(tx.now)})
		case old != m:
			if _, err := update.ExecContext(ctx, boolInt(m.present), m.hours, string(m.role), tx.actor.Label(), formatTime(tx.now), id, k.memberID, k.day); err != nil {
				return 0, fmt.Errorf("correct attendance: %w", err)
			}
			key := fmt.Sprintf("%d/%s/%s", id, numbers[k.memberID], k.day)
			if err := tx.audit(ctx, "exercise.attendance.correct", "exercise_attendance", key, old.public(), m.public()); err != nil {
				return 0, err
			}
			changed++
		}
	}
	// In primary-key order, so that the rows are appended to the table's
	// B-tree rather than spread over it (a sheet lists day by day).
	slices.SortFunc(fresh, func(a, b []any) int {
		if c := cmp.Compare(a[1].(int64), b[1].(int64)); c != 0 {
			return c
		}
		return strings.Compare(a[2].(string), b[2].(string))
	})
	b := tx.newBulkInserter("exercise_attendance", "exercise_id", "member_id", "day", "present", "hours", "role", "marked_by", "marked_at")
	defer b.close()
	var rows packedValues
	if err := rows.addRows(fresh); err != nil {
		return 0, err
	}
	if err := b.insert(ctx, &rows); err != nil {
		return 0, err
	}
	if len(fresh) > 0 {
		err := tx.audit(ctx, "exercise.attendance.mark", "exercise", strconv.FormatInt(id, 10), nil,
			map[string]int{"marked": len(fresh), "corrected": changed})
		if err != nil {
			return 0, err
		}
	}
	return len(fresh) + changed, nil
}

// public is the mark as the audit log shows it.
func (m storedMark) public() map[string]any {
	return map[string]any{"present": m.present, "hours": m.hours, "role": m.role}
}

// participantRefs maps the service numbers of an exercise's participants
// to their member ids and roles.
func participantRefs(ctx context.Context, q querier, id int64) (map[string]participantRef, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.service_number, p.member_id, p.role FROM exercise_participants p
		JOIN members m ON m.id = p.member_id WHERE p.exercise_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("participants of exercise %d: %w", id, err)
	}
	defer rows.Close()
	out := map[string]participantRef{}
	for rows.Next() {
		var sn string
		var p participantRef
		if err := rows.Scan(&sn, &p.memberID, &p.role); err != nil {
			return nil, err
		}
		out[sn] = p
	}
	return out, rows.Err()
}

// storedMarks reads the current marks of an exercise.
func storedMarks(ctx context.Context, q querier, id int64) (map[markKey]storedMark, error) {
	rows, err := q.QueryContext(ctx, `SELECT member_id, day, present, hours, role FROM exercise_attendance WHERE exercise_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("attendance of exercise %d: %w", id, err)
	}
	defer rows.Close()
	out := map[markKey]storedMark{}
	for rows.Next() {
		var k markKey
		var m storedMark
		var present int
		if err := rows.Scan(&k.memberID, &k.day, &present, &m.hours, &m.role); err != nil {
			return nil, err
		}
		m.present = present != 0
		out[k] = m
	}
	return out, rows.Err()
}

// Attendance sums each participant's days present and hours.
func (db *DB) Attendance(ctx context.Context, id int64) (*muster.AttendanceSummary, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	e, err := exerciseIn(ctx, db.read, a, muster.PermReadRoster, id)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT m.service_number, m.family_name, m.given_name, u.code, p.role,
		COALESCE(SUM(a.present), 0), COALESCE(SUM(a.hours), 0)
		FROM exercise_participants p JOIN members m ON m.id = p.member_id JOIN units u ON u.id = p.unit_id
		LEFT JOIN exercise_attendance a ON a.exercise_id = p.exercise_id AND a.member_id = p.member_id
		WHERE p.exercise_id = $1
		GROUP BY m.service_number, m.family_name, m.given_name, u.code, p.role
		ORDER BY u.code, m.family_name, m.given_name, m.service_number`, id)
	if err != nil {
		return nil, fmt.Errorf("attendance of exercise %d: %w", id, err)
	}
	defer rows.Close()
	s := &muster.AttendanceSummary{Days: e.Days(), Participants: []*muster.ParticipantAttendance{}}
	for rows.Next() {
		var p muster.ParticipantAttendance
		var family, given string
		if err := rows.Scan(&p.ServiceNumber, &family, &given, &p.Unit, &p.Role, &p.DaysPresent, &p.Hours); err != nil {
			return nil, err
		}
		p.Name = family + " " + given
		s.Participants = append(s.Participants, &p)
	}
	return s, rows.Err()
}

// DaySheet returns the day's marks of the participants of the unit's
// subtree, every participant with a row.
func (db *DB) DaySheet(ctx context.Context, id int64, unit string, day muster.Date) (*muster.DaySheet, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	e, err := exerciseIn(ctx, db.read, a, muster.PermReadRoster, id)
	if err != nil {
		return nil, err
	}
	if !e.Contains(day) {
		return nil, fieldError(muster.EINVALID, "date", "%s is not a day of exercise %d (%s – %s)", day, id, e.Start, e.End)
	}
	var unitID int64
	if unit != "" {
		u, err := findUnit(ctx, db.read, unit)
		if err != nil {
			return nil, err
		}
		if err := checkScope(ctx, db.read, a, u.ID, "Unit "+u.Code); err != nil {
			return nil, err
		}
		unitID, unit = u.ID, u.Code
	}
	list, err := participants(ctx, db.read, id, unitID)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT m.service_number, a.present, a.hours, a.role FROM exercise_attendance a
		JOIN members m ON m.id = a.member_id WHERE a.exercise_id = $1 AND a.day = $2`, id, day.String())
	if err != nil {
		return nil, fmt.Errorf("day sheet: %w", err)
	}
	defer rows.Close()
	marks := map[string]*muster.Mark{}
	for rows.Next() {
		m := &muster.Mark{Date: day}
		var present int
		if err := rows.Scan(&m.ServiceNumber, &present, &m.Hours, &m.Role); err != nil {
			return nil, err
		}
		m.Present = present != 0
		marks[m.ServiceNumber] = m
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sheet := &muster.DaySheet{Exercise: e, Unit: unit, Date: day, Rows: make([]*muster.DayRow, len(list))}
	for i, p := range list {
		sheet.Rows[i] = &muster.DayRow{Participant: p, Mark: marks[p.ServiceNumber]}
	}
	return sheet, nil
}
