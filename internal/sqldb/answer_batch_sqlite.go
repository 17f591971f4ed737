package sqldb

import (
	"errors"
	"fmt"
	"strings"

	"github.com/muster-force/muster"
)

// On SQLite the answer writer runs its batch's per-answer statements as
// packed statements on the write connection's own handle: reading the
// members' rows, setting their current answers, appending the history and
// adding the readiness counts are one cgo call each, a batch. Through
// database/sql each answer cost three calls, each with its locks, its
// boxed arguments and its cgo crossing: a transaction of ~50 answers took
// the writer 3.0–3.4 ms in a storm, and one of ~44 takes 1.9–2.3 ms so
// (README, Performance). Every caller of the batch waits for it.

// answerCodes are the answers as answerStateSQL returns them: the code is
// the index.
var answerCodes = []muster.AnswerKind{"", muster.AnswerYes, muster.AnswerLate, muster.AnswerNo}

// answerStateSQL reads what the writer needs of one member's row: unit,
// quals, the answer's code (-1 for one not in answerCodes), delivered,
// checked in.
var answerStateSQL = func() string {
	var b strings.Builder
	b.WriteString("SELECT unit_id, quals, CASE answer")
	for code, a := range answerCodes {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", a, code)
	}
	b.WriteString(" ELSE -1 END, delivered, checked_in_at <> '' FROM callup_members WHERE callup_id = $1 AND member_id = $2")
	return b.String()
}()

// answerStateColumns is the number of columns answerStateSQL returns.
const answerStateColumns = 5

// answerInsertSQL appends one answer to the history.
const answerInsertSQL = `INSERT INTO callup_answers (callup_id, member_id, answer, eta_minutes, reason, via, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`

// sqliteAnswerStmts are the writer's packed statements, the connection
// they were prepared on, and the buffers a batch packs its values into.
// Only the writer's goroutine uses them.
type sqliteAnswerStmts struct {
	conn                           uintptr // sqliteHandleKey of the connection
	state, update, insert, count   *packedStmt
	keys, updates, history, deltas packedValues
}

// on prepares the statements on driverConn unless they were prepared on
// it already. They were prepared on another connection when the write
// pool replaced its one connection: that one is closed, and its statements
// can still be finalized (the driver closes with sqlite3_close_v2).
func (s *sqliteAnswerStmts) on(driverConn any) error {
	key, err := sqliteHandleKey(driverConn)
	if err != nil {
		return err
	}
	if s.state != nil && s.conn == key {
		return nil
	}
	s.close()
	texts := []string{answerStateSQL, answerUpdateSQL, answerInsertSQL, countSQL}
	stmts := make([]*packedStmt, 0, len(texts))
	for _, text := range texts {
		p, err := preparePacked(driverConn, text)
		if err != nil {
			for _, p := range stmts {
				p.close()
			}
			return fmt.Errorf("prepare the answer writer's statements: %w", err)
		}
		stmts = append(stmts, p)
	}
	s.conn = key
	s.state, s.update, s.insert, s.count = stmts[0], stmts[1], stmts[2], stmts[3]
	return nil
}

// close finalizes the statements.
func (s *sqliteAnswerStmts) close() {
	for _, p := range []*packedStmt{s.state, s.update, s.insert, s.count} {
		if p != nil {
			p.close()
		}
	}
	s.state, s.update, s.insert, s.count = nil, nil, nil, nil
}

// run runs fn with the statements prepared on the transaction's
// connection, which the transaction must have (writeTxOnConn).
func (s *sqliteAnswerStmts) run(tx *Tx, fn func() error) error {
	if tx.conn == nil {
		return errors.New("the answer writer's statements need the transaction's connection (writeTxOnConn)")
	}
	return tx.conn.Raw(func(driverConn any) error {
		if err := s.on(driverConn); err != nil {
			return err
		}
		return fn()
	})
}

// states is currentStates on SQLite: it reads the rows of the members
// keys into current.
func (s *sqliteAnswerStmts) states(tx *Tx, keys []answerKey, current map[answerKey]memberState) error {
	s.keys.reset()
	for _, k := range keys {
		s.keys.integer(k.callupID)
		s.keys.integer(k.memberID)
	}
	out := make([]int64, answerStateColumns*len(keys))
	found := make([]bool, len(keys))
	if err := s.run(tx, func() error { return s.state.stepRows(&s.keys, 2, out, found) }); err != nil {
		return fmt.Errorf("read the members' current answers: %w", err)
	}
	for r, k := range keys {
		if !found[r] {
			continue
		}
		row := out[r*answerStateColumns:]
		if row[2] < 0 || row[2] >= int64(len(answerCodes)) {
			return fmt.Errorf("member %d of call-up %d has an answer muster does not know", k.memberID, k.callupID)
		}
		current[k] = memberState{
			group:     readinessGroup{unit: row[0], quals: row[1], answer: string(answerCodes[row[2]]), delivered: row[3] != 0},
			checkedIn: row[4] != 0,
		}
	}
	return nil
}

// write is writeAnswers on SQLite.
func (s *sqliteAnswerStmts) write(tx *Tx, batch []*queuedAnswer, last, accepted []int, at string) error {
	s.updates.reset()
	for _, i := range last {
		q := batch[i]
		s.updates.str(string(q.a.Answer))
		s.updates.integer(int64(q.a.ETAMinutes))
		s.updates.str(q.a.Reason)
		s.updates.str(q.a.Via)
		s.updates.str(at)
		s.updates.integer(q.callupID)
		s.updates.integer(q.memberID)
	}
	s.history.reset()
	for _, i := range accepted {
		q := batch[i]
		s.history.integer(q.callupID)
		s.history.integer(q.memberID)
		s.history.str(string(q.a.Answer))
		s.history.integer(int64(q.a.ETAMinutes))
		s.history.str(q.a.Reason)
		s.history.str(q.a.Via)
		s.history.str(at)
	}
	return s.run(tx, func() error {
		if err := s.update.stepRows(&s.updates, 7, nil, nil); err != nil {
			return fmt.Errorf("update the current answer: %w", err)
		}
		if err := s.insert.stepRows(&s.history, 7, nil, nil); err != nil {
			return fmt.Errorf("append the answers: %w", err)
		}
		return nil
	})
}

// counts is the countAdder of the SQLite writer: every group's delta in
// one call.
func (s *sqliteAnswerStmts) counts(tx *Tx) countAdder {
	return func(id int64, keys []countKey, deltas map[countKey]readinessCount) error {
		s.deltas.reset()
		for _, k := range keys {
			d := deltas[k]
			s.deltas.integer(id)
			s.deltas.integer(k.unit)
			s.deltas.integer(k.quals)
			s.deltas.str(k.answer)
			s.deltas.integer(int64(k.delivered))
			s.deltas.integer(int64(d.n))
			s.deltas.integer(int64(d.checkedIn))
		}
		return s.run(tx, func() error { return s.count.stepRows(&s.deltas, 7, nil, nil) })
	}
}
