package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// FindCurrentUser reads the signed-in user of ctx.
func (db *DB) FindCurrentUser(ctx context.Context) (*muster.User, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if a.Kind != "user" {
		return nil, muster.Errorf(muster.EFORBIDDEN, "Only a signed-in user has an account.")
	}
	u, err := findUserRow(ctx, db.read, "u.id = $1", a.ID)
	if err != nil {
		return nil, notFoundAs(err, muster.EUNAUTHORIZED, "Sign in first.")
	}
	return &u.User, nil
}

// SetUserContact replaces a user's e-mail address and phone, for the
// user themself or an actor who manages users over the user's unit and
// role. The audit entry holds the user before and after.
func (db *DB) SetUserContact(ctx context.Context, login string, c muster.UserContact) (*muster.User, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var after muster.User
	err := db.writeTx(ctx, func(tx *Tx) error {
		u, err := findUserRow(ctx, tx, "u.login = $1", login)
		if err != nil {
			return notFound(err, "User %s does not exist.", login)
		}
		if self := tx.actor.Kind == "user" && tx.actor.ID == u.ID; !self {
			if err := checkGrant(ctx, tx, tx.actor, u.Role, u.unitID, u.Unit); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET email = $1, phone = $2 WHERE id = $3`, c.Email, c.Phone, u.ID); err != nil {
			return fmt.Errorf("set contact of %s: %w", login, err)
		}
		after = u.User
		after.Email, after.Phone = c.Email, c.Phone
		return tx.audit(ctx, "user.contact", "user", login, u.User, after)
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}
