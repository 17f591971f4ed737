package sqldb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

// maxParticipantsAdded bounds one hand-made list of service numbers.
const maxParticipantsAdded = 5000

// AddParticipants adds members to an exercise by hand, all or none: every
// unknown service number and every member outside the actor's subtree or
// the exercise's unit subtree is reported (EUNPROCESSABLE), and a member in an overlapping exercise
// refuses the whole list (ECONFLICT). A member already taking part gets
// the new role and track.
func (db *DB) AddParticipants(ctx context.Context, id int64, in muster.ParticipantsInput) error {
	if in.Role == "" {
		in.Role = muster.RoleTrainee
	}
	if !in.Role.Valid() {
		return fieldError(muster.EINVALID, "role", "must be trainee, instructor or staff")
	}
	var numbers []string
	for _, sn := range in.ServiceNumbers {
		if sn = strings.TrimSpace(sn); sn != "" && !slices.Contains(numbers, sn) {
			numbers = append(numbers, sn)
		}
	}
	if len(numbers) == 0 || len(numbers) > maxParticipantsAdded {
		return fieldError(muster.EINVALID, "service_numbers", "give from 1 to %d service numbers", maxParticipantsAdded)
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		e, err := exerciseIn(ctx, tx, tx.actor, muster.PermCallUp, id)
		if err != nil {
			return err
		}
		if err := checkTrack(e, in.Track); err != nil {
			return err
		}
		refs, err := tx.membersInScope(ctx, e, numbers)
		if err != nil {
			return err
		}
		args := make([]any, len(refs))
		for i, m := range refs {
			args[i] = m.id
		}
		if err := tx.checkOverlap(ctx, e, marks(len(args)), args...); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO exercise_participants (exercise_id, member_id, unit_id, role, track, added_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (exercise_id, member_id) DO UPDATE SET role = excluded.role, track = excluded.track`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, m := range refs {
			if _, err := stmt.ExecContext(ctx, id, m.id, m.unitID, string(in.Role), in.Track, formatTime(tx.now)); err != nil {
				return fmt.Errorf("add participant: %w", err)
			}
		}
		in.ServiceNumbers = numbers
		return tx.audit(ctx, "exercise.participants.add", "exercise", strconv.FormatInt(id, 10), nil, in)
	})
}

// checkTrack returns EINVALID unless track is "" or one of e's tracks.
func checkTrack(e *muster.Exercise, track string) error {
	if track != "" && !slices.Contains(e.Tracks, track) {
		return fieldError(muster.EINVALID, "track", "exercise %d has no track %q", e.ID, track)
	}
	return nil
}

// memberRef is a member's id and unit.
type memberRef struct{ id, unitID int64 }

// membersInScope returns the ids of the members with the service numbers,
// or EUNPROCESSABLE with one detail per number that is unknown, outside
// the actor's subtree or outside the unit subtree of the exercise e: what
// an exercise holds stays inside its unit.
func (tx *Tx) membersInScope(ctx context.Context, e *muster.Exercise, numbers []string) ([]memberRef, error) {
	type found struct {
		memberRef
		inScope, inExercise bool
	}
	byNumber := make(map[string]found, len(numbers))
	for chunk := range slices.Chunk(numbers, 500) {
		var w where
		args := make([]any, len(chunk))
		for i, sn := range chunk {
			args[i] = sn
		}
		scope := "1"
		if !unrestricted(tx.actor) {
			scope = "(SELECT count(*) FROM unit_tree t WHERE t.ancestor_id = " + w.next(tx.actor.UnitID) + " AND t.unit_id = m.unit_id)"
		}
		inExercise := "(SELECT count(*) FROM unit_tree t WHERE t.ancestor_id = " + w.next(e.UnitID) + " AND t.unit_id = m.unit_id)"
		w.add("m.service_number IN ("+marks(len(args))+")", args...)
		rows, err := tx.QueryContext(ctx, `SELECT m.service_number, m.id, m.unit_id, `+scope+`, `+inExercise+` FROM members m`+w.sql(), w.args...)
		if err != nil {
			return nil, fmt.Errorf("find members: %w", err)
		}
		for rows.Next() {
			var sn string
			var f found
			var n, m int
			if err := rows.Scan(&sn, &f.id, &f.unitID, &n, &m); err != nil {
				rows.Close()
				return nil, err
			}
			f.inScope, f.inExercise = n > 0, m > 0
			byNumber[sn] = f
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var refs []memberRef
	var details []muster.ErrorDetail
	for i, sn := range numbers {
		field := fmt.Sprintf("service_numbers[%d]", i)
		switch f, ok := byNumber[sn]; {
		case !ok:
			details = append(details, muster.ErrorDetail{Field: field, Message: "no member has the service number " + sn})
		case !f.inScope:
			details = append(details, muster.ErrorDetail{Field: field, Message: "member " + sn + " is outside your unit (" + tx.actor.Unit + ")"})
		case !f.inExercise:
			details = append(details, muster.ErrorDetail{Field: field, Message: "member " + sn + " is outside the exercise's unit (" + e.Unit + ")"})
		default:
			refs = append(refs, f.memberRef)
		}
	}
	if len(details) > 0 {
		return nil, bulkError("No participant was added", details)
	}
	return refs, nil
}

// bulkError returns the EUNPROCESSABLE error of the details: its message
// says what happened and names the first problem.
func bulkError(what string, details []muster.ErrorDetail) error {
	msg := what + ": " + details[0].String()
	if n := len(details) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more problems)", n)
	}
	return &muster.Error{Code: muster.EUNPROCESSABLE, Message: msg, Details: details}
}

// checkOverlap returns ECONFLICT, naming each member and other exercise,
// when a member of the list takes part in another exercise with a day in
// common with e. members is a list of member ids or a SELECT of them, with
// '?' markers for args.
func (tx *Tx) checkOverlap(ctx context.Context, e *muster.Exercise, members string, args ...any) error {
	if members == "" {
		return nil
	}
	var w where
	w.add("p.member_id IN ("+members+")", args...)
	w.add("p.exercise_id <> ?", e.ID)
	w.add("o.start_on <= ? AND o.end_on >= ?", e.End.String(), e.Start.String())
	rows, err := tx.QueryContext(ctx, `SELECT m.service_number, o.id, o.title, o.start_on, o.end_on
		FROM exercise_participants p JOIN exercises o ON o.id = p.exercise_id JOIN members m ON m.id = p.member_id`+
		w.sql()+` ORDER BY m.service_number, o.id LIMIT 1000`, w.args...)
	if err != nil {
		return fmt.Errorf("overlapping exercises: %w", err)
	}
	defer rows.Close()
	var details []muster.ErrorDetail
	for rows.Next() {
		var sn, title, start, end string
		var other int64
		if err := rows.Scan(&sn, &other, &title, &start, &end); err != nil {
			return err
		}
		details = append(details, muster.ErrorDetail{Field: "service_numbers", Message: fmt.Sprintf(
			"member %s already takes part in exercise %d %q (%s – %s), whose days overlap", sn, other, title, start, end)})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(details) == 0 {
		return nil
	}
	msg := details[0].Message
	if n := len(details) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more)", n)
	}
	return &muster.Error{Code: muster.ECONFLICT, Message: strings.ToUpper(msg[:1]) + msg[1:] + ".", Details: details}
}

// Summon creates a call-up of kind exercise through CreateCallUp and
// records every member it targets as a participant (a trainee, unless
// already taking part), in one transaction: a call-up's unit outside the
// exercise's unit subtree (EINVALID naming unit) or a member in an
// overlapping exercise refuses the summons, and then no call-up exists
// either.
func (db *DB) Summon(ctx context.Context, id int64, in muster.SummonInput) error {
	c := in.CallUp
	if c == nil {
		return fieldError(muster.EINVALID, "callup", "required")
	}
	c.Kind = muster.CallUpExercise
	if in.Role == "" {
		in.Role = muster.RoleTrainee
	}
	if !in.Role.Valid() {
		return fieldError(muster.EINVALID, "role", "must be trainee, instructor or staff")
	}
	err := db.writeTx(ctx, func(tx *Tx) error {
		e, err := exerciseIn(ctx, tx, tx.actor, muster.PermCallUp, id)
		if err != nil {
			return err
		}
		if err := checkTrack(e, in.Track); err != nil {
			return err
		}
		if c.Title == "" {
			c.Title = e.Title
		}
		if c.Unit == "" {
			c.Unit = e.Unit
		}
		if err := db.CreateCallUp(tx.within(ctx), c); err != nil {
			return err
		}
		if inside, err := withinUnit(ctx, tx, e.UnitID, c.UnitID); err != nil {
			return err
		} else if !inside {
			return fieldError(muster.EINVALID, "unit", "unit %s is outside the exercise's unit %s", c.Unit, e.Unit)
		}
		if err := tx.checkOverlap(ctx, e, "SELECT member_id FROM callup_members WHERE callup_id = ?", c.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO exercise_participants (exercise_id, member_id, unit_id, role, track, callup_id, added_at)
			SELECT CAST($1 AS BIGINT), cm.member_id, cm.unit_id, CAST($2 AS TEXT), CAST($3 AS TEXT), cm.callup_id, CAST($4 AS TEXT)
			FROM callup_members cm WHERE cm.callup_id = $5
			AND NOT EXISTS (SELECT 1 FROM exercise_participants p WHERE p.exercise_id = $1 AND p.member_id = cm.member_id)`,
			id, string(in.Role), in.Track, formatTime(tx.now), c.ID)
		if err != nil {
			return fmt.Errorf("summon participants: %w", err)
		}
		if in.DryRun {
			return errDryRun // every check passed: roll back
		}
		return tx.audit(ctx, "exercise.summon", "exercise", strconv.FormatInt(id, 10), nil,
			map[string]any{"callup": c.ID, "targeted": c.Targeted, "track": in.Track, "role": in.Role})
	})
	if errors.Is(err, errDryRun) {
		c.ID = 0
		return nil
	}
	return err
}

// Participants returns an exercise's participants by unit and name.
func (db *DB) Participants(ctx context.Context, id int64) ([]*muster.Participant, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := exerciseIn(ctx, db.read, a, muster.PermReadRoster, id); err != nil {
		return nil, err
	}
	return participants(ctx, db.read, id, 0)
}

// participants reads the participants of an exercise, of the unit's
// subtree only when unitID is not 0.
func participants(ctx context.Context, q querier, id, unitID int64) ([]*muster.Participant, error) {
	var w where
	w.add("p.exercise_id = ?", id)
	if unitID != 0 {
		w.inSubtree("p.unit_id", unitID)
	}
	rows, err := q.QueryContext(ctx, `SELECT m.service_number, m.family_name, m.given_name, u.code, p.role, p.track,
		COALESCE(p.callup_id, 0) FROM exercise_participants p JOIN members m ON m.id = p.member_id JOIN units u ON u.id = p.unit_id`+
		w.sql()+` ORDER BY u.code, m.family_name, m.given_name, m.service_number`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("participants of exercise %d: %w", id, err)
	}
	defer rows.Close()
	out := []*muster.Participant{}
	for rows.Next() {
		var p muster.Participant
		var family, given string
		if err := rows.Scan(&p.ServiceNumber, &family, &given, &p.Unit, &p.Role, &p.Track, &p.CallUp); err != nil {
			return nil, err
		}
		p.Name = family + " " + given
		out = append(out, &p)
	}
	return out, rows.Err()
}
