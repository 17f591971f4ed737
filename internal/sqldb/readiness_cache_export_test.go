package sqldb

import (
	"context"
	"fmt"
	"maps"
	"time"
)

// ForgetReadiness drops every call-up's kept readiness counts, so that
// the next Readiness recounts: the tests' fresh count to compare with.
func (db *DB) ForgetReadiness() {
	db.readiness.mu.Lock()
	defer db.readiness.mu.Unlock()
	db.readiness.entries = nil
}

// KeptReadiness returns the callup_changes n of the call-up's kept
// readiness counts, and whether any are kept.
func (db *DB) KeptReadiness(id int64) (int64, bool) {
	db.readiness.mu.Lock()
	defer db.readiness.mu.Unlock()
	if e := db.readiness.entries[id]; e != nil && e.base != nil {
		return e.base.version, true
	}
	return 0, false
}

// OpenAgain opens a second handle on db's database, as another muster
// process would, on db's clock.
func (db *DB) OpenAgain(ctx context.Context) (*DB, error) {
	other, err := Open(ctx, db.dsn)
	if err == nil {
		other.Now = db.Now
	}
	return other, err
}

// ReadinessRecounts returns how many readiness recounts db has run.
func (db *DB) ReadinessRecounts() int64 { return db.readiness.recounts.Load() }

// SetReadinessCatchUp sets how long a readiness read waits for this
// process's writer to apply a commit before it recounts.
func (db *DB) SetReadinessCatchUp(d time.Duration) { db.readiness.catchUp = d }

// CommitUnapplied commits a change of the call-up that moves nobody, as
// the answer writer's commit does, and returns the step the writer takes
// after it: applying the change to the kept counts. Until then the kept
// counts are one commit behind.
func (db *DB) CommitUnapplied(ctx context.Context, id int64) (apply func(), err error) {
	var b readinessBatch
	err = db.writeTx(ctx, func(tx *Tx) (err error) {
		b.version, err = bumpCallUp(ctx, tx, id)
		return err
	})
	return func() { db.readiness.apply(id, b) }, err
}

// CountsMatchMembers reports how the call-up's callup_counts differ from a
// count of its callup_members rows by group, the truth they keep.
func (db *DB) CountsMatchMembers(ctx context.Context, id int64) error {
	want := map[readinessGroup]readinessCount{}
	if err := scanGroups(ctx, db.read, want, `SELECT unit_id, quals, answer, delivered, count(*), sum(CASE WHEN checked_in_at <> '' THEN 1 ELSE 0 END)
		FROM callup_members WHERE callup_id = $1 GROUP BY unit_id, quals, answer, delivered`, id); err != nil {
		return err
	}
	got := map[readinessGroup]readinessCount{}
	if err := scanGroups(ctx, db.read, got, `SELECT unit_id, quals, answer, delivered, n, checked_in
		FROM callup_counts WHERE callup_id = $1 AND n <> 0`, id); err != nil {
		return err
	}
	if !maps.Equal(got, want) {
		return fmt.Errorf("callup_counts of call-up %d\n%v\nwant, counted from callup_members,\n%v", id, got, want)
	}
	return nil
}
