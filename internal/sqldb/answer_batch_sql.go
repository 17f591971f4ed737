package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/muster-force/muster"
)

// The answer writer's SQL, prepared once for the writer's life and bound
// to each batch's transaction. On SQLite the per-answer statements are
// packed statements (answer_batch_sqlite.go). On PostgreSQL, reading the
// members' rows and appending the history cost one statement per batch:
// the batch's answers travel as one JSON array parameter, read with
// json_array_elements; setting the current answers is one prepared UPDATE
// per member (answerUpdateSQL).

// answerStmts are the writer's prepared statements.
type answerStmts struct {
	closes *sql.Stmt // $1 call-up → report_by
	// The per-answer statements through database/sql, on PostgreSQL; nil
	// on SQLite.
	current *sql.Stmt // $1 [[callup, member], …] → each member's row
	update  *sql.Stmt // one member's current answer: answer, eta, reason, via, answered_at, callup, member
	insert  *sql.Stmt // $1 at, $2 [[callup, member, answer, eta, reason, via], …], in order
	count   *sql.Stmt // countSQL: a group's delta in callup_counts
	// sqlite runs the per-answer statements on SQLite, where the writer's
	// transactions have their connection (Tx.conn); nil on PostgreSQL.
	sqlite *sqliteAnswerStmts
}

// answerUpdateSQL sets one member's current answer. It runs once per
// member of a batch: SQLite's UPDATE … FROM json_each over the batch cost
// more than as many single-row UPDATEs of a prepared statement.
const answerUpdateSQL = `UPDATE callup_members SET answer = $1, eta_minutes = $2, reason = $3, answer_via = $4, answered_at = $5
	WHERE callup_id = $6 AND member_id = $7`

// answerClosesSQL reads when a call-up's members must report.
const answerClosesSQL = `SELECT report_by FROM callups WHERE id = $1`

// answerPostgresSQL are the texts of PostgreSQL's per-answer statements,
// in the order of answerStmts' fields after closes.
var answerPostgresSQL = []string{
	`SELECT cm.callup_id, cm.member_id, cm.unit_id, cm.quals, cm.answer, cm.delivered, cm.checked_in_at <> ''
		FROM json_array_elements($1::json) AS v(e)
		JOIN callup_members cm ON cm.callup_id = (v.e ->> 0)::bigint AND cm.member_id = (v.e ->> 1)::bigint`,
	answerUpdateSQL,
	`INSERT INTO callup_answers (callup_id, member_id, answer, eta_minutes, reason, via, at)
		SELECT (v.e ->> 0)::bigint, (v.e ->> 1)::bigint, v.e ->> 2, (v.e ->> 3)::int, v.e ->> 4, v.e ->> 5, $1
		FROM json_array_elements($2::json) WITH ORDINALITY AS v(e, i) ORDER BY v.i`,
	countSQL,
}

// prepareAnswerStmts prepares the writer's statements on the write pool.
func prepareAnswerStmts(ctx context.Context, db *DB) (*answerStmts, error) {
	texts := []string{answerClosesSQL}
	if db.dialect == postgres {
		texts = append(texts, answerPostgresSQL...)
	}
	stmts := make([]*sql.Stmt, 0, len(texts))
	for _, text := range texts {
		s, err := db.write.PrepareContext(ctx, text)
		if err != nil {
			for _, s := range stmts {
				s.Close()
			}
			return nil, fmt.Errorf("prepare the answer writer's statements: %w", err)
		}
		stmts = append(stmts, s)
	}
	st := &answerStmts{closes: stmts[0]}
	if db.dialect == postgres {
		st.current, st.update, st.insert, st.count = stmts[1], stmts[2], stmts[3], stmts[4]
	} else {
		st.sqlite = &sqliteAnswerStmts{}
	}
	return st, nil
}

func (s *answerStmts) close() {
	for _, st := range []*sql.Stmt{s.closes, s.current, s.update, s.insert, s.count} {
		if st != nil {
			st.Close()
		}
	}
	if s.sqlite != nil {
		s.sqlite.close()
	}
}

// answerKey is a member of a call-up.
type answerKey struct{ callupID, memberID int64 }

// memberState is what the writer needs of a member's callup_members row.
type memberState struct {
	group     readinessGroup
	checkedIn bool
}

// errCheckedIn refuses the answer of a member checked in at the assembly
// point: having reported, the member's answer stands. An SMS reply gets
// its message back.
var errCheckedIn = muster.Errorf(muster.ECONFLICT, "You are checked in: your answer can no longer change.")

// applyAnswers makes each answer its member's current one, in arrival
// order, and appends the accepted ones to the history, recording a
// per-answer error in results. A member already checked in may not answer
// any more: currentStates reads checked_in_at with the members' rows, inside
// the write transaction, so no check-in can slip in between. It returns, per call-up, the members' moves
// between readiness groups and the callup_changes n of the transaction,
// for the readiness cache to apply once it is committed.
func applyAnswers(ctx context.Context, tx *Tx, st *answerStmts, batch []*queuedAnswer, results []error) (map[int64]*readinessBatch, error) {
	if err := refuseClosed(ctx, tx, st, batch, results); err != nil {
		return nil, err
	}
	current, err := currentStates(ctx, tx, st, batch, results)
	if err != nil {
		return nil, err
	}
	at := formatTime(tx.now)
	moved := map[int64]*readinessBatch{}
	var accepted []int          // the indexes in batch of the accepted answers, in order
	last := map[answerKey]int{} // the index in batch of each member's last answer
	for i, q := range batch {
		if results[i] != nil {
			continue
		}
		k := answerKey{q.callupID, q.memberID}
		from, ok := current[k]
		if !ok {
			results[i] = muster.Errorf(muster.ENOTFOUND, "You are not called up by this call-up.")
			continue
		}
		if from.checkedIn {
			results[i] = errCheckedIn
			continue
		}
		to := from
		to.group.answer = string(q.a.Answer)
		current[k], last[k] = to, i
		b := moved[q.callupID]
		if b == nil {
			b = &readinessBatch{}
			moved[q.callupID] = b
		}
		b.moves = append(b.moves, readinessMove{from: from.group, to: to.group, checkedIn: from.checkedIn})
		accepted = append(accepted, i)
	}
	if len(accepted) > 0 {
		if err := writeAnswers(ctx, tx, st, batch, slices.Sorted(maps.Values(last)), accepted, at); err != nil {
			return nil, err
		}
	}
	// Last, so that the hot callup_changes row is locked only briefly; in
	// the order of the ids, so that two processes' writers cannot deadlock.
	var add countAdder
	if st.sqlite != nil {
		add = st.sqlite.counts(tx)
	} else {
		add = countsThrough(ctx, tx, tx.StmtContext(ctx, st.count))
	}
	for _, id := range slices.Sorted(maps.Keys(moved)) {
		b, err := bumpWithMoves(ctx, tx, id, moved[id].moves, add)
		if err != nil {
			return nil, err
		}
		moved[id].version = b.version
		if len(b.moves) > 0 {
			tx.moved = append(tx.moved, movedBatch{callup: id, batch: b})
		}
	}
	// Only now, with every statement done, is each accepted answer stamped
	// (the caller reads it after the commit).
	for i, q := range batch {
		if results[i] == nil {
			q.a.At = tx.now
		}
	}
	return moved, nil
}

// refuseClosed fails, in results, the answers to call-ups that are gone or
// closed for answers.
func refuseClosed(ctx context.Context, tx *Tx, st *answerStmts, batch []*queuedAnswer, results []error) error {
	closes := tx.StmtContext(ctx, st.closes)
	problems := map[int64]error{} // by call-up: nil when open
	for i, q := range batch {
		problem, seen := problems[q.callupID]
		if !seen {
			var reportBy string
			err := closes.QueryRowContext(ctx, q.callupID).Scan(&reportBy)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				problem = muster.Errorf(muster.ENOTFOUND, "This call-up no longer exists.")
			case err != nil:
				return err
			default:
				if end := parseTime(reportBy).Add(answerGrace); tx.now.After(end) {
					problem = muster.Errorf(muster.ECONFLICT, "This call-up closed for answers on %s.", tx.db.clock(end))
				}
			}
			problems[q.callupID] = problem
		}
		results[i] = problem
	}
	return nil
}

// currentStates reads the callup_members rows of the members whose
// answers are still accepted, in one statement.
func currentStates(ctx context.Context, tx *Tx, st *answerStmts, batch []*queuedAnswer, results []error) (map[answerKey]memberState, error) {
	keys := pendingKeys(batch, results)
	current := make(map[answerKey]memberState, len(keys))
	if len(keys) == 0 {
		return current, nil
	}
	if st.sqlite != nil {
		return current, st.sqlite.states(tx, keys, current)
	}
	pairs := make([][2]int64, len(keys))
	for i, k := range keys {
		pairs[i] = [2]int64{k.callupID, k.memberID}
	}
	arg, err := json.Marshal(pairs)
	if err != nil {
		return nil, err
	}
	rows, err := tx.StmtContext(ctx, st.current).QueryContext(ctx, string(arg))
	if err != nil {
		return nil, fmt.Errorf("read the members' current answers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k answerKey
		var s memberState
		var delivered int
		if err := rows.Scan(&k.callupID, &k.memberID, &s.group.unit, &s.group.quals, &s.group.answer, &delivered, &s.checkedIn); err != nil {
			return nil, err
		}
		s.group.delivered = delivered != 0
		current[k] = s
	}
	return current, rows.Err()
}

// pendingKeys returns the members of the answers not refused yet, each
// once, in order.
func pendingKeys(batch []*queuedAnswer, results []error) []answerKey {
	seen := make(map[answerKey]bool, len(batch))
	keys := make([]answerKey, 0, len(batch))
	for i, q := range batch {
		k := answerKey{q.callupID, q.memberID}
		if results[i] == nil && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// writeAnswers sets each member's current answer to the answer at its
// index in last and appends the accepted answers to the history, in order.
func writeAnswers(ctx context.Context, tx *Tx, st *answerStmts, batch []*queuedAnswer, last, accepted []int, at string) error {
	if st.sqlite != nil {
		return st.sqlite.write(tx, batch, last, accepted, at)
	}
	update := tx.StmtContext(ctx, st.update)
	for _, i := range last {
		q := batch[i]
		if _, err := update.ExecContext(ctx, string(q.a.Answer), q.a.ETAMinutes, q.a.Reason, q.a.Via, at, q.callupID, q.memberID); err != nil {
			return fmt.Errorf("update the current answer: %w", err)
		}
	}
	history := make([][]any, len(accepted))
	for j, i := range accepted {
		q := batch[i]
		history[j] = []any{q.callupID, q.memberID, q.a.Answer, q.a.ETAMinutes, q.a.Reason, q.a.Via}
	}
	arg, err := json.Marshal(history)
	if err == nil {
		_, err = tx.StmtContext(ctx, st.insert).ExecContext(ctx, at, string(arg))
	}
	if err != nil {
		return fmt.Errorf("append the answers: %w", err)
	}
	return nil
}
