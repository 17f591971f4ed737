package sqldb

import (
	"cmp"
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Readiness from memory. A call-up's readiness is a handful of counts per
// group of its members (readinessGroup), which the database keeps too
// (callup_counts, updated by every transaction that moves members); one
// recount reads them, and the answer writer then moves each answering member from
// its old group to its new one after its commit, so that readiness costs
// a roll-up over the groups and not a GROUP BY over every member.
//
// Whether the counts still hold is told by callup_changes: every
// transaction that changes a call-up's callup_members rows bumps its n
// (bumpCallUp), in this process or in another one sharing the PostgreSQL
// database. Counts are kept with the n they reflect. Check-ins and notices
// reached move members too: a trigger journals those changes
// (callup_moves), bumpCallUp takes the journal with its n, and the moves
// are applied after the commit like an answer batch's. The answer writer
// learns the n its commit made (RETURNING); when that is the kept n plus
// one, no other transaction came between, and it applies its moves and
// keeps the new n; otherwise it drops the counts. Readiness reads n, one
// row by primary key, and recounts when it differs from the kept one
// (after a short wait for this process's writer, which applies each of
// its commits just after it): after a re-alert, or changes committed by
// another process. So readiness is never older than the last commit
// visible when it is asked, on any number of processes, and no timer is
// involved; the price is one upsert per call-up in each transaction that
// changes its members (one per answer batch, not per answer).
//
// A recount reads n and the groups in one snapshot. The answer batches
// committed while it runs (a storm commits every few milliseconds) are kept aside and applied to its
// counts when it ends, so that a recount during a storm is not stale at
// once.

// maxReadinessBases bounds the call-ups whose counts are kept.
const maxReadinessBases = 64

// readinessGroup is a group of a call-up's members that readiness counts
// alike: their unit, the required qualifications they held when targeted
// (bits, as callup_members.quals), their answer, and whether a notice
// reached them.
type readinessGroup struct {
	unit      int64
	quals     int64
	answer    string
	delivered bool
}

// readinessCount is how many members a group holds, and how many of them
// have checked in.
type readinessCount struct {
	n, checkedIn int
}

// readinessBase is a call-up's counts as of its callup_changes n, version.
// units holds every member, by group with quals zero; quals holds the
// members with quals other than zero, by their full group.
type readinessBase struct {
	version int64
	units   map[readinessGroup]readinessCount
	quals   map[readinessGroup]readinessCount
}

// readinessMove is one member's change of group: by an answer, a notice
// reaching them, or a check-in (checkIn: not checked in before, checked
// in after).
type readinessMove struct {
	from, to  readinessGroup
	checkedIn bool
	checkIn   bool
}

// add adds d members (d is 1 or -1) of group g into the base's counts.
func (b *readinessBase) add(g readinessGroup, checkedIn bool, d int) {
	in := 0
	if checkedIn {
		in = d
	}
	add := func(m map[readinessGroup]readinessCount, g readinessGroup) {
		c := m[g]
		c.n += d
		c.checkedIn += in
		if c.n == 0 {
			delete(m, g)
		} else {
			m[g] = c
		}
	}
	if g.quals != 0 {
		add(b.quals, g)
	}
	g.quals = 0
	add(b.units, g)
}

// readinessBatch is the moves of one committed answer batch, and the
// callup_changes n its commit made.
type readinessBatch struct {
	version int64
	moves   []readinessMove
}

// maxPendingBatches bounds the batches kept while a recount runs; past
// it, the recount's counts are kept as they are, and the next read
// recounts.
const maxPendingBatches = 4096

// readinessEntry is one call-up's place in the cache. Its fields but
// recount are protected by readinessCache.mu.
type readinessEntry struct {
	recount  sync.Mutex     // held by the one reader recounting, so that the others wait for its counts
	base     *readinessBase // nil when none holds
	counting bool           // a recount runs: keep the batches committed meanwhile in pending
	pending  []readinessBatch
}

// readinessCache keeps the counts of the call-ups whose readiness is read,
// and a signal per call-up that someone waits on: a channel closed, and
// forgotten, at the call-up's next change.
type readinessCache struct {
	mu      sync.Mutex // protects entries, their fields, and signals
	entries map[int64]*readinessEntry
	signals map[int64]chan struct{}

	catchUp  time.Duration // see readinessCounts; 0 means defaultCatchUp
	recounts atomic.Int64  // recounts run, for the tests
}

// changed returns the channel closed at the call-up's next change.
func (c *readinessCache) changed(id int64) <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := c.signals[id]
	if ch == nil {
		if c.signals == nil {
			c.signals = map[int64]chan struct{}{}
		}
		ch = make(chan struct{})
		c.signals[id] = ch
	}
	return ch
}

// signal wakes those waiting on the call-up's change; c.mu is held.
func (c *readinessCache) signal(id int64) {
	if ch := c.signals[id]; ch != nil {
		close(ch)
		delete(c.signals, id)
	}
}

// notify wakes those waiting on the call-up's change, for a change whose
// moves the cache does not know (members added): the next read recounts.
func (c *readinessCache) notify(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.signal(id)
}

// entry returns the call-up's entry, making room for it if need be.
func (c *readinessCache) entry(id int64) *readinessEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[id]
	if e == nil {
		if c.entries == nil {
			c.entries = map[int64]*readinessEntry{}
		}
		for other := range c.entries {
			if len(c.entries) < maxReadinessBases {
				break
			}
			delete(c.entries, other)
		}
		e = &readinessEntry{}
		c.entries[id] = e
	}
	return e
}

// view calls fn with the entry's base if it is at version, under the lock,
// and reports whether it did.
func (c *readinessCache) view(e *readinessEntry, version int64, fn func(*readinessBase)) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.base == nil || e.base.version != version {
		return false
	}
	fn(e.base)
	return true
}

// startCount drops the entry's base and keeps the batches committed from
// now on, for a recount about to begin.
func (c *readinessCache) startCount(e *readinessEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.base, e.counting, e.pending = nil, true, nil
}

// endCount keeps b, a recount's counts (nil if it failed), as the entry's
// base, with the batches committed during the recount that followed it
// applied, and calls fn with it under the lock.
func (c *readinessCache) endCount(e *readinessEntry, b *readinessBase, fn func(*readinessBase)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	pending := e.pending
	e.counting, e.pending = false, nil
	if b == nil {
		return
	}
	for _, p := range pending {
		if p.version <= b.version {
			continue // the recount saw it
		}
		if p.version != b.version+1 {
			break // another transaction came between: the next read recounts
		}
		b.apply(p)
	}
	e.base = b
	fn(b)
}

// apply moves the members of a committed batch, b (answers, or notices
// reached and check-ins), in the call-up's kept counts, or drops the
// call-up's counts when another transaction came between; and wakes
// those waiting on the call-up's change.
func (c *readinessCache) apply(id int64, b readinessBatch) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.signal(id)
	e := c.entries[id]
	if e == nil {
		return
	}
	if e.counting && len(e.pending) < maxPendingBatches {
		e.pending = append(e.pending, b)
	}
	if e.base == nil {
		return
	}
	if e.base.version != b.version-1 {
		e.base = nil
		return
	}
	e.base.apply(b)
}

// apply moves the batch's members and takes its version.
func (b *readinessBase) apply(p readinessBatch) {
	for _, m := range p.moves {
		b.add(m.from, m.checkedIn, -1)
		b.add(m.to, m.checkedIn || m.checkIn, 1)
	}
	b.version = p.version
}

// readinessCounts calls fn with the call-up's counts, under the cache's
// lock (fn must be quick and keep nothing): the kept ones if callup_changes
// says they hold, else a recount's.
//
// The answer writer applies its batch's moves just after the commit, so a
// read between the two finds the kept counts one commit behind. Then it
// waits for the writer to catch up rather than recount: in a
// storm that window comes at every commit, and a recount of 1M members
// costs a few hundred milliseconds.
func (db *DB) readinessCounts(ctx context.Context, id int64, fn func(*readinessBase)) error {
	e := db.readiness.entry(id)
	for range maxCatchUps {
		changed := db.readiness.changed(id) // before the read: no apply is missed
		version, err := callUpChanges(ctx, db.read, id)
		if err != nil {
			return err
		}
		if db.readiness.view(e, version, fn) {
			return nil
		}
		if !db.readiness.behind(e, version) {
			break
		}
		timer := time.NewTimer(cmp.Or(db.readiness.catchUp, defaultCatchUp))
		select {
		case <-changed:
			timer.Stop()
			continue
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
		break // a commit of another process: this one will not apply it
	}
	e.recount.Lock()
	defer e.recount.Unlock()
	// Another reader may have recounted while this one waited.
	version, err := callUpChanges(ctx, db.read, id)
	if err != nil {
		return err
	}
	if db.readiness.view(e, version, fn) {
		return nil
	}
	db.readiness.startCount(e)
	db.readiness.recounts.Add(1)
	b, err := db.recountReadiness(ctx, id)
	db.readiness.endCount(e, b, fn)
	return err
}

// defaultCatchUp bounds how long a read waits for this process's writer
// to apply a commit it has seen, and maxCatchUps how many commits in a row
// it waits for, before it recounts. Both are performance heuristics on the
// wall clock, not times any result depends on: a commit of another process
// costs a read one catchUp more before its recount.
const (
	defaultCatchUp = 50 * time.Millisecond
	maxCatchUps    = 8
)

// behind reports whether the entry holds counts older than version, which
// this process's writer may be about to bring up to it.
func (c *readinessCache) behind(e *readinessEntry, version int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return e.base != nil && e.base.version < version
}
