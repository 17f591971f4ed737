package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/secret"
)

// SetPassword replaces a user's password, for an actor who manages users
// over the user's unit and role: an admin's reset, or the operator's
// `muster user password`. Users change their own with ChangePassword, which
// asks for the current one; here their own login is EFORBIDDEN. It ends
// all of the user's sessions and clears their failed sign-ins.
func (db *DB) SetPassword(ctx context.Context, login, password string) error {
	hash, err := newPasswordHash(password)
	if err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		u, err := findUserRow(ctx, tx, "u.login = $1", login)
		if err != nil {
			return notFound(err, "User %s does not exist.", login)
		}
		if tx.actor.Kind == "user" && tx.actor.ID == u.ID {
			return muster.Errorf(muster.EFORBIDDEN, "Change your own password on your account page, with your current password.")
		}
		if err := checkGrant(ctx, tx, tx.actor, u.Role, u.unitID, u.Unit); err != nil {
			return err
		}
		return tx.replacePassword(ctx, u, hash, "")
	})
}

// ChangePassword replaces the password of the signed-in user of ctx, who
// must give the current one (see confirmIdentity: wrong ones count as
// failed sign-ins). It ends the user's other sessions, keeping the one
// whose secret is keepSession, and clears their failed sign-ins.
func (db *DB) ChangePassword(ctx context.Context, keepSession, current, password string) error {
	if err := checkPassword(password); err != nil {
		return err
	}
	u, err := db.confirmIdentity(ctx, current, "", false)
	if err != nil {
		return err
	}
	hash, err := secret.HashPassword(password)
	if err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		if tx.actor.ID != u.ID { // confirmIdentity read the actor's user
			return fmt.Errorf("change password: actor %d is not user %d", tx.actor.ID, u.ID)
		}
		return tx.replacePassword(ctx, u, hash, secret.HashToken(keepSession))
	})
}

// replacePassword stores the user's new password hash, ends their sessions
// but the one whose secret hashes to keepHash ("" for none), clears their
// failed sign-ins and audits the change without any secret.
func (tx *Tx) replacePassword(ctx context.Context, u *userRow, hash, keepHash string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, u.ID); err != nil {
		return fmt.Errorf("set password of %s: %w", u.Login, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND secret_hash <> $2`, u.ID, keepHash); err != nil {
		return fmt.Errorf("end sessions of %s: %w", u.Login, err)
	}
	if err := clearFailures(ctx, tx, u.Login); err != nil {
		return err
	}
	return tx.audit(ctx, "user.password", "user", u.Login, nil, nil)
}
