package sqldb

import "context"

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
// process would.
func (db *DB) OpenAgain(ctx context.Context) (*DB, error) {
	return Open(ctx, db.dsn)
}
