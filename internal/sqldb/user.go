package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// userRow is a user with the columns that never leave this package.
type userRow struct {
	muster.User
	unitID       int64
	passwordHash string
	totpSecret   string
	totpPending  string
	totpLastStep int64
}

const userColumns = `u.id, u.login, u.name, u.role, n.code, u.unit_id, u.totp_enabled, u.disabled, u.created_at,
	u.password_hash, u.totp_secret, u.totp_pending, u.totp_last_step, u.email, u.phone
	FROM users u JOIN units n ON n.id = u.unit_id`

func scanUser(row interface{ Scan(...any) error }) (*userRow, error) {
	var u userRow
	var created string
	err := row.Scan(&u.ID, &u.Login, &u.Name, &u.Role, &u.Unit, &u.unitID, &u.TOTPEnabled, &u.Disabled, &created,
		&u.passwordHash, &u.totpSecret, &u.totpPending, &u.totpLastStep, &u.Email, &u.Phone)
	if err != nil {
		return nil, err
	}
	u.CreatedAt = parseTime(created)
	return &u, nil
}

// findUserRow reads the one user matching cond (with $1 bound to arg),
// without a scope check; the error is sql.ErrNoRows when there is none.
func findUserRow(ctx context.Context, q querier, cond string, arg any) (*userRow, error) {
	return scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` WHERE `+cond, arg))
}

// CreateUser creates a staff user bound to a unit in the actor's subtree,
// with a role the actor holds every permission of. The audit entry holds
// the user's public fields only.
func (db *DB) CreateUser(ctx context.Context, u *muster.User, password string) error {
	if err := u.Validate(); err != nil {
		return err
	}
	hash, err := newPasswordHash(password)
	if err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		unit, err := boundUnit(ctx, tx, u.Unit)
		if err != nil {
			return err
		}
		if err := checkGrant(ctx, tx, tx.actor, u.Role, unit.ID, u.Unit); err != nil {
			return err
		}
		u.CreatedAt, u.TOTPEnabled = tx.now, false
		err = tx.QueryRowContext(ctx, `INSERT INTO users (login, name, password_hash, role, unit_id, disabled, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			u.Login, u.Name, hash, u.Role, unit.ID, boolInt(u.Disabled), formatTime(tx.now)).Scan(&u.ID)
		if isUniqueViolation(err) {
			return muster.Errorf(muster.ECONFLICT, "The login %s is taken.", u.Login)
		} else if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		return tx.audit(ctx, "user.create", "user", u.Login, nil, u)
	})
}

// FindUsers returns the users bound to units in the actor's subtree, by
// login, to actors who manage users.
func (db *DB) FindUsers(ctx context.Context) ([]*muster.User, error) {
	a, err := actorAllowed(ctx, muster.PermManageUsers)
	if err != nil {
		return nil, err
	}
	query, args := `SELECT `+userColumns+` ORDER BY u.login`, []any(nil)
	if !unrestricted(a) {
		query = `SELECT ` + userColumns + ` JOIN unit_tree t ON t.unit_id = u.unit_id WHERE t.ancestor_id = $1 ORDER BY u.login`
		args = []any{a.UnitID}
	}
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	defer rows.Close()
	var out []*muster.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, &u.User)
	}
	return out, rows.Err()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
