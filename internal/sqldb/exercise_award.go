package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/muster-force/muster"
)

// AwardQualification awards or renews a qualification for every
// participant of the exercise who completed it (track, roles, days
// present), in one transaction, through the member write path; each
// changed member is audited (member.award) with before and after. A
// renewal never shortens a later expiry, so repeating an award changes
// nothing. Participants outside the track or roles are left out silently;
// those short of days, already holding the qualification as long, or now
// outside the actor's subtree are listed as skipped.
func (db *DB) AwardQualification(ctx context.Context, id int64, in muster.AwardInput) (*muster.AwardResult, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var res *muster.AwardResult
	err := db.writeTx(ctx, func(tx *Tx) (err error) {
		res, err = tx.award(ctx, id, in)
		return err
	})
	return res, err
}

func (tx *Tx) award(ctx context.Context, id int64, in muster.AwardInput) (*muster.AwardResult, error) {
	e, err := exerciseIn(ctx, tx, tx.actor, muster.PermCallUp, id)
	if err != nil {
		return nil, err
	}
	if err := checkTrack(e, in.Track); err != nil {
		return nil, err
	}
	// Lock the exercise's row, so that concurrent awards of one exercise
	// on PostgreSQL run one after the other and each sees what the other
	// wrote (SQLite runs one write transaction at a time anyway).
	if _, err := tx.ExecContext(ctx, `UPDATE exercises SET updated_at = updated_at WHERE id = $1`, id); err != nil {
		return nil, fmt.Errorf("lock exercise %d: %w", id, err)
	}
	if today := muster.DateOf(tx.now); !today.After(e.End) {
		return nil, muster.Errorf(muster.ECONFLICT, "Exercise %d ends on %s; qualifications can be awarded from %s on.", id, e.End, e.End.AddDays(1))
	}
	if in.MinDays == 0 {
		in.MinDays = e.Days()
	} else if in.MinDays > e.Days() {
		return nil, fieldError(muster.EINVALID, "min_days", "exercise %d lasts %d days; min_days must not exceed that", id, e.Days())
	}
	var qualID int64
	var validity int
	err = tx.QueryRowContext(ctx, `SELECT id, validity_months FROM qualifications WHERE code = $1`, in.Qualification).Scan(&qualID, &validity)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fieldError(muster.EUNPROCESSABLE, "qualification", "%s is not in the catalogue", in.Qualification)
	} else if err != nil {
		return nil, fmt.Errorf("qualification %s: %w", in.Qualification, err)
	}
	if in.ValidMonths == 0 {
		in.ValidMonths = validity
	}
	var expires muster.Date // zero: does not expire
	if in.ValidMonths > 0 {
		expires = e.End.AddMonths(in.ValidMonths)
	}
	candidates, err := tx.awardCandidates(ctx, e, in)
	if err != nil {
		return nil, err
	}
	res, err := tx.awardMembers(ctx, candidates, in, expires)
	if err != nil || res.Awarded+res.Renewed == 0 {
		return res, err
	}
	roles, _ := json.Marshal(in.Roles)
	skipped, err := json.Marshal(res.Skipped)
	if err != nil {
		return nil, err
	}
	a := &muster.Award{Exercise: id, AwardInput: in, Expires: expires, Result: *res, CreatedBy: tx.actor.Label(), CreatedAt: tx.now}
	err = tx.QueryRowContext(ctx, `INSERT INTO exercise_awards (exercise_id, qualification_id, valid_months, expires_on, track, min_days,
		roles_json, awarded, renewed, skipped_json, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		id, qualID, in.ValidMonths, expiresOn(expires), in.Track, in.MinDays, string(roles), res.Awarded, res.Renewed, string(skipped),
		a.CreatedBy, formatTime(tx.now)).Scan(&a.ID)
	if err != nil {
		return nil, fmt.Errorf("insert exercise award: %w", err)
	}
	return res, tx.audit(ctx, "exercise.award", "exercise", strconv.FormatInt(id, 10), nil, a)
}

// awardCandidate is a participant in the award's track and roles, with the
// days present.
type awardCandidate struct {
	member *muster.Member
	days   int
}

// scanWithDays scans a member's row followed by the days present.
type scanWithDays struct {
	row  interface{ Scan(...any) error }
	days *int
}

func (r scanWithDays) Scan(dest ...any) error { return r.row.Scan(append(dest, r.days)...) }

// awardCandidates returns the participants of the award's track and roles
// with their days present, by service number; those present on enough
// days have their qualifications loaded.
func (tx *Tx) awardCandidates(ctx context.Context, e *muster.Exercise, in muster.AwardInput) ([]awardCandidate, error) {
	var w where
	w.add("p.exercise_id = ?", e.ID)
	if in.Track != "" {
		w.add("p.track = ?", in.Track)
	}
	if len(in.Roles) > 0 {
		args := make([]any, len(in.Roles))
		for i, r := range in.Roles {
			args[i] = string(r)
		}
		w.add("p.role IN ("+marks(len(args))+")", args...)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+memberFields+`, (SELECT count(*) FROM exercise_attendance a
		WHERE a.exercise_id = p.exercise_id AND a.member_id = p.member_id AND a.present = 1)
		FROM exercise_participants p JOIN members m ON m.id = p.member_id JOIN units u ON u.id = m.unit_id`+
		w.sql()+` ORDER BY m.service_number`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("award candidates of exercise %d: %w", e.ID, err)
	}
	defer rows.Close()
	var out []awardCandidate
	var complete []*muster.Member
	for rows.Next() {
		var c awardCandidate
		if c.member, err = scanMember(scanWithDays{rows, &c.days}); err != nil {
			return nil, err
		}
		if c.days >= in.MinDays {
			complete = append(complete, c.member)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for chunk := range slices.Chunk(complete, 1000) {
		if err := loadMemberDetails(ctx, tx, chunk); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// awardMembers gives the qualification, expiring on expires (zero: never),
// to each candidate present on enough days, through memberWriter.update.
func (tx *Tx) awardMembers(ctx context.Context, candidates []awardCandidate, in muster.AwardInput, expires muster.Date) (*muster.AwardResult, error) {
	res := &muster.AwardResult{Skipped: []muster.AwardSkip{}}
	skip := func(sn, format string, args ...any) {
		res.Skipped = append(res.Skipped, muster.AwardSkip{ServiceNumber: sn, Reason: fmt.Sprintf(format, args...)})
	}
	r, err := loadRefs(ctx, tx, tx.actor)
	if err != nil {
		return nil, err
	}
	w, err := tx.newMemberWriter(ctx, r)
	if err != nil {
		return nil, err
	}
	defer w.close()
	for _, c := range candidates {
		before, sn := c.member, c.member.ServiceNumber
		if c.days < in.MinDays {
			skip(sn, "present on %d of the %d days needed", c.days, in.MinDays)
			continue
		}
		if !r.units[before.Unit].inScope {
			skip(sn, "member is outside your unit (%s)", tx.actor.Unit)
			continue
		}
		after := *before
		after.Qualifications = slices.Clone(before.Qualifications)
		i := slices.IndexFunc(after.Qualifications, func(q muster.MemberQualification) bool { return q.Code == in.Qualification })
		switch {
		case i < 0:
			after.Qualifications = append(after.Qualifications, muster.MemberQualification{Code: in.Qualification, Expires: expires})
			res.Awarded++
		case lastsLonger(after.Qualifications[i].Expires, expires):
			held := "without expiry"
			if !after.Qualifications[i].Expires.IsZero() {
				held = "until " + after.Qualifications[i].Expires.String()
			}
			skip(sn, "already holds %s %s", in.Qualification, held)
			continue
		default:
			after.Qualifications[i].Expires = expires
			res.Renewed++
		}
		if _, err := w.update(ctx, before, &after); err != nil {
			return nil, err
		}
		if err := tx.audit(ctx, "member.award", "member", sn, before, after); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// lastsLonger reports whether an expiry held is as late as one offered;
// the zero Date means "does not expire".
func lastsLonger(held, offered muster.Date) bool {
	return held.IsZero() || (!offered.IsZero() && !held.Before(offered))
}

// expiresOn is how an expiry is stored: noExpiry for the zero Date.
func expiresOn(d muster.Date) string {
	if d.IsZero() {
		return noExpiry
	}
	return d.String()
}

// Awards returns the exercise's awards, newest first.
func (db *DB) Awards(ctx context.Context, id int64) ([]*muster.Award, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := exerciseIn(ctx, db.read, a, muster.PermReadRoster, id); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT ea.id, q.code, ea.valid_months, ea.expires_on, ea.track, ea.min_days, ea.roles_json,
		ea.awarded, ea.renewed, ea.skipped_json, ea.created_by, ea.created_at
		FROM exercise_awards ea JOIN qualifications q ON q.id = ea.qualification_id WHERE ea.exercise_id = $1 ORDER BY ea.id DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("awards of exercise %d: %w", id, err)
	}
	defer rows.Close()
	out := []*muster.Award{}
	for rows.Next() {
		aw := &muster.Award{Exercise: id}
		var expires, roles, skipped, created string
		err := rows.Scan(&aw.ID, &aw.Qualification, &aw.ValidMonths, &expires, &aw.Track, &aw.MinDays, &roles,
			&aw.Result.Awarded, &aw.Result.Renewed, &skipped, &aw.CreatedBy, &created)
		if err != nil {
			return nil, err
		}
		if expires != noExpiry {
			aw.Expires, _ = muster.ParseDate(expires)
		}
		aw.CreatedAt = parseTime(created)
		if err := json.Unmarshal([]byte(roles), &aw.Roles); err != nil {
			return nil, fmt.Errorf("award %d roles: %w", aw.ID, err)
		}
		if err := json.Unmarshal([]byte(skipped), &aw.Result.Skipped); err != nil {
			return nil, fmt.Errorf("award %d skipped: %w", aw.ID, err)
		}
		out = append(out, aw)
	}
	return out, rows.Err()
}
