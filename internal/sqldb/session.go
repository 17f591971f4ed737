package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/secret"
)

func errSessionEnded() error {
	return muster.Errorf(muster.EUNAUTHORIZED, "Your session has ended. Sign in again.")
}

// CreateSession starts a session for an enabled user and returns its
// secret, which is stored only as its SHA-256. It needs no actor: call it
// after Authenticate. Sessions end sessionTTL (12 hours) after they start,
// however much they are used; the user's expired sessions are deleted here.
func (db *DB) CreateSession(ctx context.Context, userID int64) (string, error) {
	var disabled bool
	err := db.read.QueryRowContext(ctx, `SELECT disabled FROM users WHERE id = $1`, userID).Scan(&disabled)
	if err != nil {
		return "", notFound(err, "No such user.")
	}
	if disabled {
		return "", muster.Errorf(muster.EUNAUTHORIZED, "This account is disabled.")
	}
	now := db.now()
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2`, userID, formatTime(now)); err != nil {
		return "", fmt.Errorf("delete expired sessions: %w", err)
	}
	sec := secret.NewToken(sessionPrefix)
	_, err = db.write.ExecContext(ctx, `INSERT INTO sessions (secret_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		secret.HashToken(sec), userID, formatTime(now), formatTime(now.Add(sessionTTL)))
	if err != nil {
		return "", fmt.Errorf("insert session: %w", err)
	}
	return sec, nil
}

// DeleteSession ends the session with the secret (signing out). Ending a
// session that does not exist is not an error.
func (db *DB) DeleteSession(ctx context.Context, sec string) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE secret_hash = $1`, secret.HashToken(sec)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// SessionActor returns the user of a live session as an actor bound to the
// user's unit. An unknown or expired session, or one of a disabled user, is
// EUNAUTHORIZED.
func (db *DB) SessionActor(ctx context.Context, sec string) (*muster.Actor, error) {
	if !strings.HasPrefix(sec, sessionPrefix) {
		return nil, errSessionEnded()
	}
	a := muster.Actor{Kind: "user"}
	var disabled bool
	err := db.read.QueryRowContext(ctx, `SELECT u.id, u.login, u.role, n.code, u.unit_id, u.disabled
		FROM sessions s JOIN users u ON u.id = s.user_id JOIN units n ON n.id = u.unit_id
		WHERE s.secret_hash = $1 AND s.expires_at > $2`, secret.HashToken(sec), formatTime(db.now())).
		Scan(&a.ID, &a.Name, &a.Role, &a.Unit, &a.UnitID, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errSessionEnded()
	} else if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	if disabled {
		return nil, errSessionEnded()
	}
	return &a, nil
}
