package sqldb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// answerKeyName names the key that signs response tokens in secrets.
const answerKeyName = "answer_token_key"

// answerTokenKey returns the key that signs response tokens: 32 random
// bytes made on first use and kept in the secrets table. The key is read
// once per DB and kept, so that checking a token needs no database read.
//
// It opens its own write transaction, so it must not be called inside one
// (on SQLite the single writer connection would wait for itself).
func (db *DB) answerTokenKey(ctx context.Context) ([]byte, error) {
	db.keyMu.Lock()
	defer db.keyMu.Unlock()
	if db.answerKey != nil {
		return db.answerKey, nil
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("answer token key: %w", err)
	}
	key, err := db.keepSecret(ctx, answerKeyName, fresh)
	if err != nil {
		return nil, err
	}
	if len(key) < 16 {
		return nil, fmt.Errorf("answer token key: stored value is not a hex key of at least 16 bytes")
	}
	db.answerKey = key
	return key, nil
}

// keepSecret returns the secret stored under name, storing fresh first
// when there is none. Two processes making it at once agree, because each
// inserts its own only when none is there and then reads what is. It opens
// its own write transaction, so it must not be called inside one.
func (db *DB) keepSecret(ctx context.Context, name string, fresh []byte) ([]byte, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("secret %s: begin: %w", name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
		name, hex.EncodeToString(fresh), formatTime(db.now())); err != nil {
		return nil, fmt.Errorf("secret %s: insert: %w", name, err)
	}
	var value string
	if err := tx.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = $1`, name).Scan(&value); err != nil {
		return nil, fmt.Errorf("secret %s: read: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("secret %s: commit: %w", name, err)
	}
	key, err := hex.DecodeString(value)
	if err != nil {
		return nil, fmt.Errorf("secret %s: stored value is not hex", name)
	}
	return key, nil
}
