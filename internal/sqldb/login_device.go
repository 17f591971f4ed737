package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/secret"
)

// Remembered devices, after OWASP's "device cookies": a browser a login
// has signed in from keeps a device token, and Authenticate counts the
// failures of an attempt that carries it for that device alone, under
// maxFailures, without the login's limit across addresses. Guessers who
// spread their tries over many addresses can so lock a login out of every
// browser but the ones its owner uses. A device token opens nothing by
// itself: it only decides where failures are counted.
const (
	devicePrefix = "msd_"
	// maxDevices bounds the devices remembered per login: the oldest are
	// forgotten.
	maxDevices = 10
)

// RememberDevice records that the user signed in from a browser and
// returns the device token to keep there; old, the browser's previous
// token, is forgotten, and so are the login's expired devices and all but
// its maxDevices newest. It needs no actor: call it after Authenticate.
func (db *DB) RememberDevice(ctx context.Context, userID int64, old string) (string, error) {
	var login string
	if err := db.read.QueryRowContext(ctx, `SELECT login FROM users WHERE id = $1`, userID).Scan(&login); err != nil {
		return "", notFound(err, "No such user.")
	}
	now := db.now()
	token := secret.NewToken(devicePrefix)
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("remember device: %w", err)
	}
	defer tx.Rollback()
	for _, s := range []struct {
		query string
		args  []any
	}{
		{`DELETE FROM login_devices WHERE login = $1 AND (token_hash = $2 OR created_at <= $3)`,
			[]any{login, secret.HashToken(old), formatTime(now.Add(-muster.DeviceLifetime))}},
		{`INSERT INTO login_devices (login, token_hash, created_at) VALUES ($1, $2, $3)`,
			[]any{login, secret.HashToken(token), formatTime(now)}},
		{`DELETE FROM login_devices WHERE login = $1 AND token_hash NOT IN
			(SELECT token_hash FROM login_devices WHERE login = $1 ORDER BY created_at DESC, token_hash LIMIT $2)`,
			[]any{login, maxDevices}},
	} {
		if _, err := tx.ExecContext(ctx, s.query, s.args...); err != nil {
			return "", fmt.Errorf("remember device: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("remember device: %w", err)
	}
	return token, nil
}

// failureKey returns where the failures of a sign-in attempt for login
// count, and the login's limit across addresses that applies to it: the
// remembered device of ctx (muster.DeviceFrom) without that limit, else
// the client address with maxLoginFailures.
func (db *DB) failureKey(ctx context.Context, login string, now time.Time) (key string, loginLimit int, err error) {
	if token := muster.DeviceFrom(ctx); strings.HasPrefix(token, devicePrefix) {
		hash := secret.HashToken(token)
		var one int
		err := db.read.QueryRowContext(ctx, `SELECT 1 FROM login_devices WHERE login = $1 AND token_hash = $2 AND created_at > $3`,
			login, hash, formatTime(now.Add(-muster.DeviceLifetime))).Scan(&one)
		switch {
		case err == nil:
			// Not the hash itself: login_failures is no place for a
			// token's lookup key.
			return "device " + hash[:16], noLoginLimit, nil
		case !errors.Is(err, sql.ErrNoRows):
			return "", 0, fmt.Errorf("look up device: %w", err)
		}
	}
	return muster.ClientAddrFrom(ctx), maxLoginFailures, nil
}

// noLoginLimit is the limit across addresses of a remembered device's
// attempts: none that a count of failures in failureWindow could reach.
const noLoginLimit = 1 << 30
