package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/secret"
)

// sessionUser returns the user in ctx: TOTP belongs to a signed-in person,
// not to a token or the system.
func (tx *Tx) sessionUser(ctx context.Context) (*userRow, error) {
	if tx.actor.Kind != "user" {
		return nil, muster.Errorf(muster.EFORBIDDEN, "Only a signed-in user can set up a one-time code.")
	}
	u, err := findUserRow(ctx, tx, "u.id = $1", tx.actor.ID)
	return u, notFoundAs(err, muster.EUNAUTHORIZED, "Sign in first.")
}

// BeginTOTP stores a new, pending TOTP secret for the user in ctx and
// returns its otpauth:// URL; the current second factor, if any, stays in
// force until ConfirmTOTP. A session alone is not enough: the user's
// password is required and, while TOTP is on, a code of the current key
// (see confirmIdentity).
func (db *DB) BeginTOTP(ctx context.Context, password, code string) (string, error) {
	if _, err := db.confirmIdentity(ctx, password, code, true); err != nil {
		return "", err
	}
	var url string
	err := db.writeTx(ctx, func(tx *Tx) error {
		u, err := tx.sessionUser(ctx)
		if err != nil {
			return err
		}
		var sec string
		if sec, url, err = secret.NewTOTP(u.Login); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_pending = $1 WHERE id = $2`, sec, u.ID); err != nil {
			return fmt.Errorf("begin TOTP for %s: %w", u.Login, err)
		}
		return tx.audit(ctx, "user.totp_begin", "user", u.Login, nil, nil)
	})
	return url, err
}

// ConfirmTOTP checks a code of the pending secret and makes that secret the
// user's second factor.
func (db *DB) ConfirmTOTP(ctx context.Context, code string) error {
	return db.writeTx(ctx, func(tx *Tx) error {
		u, err := tx.sessionUser(ctx)
		if err != nil {
			return err
		}
		if u.totpPending == "" {
			return muster.Errorf(muster.EINVALID, "Start setting up the one-time code first.")
		}
		step, ok := secret.CheckTOTP(u.totpPending, code, tx.now)
		if !ok {
			return muster.Errorf(muster.EINVALID, "That code is not valid. Check the time on your device and try again.")
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET totp_secret = totp_pending, totp_pending = '', totp_enabled = 1, totp_last_step = $1
			WHERE id = $2`, step, u.ID)
		if err != nil {
			return fmt.Errorf("enable TOTP for %s: %w", u.Login, err)
		}
		after := u.User
		after.TOTPEnabled = true
		return tx.audit(ctx, "user.totp_enable", "user", u.Login, u.User, after)
	})
}

// DisableTOTP switches the second factor of the user in ctx off, given the
// user's password and a code of the current key.
func (db *DB) DisableTOTP(ctx context.Context, password, code string) error {
	u, err := db.confirmIdentity(ctx, password, code, true)
	if err != nil {
		return err
	}
	if !u.TOTPEnabled {
		return muster.Errorf(muster.EINVALID, "Two-factor sign-in is not on.")
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		u, err := tx.sessionUser(ctx)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET totp_enabled = 0, totp_secret = '', totp_pending = '' WHERE id = $1`, u.ID)
		if err != nil {
			return fmt.Errorf("disable TOTP for %s: %w", u.Login, err)
		}
		after := u.User
		after.TOTPEnabled = false
		return tx.audit(ctx, "user.totp_disable", "user", u.Login, u.User, after)
	})
}
