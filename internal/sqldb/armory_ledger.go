package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// ledgerHead is the chain's last entry, held locked by a write transaction
// from lockLedger to its end.
type ledgerHead struct {
	seq  int64
	hash string
}

// lockLedger takes the chain head. On PostgreSQL the UPDATE holds the head
// row's lock until the transaction ends, so appenders in several muster
// processes queue here and the chain never forks; on SQLite the single
// writer already serialises them. Call it before reading the state that a
// movement checks, so that the check sees the writes of the one before.
func (tx *Tx) lockLedger(ctx context.Context) (*ledgerHead, error) {
	var h ledgerHead
	err := tx.QueryRowContext(ctx, `UPDATE ledger_head SET seq = seq WHERE id = 1 RETURNING seq, hash`).Scan(&h.seq, &h.hash)
	if err != nil {
		return nil, fmt.Errorf("lock ledger: %w", err)
	}
	return &h, nil
}

// appendLedger writes e as the entry after h, filling in its seq, time,
// actor and hashes, and moves h on to it.
func (tx *Tx) appendLedger(ctx context.Context, h *ledgerHead, e *muster.LedgerEntry) error {
	e.Seq, e.At, e.Actor, e.PrevHash = h.seq+1, tx.now, tx.actor.Label(), h.hash
	e.Hash = e.ComputeHash()
	_, err := tx.ExecContext(ctx, `INSERT INTO ledger (seq, at, actor, kind, serial, item_type, lot, quantity,
		from_armory, to_armory, member, note, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		e.Seq, formatTime(e.At), e.Actor, e.Kind, e.Serial, e.Type, e.Lot, e.Quantity, e.FromArmory, e.ToArmory, e.Member, e.Note,
		e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("append ledger entry %d: %w", e.Seq, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE ledger_head SET seq = $1, hash = $2 WHERE id = 1`, e.Seq, e.Hash); err != nil {
		return fmt.Errorf("move ledger head: %w", err)
	}
	h.seq, h.hash = e.Seq, e.Hash
	return nil
}

// ledgerColumns are the columns scanLedgerEntry reads.
const ledgerColumns = `seq, at, actor, kind, serial, item_type, lot, quantity, from_armory, to_armory, member, note, prev_hash, hash FROM ledger`

func scanLedgerEntry(row interface{ Scan(...any) error }, e *muster.LedgerEntry) error {
	var at string
	err := row.Scan(&e.Seq, &at, &e.Actor, &e.Kind, &e.Serial, &e.Type, &e.Lot, &e.Quantity, &e.FromArmory, &e.ToArmory,
		&e.Member, &e.Note, &e.PrevHash, &e.Hash)
	e.At = parseTime(at)
	return err
}

// ItemLedger returns the ledger entries of an item in the actor's scope,
// oldest first.
func (db *DB) ItemLedger(ctx context.Context, serial string) ([]*muster.LedgerEntry, error) {
	if _, err := db.FindItem(ctx, serial); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+ledgerColumns+` WHERE serial = $1 ORDER BY seq`, serial)
	if err != nil {
		return nil, fmt.Errorf("item ledger: %w", err)
	}
	defer rows.Close()
	out := []*muster.LedgerEntry{}
	for rows.Next() {
		var e muster.LedgerEntry
		if err := scanLedgerEntry(rows, &e); err != nil {
			return nil, err
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}
