package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/secret"
)

const tokenColumns = `t.id, t.name, t.role, n.code, t.unit_id, t.created_at, t.last_used_at, t.revoked
	FROM api_tokens t JOIN units n ON n.id = t.unit_id`

func scanToken(row interface{ Scan(...any) error }) (*muster.Token, int64, error) {
	var t muster.Token
	var unitID int64
	var created, used string
	if err := row.Scan(&t.ID, &t.Name, &t.Role, &t.Unit, &unitID, &created, &used, &t.Revoked); err != nil {
		return nil, 0, err
	}
	t.CreatedAt, t.LastUsedAt = parseTime(created), parseTime(used)
	return &t, unitID, nil
}

func errBadToken() error {
	return muster.Errorf(muster.EUNAUTHORIZED, "Unknown or revoked API token.")
}

// CreateToken creates an API token bound to a unit in the actor's subtree,
// with a role the actor holds every permission of, and returns its secret,
// which is stored only as its SHA-256 and appears in no audit entry.
func (db *DB) CreateToken(ctx context.Context, t *muster.Token) (string, error) {
	t.Name = strings.TrimSpace(t.Name)
	if err := t.Validate(); err != nil {
		return "", err
	}
	sec := secret.NewToken(tokenPrefix)
	err := db.writeTx(ctx, func(tx *Tx) error {
		unit, err := boundUnit(ctx, tx, t.Unit)
		if err != nil {
			return err
		}
		if err := checkGrant(ctx, tx, tx.actor, t.Role, unit.ID, t.Unit); err != nil {
			return err
		}
		t.CreatedAt, t.LastUsedAt, t.Revoked = tx.now, time.Time{}, false
		err = tx.QueryRowContext(ctx, `INSERT INTO api_tokens (name, secret_hash, role, unit_id, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			t.Name, secret.HashToken(sec), t.Role, unit.ID, tx.actor.Label(), formatTime(tx.now)).Scan(&t.ID)
		if err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		return tx.audit(ctx, "token.create", "token", strconv.FormatInt(t.ID, 10), nil, t)
	})
	if err != nil {
		return "", err
	}
	return sec, nil
}

// TokenActor returns the actor of a valid token, named "ID:name". It writes
// the token's last_used_at only when that is over a minute old, with a
// short deadline, so that API requests do not queue behind the writer.
func (db *DB) TokenActor(ctx context.Context, sec string) (*muster.Actor, error) {
	if !strings.HasPrefix(sec, tokenPrefix) {
		return nil, errBadToken()
	}
	t, unitID, err := scanToken(db.read.QueryRowContext(ctx, `SELECT `+tokenColumns+` WHERE t.secret_hash = $1`, secret.HashToken(sec)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errBadToken()
	} else if err != nil {
		return nil, fmt.Errorf("find token: %w", err)
	}
	if t.Revoked {
		return nil, errBadToken()
	}
	if now := db.now(); now.Sub(t.LastUsedAt) >= tokenTouchEvery {
		touchCtx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		_, err := db.write.ExecContext(touchCtx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND last_used_at <= $3`,
			formatTime(now), t.ID, formatTime(now.Add(-tokenTouchEvery)))
		if err != nil { // the token is valid all the same
			db.Logger.WarnContext(ctx, "record token use", "token", t.ID, "err", err)
		}
	}
	return &muster.Actor{Kind: "token", ID: t.ID, Name: fmt.Sprintf("%d:%s", t.ID, t.Name), Role: t.Role, Unit: t.Unit, UnitID: unitID}, nil
}

// RevokeToken revokes a token bound to a unit in the actor's subtree.
// Revoking a revoked token changes nothing.
func (db *DB) RevokeToken(ctx context.Context, id int64) error {
	return db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermManageUsers); err != nil {
			return err
		}
		before, unitID, err := scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` WHERE t.id = $1`, id))
		if err != nil {
			return notFound(err, "API token %d does not exist.", id)
		}
		if err := checkScope(ctx, tx, tx.actor, unitID, "API token "+strconv.FormatInt(id, 10)); err != nil {
			return err
		}
		if before.Revoked {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked = 1 WHERE id = $1`, id); err != nil {
			return fmt.Errorf("revoke token %d: %w", id, err)
		}
		after := *before
		after.Revoked = true
		return tx.audit(ctx, "token.revoke", "token", strconv.FormatInt(id, 10), before, after)
	})
}

// FindTokens returns the tokens bound to units in the actor's subtree, in
// order of creation, to actors who manage users.
func (db *DB) FindTokens(ctx context.Context) ([]*muster.Token, error) {
	a, err := actorAllowed(ctx, muster.PermManageUsers)
	if err != nil {
		return nil, err
	}
	query, args := `SELECT `+tokenColumns+` ORDER BY t.id`, []any(nil)
	if !unrestricted(a) {
		query = `SELECT ` + tokenColumns + ` JOIN unit_tree ut ON ut.unit_id = t.unit_id WHERE ut.ancestor_id = $1 ORDER BY t.id`
		args = []any{a.UnitID}
	}
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("find tokens: %w", err)
	}
	defer rows.Close()
	var out []*muster.Token
	for rows.Next() {
		t, _, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
