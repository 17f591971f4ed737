package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// replayed is an item's state as the ledger tells it.
type replayed struct {
	status muster.ItemStatus
	armory string
	member string
}

// ledgerReplay rebuilds items' states and stock from the ledger's entries
// in order, refusing entries the rules would not have allowed.
type ledgerReplay struct {
	items map[string]*replayed
	stock map[[3]string]int64 // armory, type, lot
}

// apply replays one entry, or says what is wrong with it.
func (r *ledgerReplay) apply(e *muster.LedgerEntry) string {
	if e.Serial == "" {
		switch e.Kind {
		case muster.MoveReceive, muster.MoveReturn, muster.MoveIssue, muster.MoveTransfer:
		default:
			return fmt.Sprintf("%s is not a movement of consumables", e.Kind)
		}
		if e.FromArmory != "" { // issue, transfer
			key := [3]string{e.FromArmory, e.Type, e.Lot}
			if r.stock[key] < e.Quantity {
				return fmt.Sprintf("%s of %d of %s lot %s from %s, which had %d", e.Kind, e.Quantity, e.Type, e.Lot, e.FromArmory, r.stock[key])
			}
			r.stock[key] -= e.Quantity
		}
		if e.ToArmory != "" { // receive, return, transfer
			r.stock[[3]string{e.ToArmory, e.Type, e.Lot}] += e.Quantity
		}
		return ""
	}
	st := r.items[e.Serial]
	if e.Kind == muster.MoveReceive {
		if st != nil {
			return "receives item " + e.Serial + ", which was received before"
		}
		r.items[e.Serial] = &replayed{status: muster.InStore, armory: e.ToArmory}
		return ""
	}
	if st == nil {
		return "moves item " + e.Serial + " before it was received"
	}
	if e.FromArmory != st.armory {
		return fmt.Sprintf("moves item %s from %s, but it was in %s", e.Serial, e.FromArmory, st.armory)
	}
	next, err := e.Kind.Next(st.status)
	if err != nil {
		return fmt.Sprintf("%s of item %s, which was %s", e.Kind, e.Serial, st.status)
	}
	st.status, st.armory, st.member = next, e.ToArmory, ""
	if next == muster.Issued {
		st.member = e.Member
	}
	return ""
}

// VerifyLedger walks the ledger in seq order in one query, checking each
// entry's hash, its link to the entry before, that no seq is missing, that
// the chain head names the last entry and that each movement was allowed;
// then it checks that item_state and stock agree with the ledger. Its
// report names serials and armories force-wide, so it needs an actor with
// audit.read who sees the whole force (such as the CLI's system actor).
func (db *DB) VerifyLedger(ctx context.Context) (*muster.LedgerCheck, error) {
	a, err := actorAllowed(ctx, muster.PermReadAudit)
	if err != nil {
		return nil, err
	}
	if whole, err := seesWholeForce(ctx, db.read, a); err != nil {
		return nil, err
	} else if !whole {
		return nil, muster.Errorf(muster.EFORBIDDEN, "The ledger check covers the whole force, beyond your unit (%s).", a.Unit)
	}
	check := &muster.LedgerCheck{}
	bad := func(seq int64, format string, args ...any) (*muster.LedgerCheck, error) {
		check.BadSeq, check.Problem = seq, fmt.Sprintf(format, args...)
		return check, nil
	}
	// One snapshot for the head, the walk and the state rows, so that
	// movements committed meanwhile do not look like tampering.
	snap, err := db.snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("verify ledger: %w", err)
	}
	defer snap.Rollback()
	var head ledgerHead
	if err := snap.QueryRowContext(ctx, `SELECT seq, hash FROM ledger_head WHERE id = 1`).Scan(&head.seq, &head.hash); err != nil {
		return nil, fmt.Errorf("ledger head: %w", err)
	}
	// The walk is two stages on two goroutines: one reads the rows (most
	// of it in the driver), the other checks them in order.
	walk, cancel := context.WithCancel(ctx)
	batches := make(chan []verifiedEntry, 4)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		readErr <- readLedger(walk, snap, batches)
	}()
	defer func() { // on a bad entry: stop the reader before the snapshot ends
		cancel()
		for range batches {
		}
	}()
	replay := &ledgerReplay{items: map[string]*replayed{}, stock: map[[3]string]int64{}}
	prev := ""
	for batch := range batches {
		for i := range batch {
			e := &batch[i].LedgerEntry
			want := check.Entries + 1
			switch {
			case e.Seq != want:
				return bad(want, "gap in seq: entry %d is missing (the next is %d)", want, e.Seq)
			case e.PrevHash != prev:
				return bad(e.Seq, "broken link: prev_hash is not the hash of entry %d", e.Seq-1)
			case e.HashWithTime(batch[i].at) != e.Hash:
				return bad(e.Seq, "hash mismatch: the entry was changed after it was written")
			}
			if problem := replay.apply(e); problem != "" {
				return bad(e.Seq, "not a valid movement: %s", problem)
			}
			check.Entries, prev = e.Seq, e.Hash
		}
	}
	if err := <-readErr; err != nil {
		return nil, fmt.Errorf("walk ledger: %w", err)
	}
	if head.seq != check.Entries || head.hash != prev {
		return bad(check.Entries+1, "the chain head names entry %d, but the ledger ends at entry %d: entries were removed", head.seq, check.Entries)
	}
	problem, err := compareState(ctx, snap, replay)
	if err != nil {
		return nil, err
	}
	check.Problem = problem
	return check, nil
}

// verifiedEntry is a ledger entry as verify reads it: with its time as
// the stored text, which is what the hash covers.
type verifiedEntry struct {
	muster.LedgerEntry
	at []byte
}

// verifyBatch is how many entries the reader hands over at a time.
const verifyBatch = 2048

// readLedger reads the whole ledger in seq order into batches; it fails
// when ctx is done first, so that a cut-short walk never looks like a
// ledger that ends early.
func readLedger(ctx context.Context, q querier, batches chan<- []verifiedEntry) error {
	rows, err := q.QueryContext(ctx, `SELECT `+ledgerColumns+` ORDER BY seq`)
	if err != nil {
		return err
	}
	defer rows.Close()
	batch := make([]verifiedEntry, 0, verifyBatch)
	for rows.Next() {
		batch = append(batch, verifiedEntry{})
		v := &batch[len(batch)-1]
		e := &v.LedgerEntry
		if err := rows.Scan(&e.Seq, &v.at, &e.Actor, &e.Kind, &e.Serial, &e.Type, &e.Lot, &e.Quantity, &e.FromArmory,
			&e.ToArmory, &e.Member, &e.Note, &e.PrevHash, &e.Hash); err != nil {
			return err
		}
		if len(batch) == verifyBatch {
			select {
			case batches <- batch:
			case <-ctx.Done():
				return ctx.Err()
			}
			batch = make([]verifiedEntry, 0, verifyBatch)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	select {
	case batches <- batch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// compareState returns what differs between item_state or stock and the
// replayed ledger, or "".
func compareState(ctx context.Context, q querier, r *ledgerReplay) (string, error) {
	rows, err := q.QueryContext(ctx, `SELECT i.serial, s.status, u.code, COALESCE(m.service_number, '')
		FROM item_state s JOIN items i ON i.id = s.item_id JOIN armories a ON a.id = s.armory_id
		JOIN units u ON u.id = a.unit_id LEFT JOIN members m ON m.id = s.member_id`)
	if err != nil {
		return "", fmt.Errorf("read item states: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var serial string
		var got replayed
		if err := rows.Scan(&serial, &got.status, &got.armory, &got.member); err != nil {
			return "", err
		}
		n++
		if want := r.items[serial]; want == nil || *want != got {
			return fmt.Sprintf("item %s: item_state says %v, the ledger %v", serial, got, want), nil
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if n != len(r.items) {
		return fmt.Sprintf("item_state has %d items, the ledger %d", n, len(r.items)), nil
	}
	rows, err = q.QueryContext(ctx, `SELECT u.code, t.code, st.lot, st.quantity FROM stock st
		JOIN armories a ON a.id = st.armory_id JOIN units u ON u.id = a.unit_id JOIN item_types t ON t.id = st.type_id`)
	if err != nil {
		return "", fmt.Errorf("read stock: %w", err)
	}
	defer rows.Close()
	seen := map[[3]string]bool{}
	for rows.Next() {
		var key [3]string
		var q int64
		if err := rows.Scan(&key[0], &key[1], &key[2], &q); err != nil {
			return "", err
		}
		seen[key] = true
		if r.stock[key] != q {
			return fmt.Sprintf("stock of %s lot %s in %s is %d, the ledger says %d", key[1], key[2], key[0], q, r.stock[key]), nil
		}
	}
	for key, q := range r.stock {
		if q != 0 && !seen[key] {
			return fmt.Sprintf("stock of %s lot %s in %s is missing, the ledger says %d", key[1], key[2], key[0], q), nil
		}
	}
	return "", rows.Err()
}
