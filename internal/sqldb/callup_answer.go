package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/answertoken"
)

// answerGrace is how long after the report-by time a call-up still takes
// answers (a member held up on the way says so, late).
const answerGrace = 24 * time.Hour

// CheckIn records the member at the assembly point. The first check-in
// stands; checking in again changes nothing. The call-up, or the member's
// unit, must be in the actor's subtree, so that a company clerk can check
// in the company's members at a region's call-up.
func (db *DB) CheckIn(ctx context.Context, id int64, serviceNumber string) error {
	return db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermCheckIn); err != nil {
			return err
		}
		c, err := findCallUp(ctx, tx, id)
		if err != nil {
			return err
		}
		var memberID, memberUnitID int64
		err = tx.QueryRowContext(ctx, `SELECT id, unit_id FROM members WHERE service_number = $1`, serviceNumber).Scan(&memberID, &memberUnitID)
		if err != nil {
			return notFound(err, "Member %s does not exist.", serviceNumber)
		}
		var unitID int64
		var checkedIn string
		err = tx.QueryRowContext(ctx, `SELECT unit_id, checked_in_at FROM callup_members WHERE callup_id = $1 AND member_id = $2`,
			id, memberID).Scan(&unitID, &checkedIn)
		targeted := err == nil
		if !targeted && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("check in: %w", err)
		} else if !targeted {
			unitID = memberUnitID
		}
		// The actor sees the call-up, or the member (by the unit the
		// call-up recorded, or the member's own when not targeted).
		if ok, err := inScope(ctx, tx, tx.actor, c.UnitID); err != nil {
			return err
		} else if !ok {
			if err := checkScope(ctx, tx, tx.actor, unitID, "Member "+serviceNumber); err != nil {
				return err
			}
		}
		if !targeted {
			return muster.Errorf(muster.ECONFLICT, "%s is not called up by this call-up.", serviceNumber)
		}
		if checkedIn != "" {
			return nil // already here: the first check-in stands
		}
		if _, err := tx.ExecContext(ctx, `UPDATE callup_members SET checked_in_at = $1 WHERE callup_id = $2 AND member_id = $3`,
			formatTime(tx.now), id, memberID); err != nil {
			return fmt.Errorf("check in: %w", err)
		}
		if _, err := bumpCallUp(ctx, tx, id); err != nil {
			return err
		}
		return tx.audit(ctx, "callup.checkin", "callup", strconv.FormatInt(id, 10), nil,
			map[string]any{"service_number": serviceNumber, "at": tx.now})
	})
}

// verifyToken returns the ids a response token carries, or EUNAUTHORIZED.
// After the first call it reads nothing from the database.
func (db *DB) verifyToken(ctx context.Context, token string) (callupID, memberID int64, err error) {
	key, err := db.answerTokenKey(ctx)
	if err != nil {
		return 0, 0, err
	}
	callupID, memberID, err = answertoken.Verify(key, token)
	if err != nil {
		return 0, 0, muster.Errorf(muster.EUNAUTHORIZED, "This answer link is not valid. Use the link from your notice.")
	}
	return callupID, memberID, nil
}

// CheckAnswerToken returns EUNAUTHORIZED unless the token is a response
// token signed with the answer key; after the first call it reads nothing
// from the database.
func (db *DB) CheckAnswerToken(ctx context.Context, token string) error {
	_, _, err := db.verifyToken(ctx, token)
	return err
}

// AnswerPage returns the call-up, the member and the member's last answer
// (the current one, kept in callup_members) for the holder of a response
// token.
func (db *DB) AnswerPage(ctx context.Context, token string) (*muster.MemberCallUp, error) {
	callupID, memberID, err := db.verifyToken(ctx, token)
	if err != nil {
		return nil, err
	}
	c, err := findCallUp(ctx, db.read, callupID)
	if err != nil {
		return nil, err
	}
	p := &muster.MemberCallUp{CallUp: c}
	var family, given, checkedIn, at string
	var a muster.Answer
	err = db.read.QueryRowContext(ctx, `SELECT m.service_number, m.family_name, m.given_name, cm.checked_in_at,
			cm.answer, cm.eta_minutes, cm.reason, cm.answer_via, cm.answered_at
		FROM callup_members cm JOIN members m ON m.id = cm.member_id WHERE cm.callup_id = $1 AND cm.member_id = $2`,
		callupID, memberID).Scan(&p.ServiceNumber, &family, &given, &checkedIn, &a.Answer, &a.ETAMinutes, &a.Reason, &a.Via, &at)
	if err != nil {
		return nil, notFound(err, "You are not called up by this call-up.")
	}
	p.Name, p.CheckedIn = family+" "+given, checkedIn != ""
	if a.Answer != "" {
		a.At = parseTime(at)
		p.Last = &a
	}
	return p, nil
}

// SaveAnswer appends the answer to the member's history and makes it the
// member's current answer, and returns only once the transaction that holds
// it is committed (fsync'd: SQLite runs with synchronous=FULL, PostgreSQL
// with synchronous_commit on). The token is the authority: no actor is
// needed, and a bad token writes nothing.
//
// Answers are group-committed (answer_batch.go): the checked answer goes to
// the DB's one answer writer, which commits every answer waiting in one
// transaction. A nil error means the answer is committed; an error, that
// it is not written — also when ctx ends while it waits. The answers are
// their own history (callup_answers), so no audit entry is written.
func (db *DB) SaveAnswer(ctx context.Context, token string, a *muster.Answer) error {
	callupID, memberID, err := db.verifyToken(ctx, token)
	if err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return err
	}
	if a.Via == "" {
		a.Via = "link"
	}
	return db.answers.submit(ctx, &queuedAnswer{callupID: callupID, memberID: memberID, a: a})
}
