package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/secret"
)

var _ muster.AccessService = (*DB)(nil)

// Limits of sign-in and of the secrets it hands out.
const (
	// sessionTTL is the absolute lifetime of a session: a duty day. It does
	// not slide, so looking a session up never writes, and a stolen cookie
	// is useless by the next day.
	sessionTTL = 12 * time.Hour
	// tokenTouchEvery is how stale a token's last_used_at may get before a
	// request with it writes the time again.
	tokenTouchEvery = time.Minute
	// maxFailures failed sign-ins for a login from one client address
	// within failureWindow make the next ones from that address
	// ERATELIMIT until the oldest of them is failureWindow old; so do
	// maxLoginFailures from all addresses together, for every address. A
	// guesser at one address so locks the login for itself alone, and one
	// that spreads its tries needs maxLoginFailures/maxFailures addresses to
	// lock it for everyone (the web server limits failures per client
	// address, across logins, as well).
	maxFailures      = 5
	maxLoginFailures = 100
	failureWindow    = 15 * time.Minute

	minPassword      = 12   // characters
	maxPasswordBytes = 1024 // bounds the work of hashing
	sessionPrefix    = "mss_"
	tokenPrefix      = "mst_"
)

func errWrongLogin() error {
	return muster.Errorf(muster.EUNAUTHORIZED, "Wrong login or password.")
}

// checkPassword returns EINVALID unless pw is 12 characters or longer.
func checkPassword(pw string) error {
	if utf8.RuneCountInString(pw) < minPassword {
		return muster.Errorf(muster.EINVALID, "The password must be at least %d characters long.", minPassword)
	}
	if len(pw) > maxPasswordBytes {
		return muster.Errorf(muster.EINVALID, "The password must be at most %d bytes long.", maxPasswordBytes)
	}
	return nil
}

// newPasswordHash checks a new password and returns its hash. Hashing
// takes tens of milliseconds: call it before the transaction.
func newPasswordHash(pw string) (string, error) {
	if err := checkPassword(pw); err != nil {
		return "", err
	}
	return secret.HashPassword(pw)
}

// grants reports whether the actor's role holds every permission of role,
// so that the actor can hand that role to a user or token.
func grants(a *muster.Actor, role muster.Role) bool {
	for _, p := range muster.Permissions {
		if role.Can(p) && !a.Role.Can(p) {
			return false
		}
	}
	return true
}

// boundUnit returns the unit a new user or token is to be bound to; an
// unknown unit is EINVALID, as it is a field of the input.
func boundUnit(ctx context.Context, q querier, code string) (*muster.Unit, error) {
	u, err := findUnit(ctx, q, code)
	if muster.ErrorCode(err) == muster.ENOTFOUND {
		return nil, muster.Errorf(muster.EINVALID, "Unit %s does not exist.", code)
	}
	return u, err
}

// checkGrant returns EFORBIDDEN unless the actor may give the role to a
// user or token bound to the unit.
func checkGrant(ctx context.Context, q querier, a *muster.Actor, role muster.Role, unitID int64, unit string) error {
	if err := require(a, muster.PermManageUsers); err != nil {
		return err
	}
	if err := checkScope(ctx, q, a, unitID, "Unit "+unit); err != nil {
		return err
	}
	if !grants(a, role) {
		return muster.Errorf(muster.EFORBIDDEN, "Your role (%s) cannot grant the role %s.", a.Role, role)
	}
	return nil
}

// Authenticate checks a login, password and TOTP code. It needs no actor.
// Every attempt is first written to login_failures (and refused with
// ERATELIMIT when the login already has maxFailures there); a full success
// clears them. An empty or wrong code counts as a failure too, so a known
// password does not open unlimited guessing of codes.
func (db *DB) Authenticate(ctx context.Context, login, password, totpCode string) (*muster.User, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	if !muster.ValidLogin(login) {
		secret.EqualizeTiming(password)
		return nil, errWrongLogin()
	}
	now := db.now()
	if err := db.noteAttempt(ctx, login, now); err != nil {
		return nil, err
	}
	u, err := findUserRow(ctx, db.read, "u.login = $1", login)
	if errors.Is(err, sql.ErrNoRows) {
		secret.EqualizeTiming(password)
		return nil, db.failed(ctx, now, errWrongLogin())
	} else if err != nil {
		return nil, err
	}
	ok, err := secret.CheckPassword(u.passwordHash, password)
	if err != nil {
		return nil, fmt.Errorf("password of %s: %w", login, err)
	} else if !ok {
		return nil, db.failed(ctx, now, errWrongLogin())
	}
	if u.Disabled {
		return nil, muster.Errorf(muster.EUNAUTHORIZED, "This account is disabled.")
	}
	if u.TOTPEnabled {
		if err := db.useTOTP(ctx, u, totpCode, now); err != nil {
			return nil, db.failed(ctx, now, err)
		}
	}
	if err := clearFailures(ctx, db.write, login); err != nil {
		return nil, err
	}
	return &u.User, nil
}

// noteAttempt records a sign-in attempt as a failure of the login from
// the client address of ctx, or from its remembered device (failureKey),
// in one statement that refuses it when the login already has maxFailures
// from there, or, unless from a remembered device, maxLoginFailures in
// all, within the window.
func (db *DB) noteAttempt(ctx context.Context, login string, now time.Time) error {
	addr, loginLimit, err := db.failureKey(ctx, login, now)
	if err != nil {
		return err
	}
	since := formatTime(now.Add(-failureWindow))
	res, err := db.write.ExecContext(ctx, `INSERT INTO login_failures (login, address, at)
		SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS TEXT)
		WHERE (SELECT count(*) FROM login_failures WHERE login = $1 AND address = $2 AND at > $4) < $5
		AND (SELECT count(*) FROM login_failures WHERE login = $1 AND at > $4) < $6`,
		login, addr, formatTime(now), since, maxFailures, loginLimit)
	if err != nil {
		return fmt.Errorf("note sign-in attempt: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("note sign-in attempt: %w", err)
	} else if n == 0 {
		return muster.RateLimited("Too many failed sign-ins.", db.failureWait(ctx, login, addr, loginLimit, now))
	}
	return nil
}

// failureWait returns how long until the login may be tried again from
// addr: until the oldest of the failures that make a limit full is
// failureWindow old, the later of the two limits' waits.
func (db *DB) failureWait(ctx context.Context, login, addr string, loginLimit int, now time.Time) time.Duration {
	since := formatTime(now.Add(-failureWindow))
	var wait time.Duration
	for _, limit := range []struct {
		cond string
		args []any
		max  int
	}{
		{"login = $1 AND address = $2", []any{login, addr}, maxFailures},
		{"login = $1", []any{login}, loginLimit},
	} {
		n := len(limit.args)
		var at string
		err := db.write.QueryRowContext(ctx, fmt.Sprintf(`SELECT at FROM login_failures WHERE %s AND at > $%d
			ORDER BY at DESC LIMIT 1 OFFSET $%d`, limit.cond, n+1, n+2), append(limit.args, since, limit.max-1)...).Scan(&at)
		switch {
		case err == nil:
			wait = max(wait, parseTime(at).Add(failureWindow).Sub(now))
		case !errors.Is(err, sql.ErrNoRows):
			db.Logger.ErrorContext(ctx, "read login failures", "err", err)
			return failureWindow
		}
	}
	if wait <= 0 {
		return failureWindow // a limit was full a moment ago
	}
	return wait
}

// clearFailures forgets the login's failed sign-ins, from every address:
// after a success, or a new password.
func clearFailures(ctx context.Context, q querier, login string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM login_failures WHERE login = $1`, login); err != nil {
		return fmt.Errorf("clear login failures of %s: %w", login, err)
	}
	return nil
}

// failed leaves the attempt's failure in place, prunes failures that are
// out of every window, and returns cause.
func (db *DB) failed(ctx context.Context, now time.Time, cause error) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM login_failures WHERE at <= $1`, formatTime(now.Add(-failureWindow))); err != nil {
		db.Logger.ErrorContext(ctx, "prune login failures", "err", err)
	}
	return cause
}

// useTOTP checks the code against the user's secret and marks its time
// step used; a code of a step already used is refused.
func (db *DB) useTOTP(ctx context.Context, u *userRow, code string, now time.Time) error {
	errCode := muster.Errorf(muster.EUNAUTHORIZED, "A valid one-time code is required.")
	step, ok := secret.CheckTOTP(u.totpSecret, code, now)
	if !ok || step <= u.totpLastStep {
		return errCode
	}
	res, err := db.write.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, u.ID)
	if err != nil {
		return fmt.Errorf("use TOTP step: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("use TOTP step: %w", err)
	} else if n == 0 {
		return errCode // a concurrent sign-in used the code first
	}
	return nil
}

// confirmIdentity checks that the signed-in user of ctx is present: their
// password and, when withCode and the user has TOTP on, a code of their
// current key. A session alone must not change how its user signs in. Each
// try counts against the login as a sign-in does (noteAttempt), so that a
// stolen session guesses the password no faster than the login form. It
// opens no transaction: call it before the change's own.
func (db *DB) confirmIdentity(ctx context.Context, password, code string, withCode bool) (*userRow, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if a.Kind != "user" {
		return nil, muster.Errorf(muster.EFORBIDDEN, "Only a signed-in user can change how they sign in.")
	}
	u, err := findUserRow(ctx, db.read, "u.id = $1", a.ID)
	if err != nil {
		return nil, notFoundAs(err, muster.EUNAUTHORIZED, "Sign in first.")
	}
	now := db.now()
	if err := db.noteAttempt(ctx, u.Login, now); err != nil {
		return nil, err
	}
	ok, err := secret.CheckPassword(u.passwordHash, password)
	if err != nil {
		return nil, fmt.Errorf("password of %s: %w", u.Login, err)
	} else if !ok {
		return nil, db.failed(ctx, now, muster.Errorf(muster.EUNAUTHORIZED, "Your current password is not right."))
	}
	if withCode && u.TOTPEnabled {
		if err := db.useTOTP(ctx, u, code, now); err != nil {
			return nil, db.failed(ctx, now, err)
		}
	}
	if err := clearFailures(ctx, db.write, u.Login); err != nil {
		return nil, err
	}
	return u, nil
}
