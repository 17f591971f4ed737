package sqldb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

const testPassword = "correct horse battery"

// createUser creates a user with testPassword as the actor of ctx.
func createUser(t *testing.T, db *sqldb.DB, ctx context.Context, login string, role muster.Role, unit string) *muster.User {
	t.Helper()
	u := &muster.User{Login: login, Name: "User " + login, Role: role, Unit: unit}
	if err := db.CreateUser(ctx, u, testPassword); err != nil {
		t.Fatalf("create user %s: %v", login, err)
	}
	return u
}

// signIn authenticates, starts a session and returns a context acting as
// the session's user.
func signIn(t *testing.T, db *sqldb.DB, login, password, code string) context.Context {
	t.Helper()
	u, err := db.Authenticate(context.Background(), login, password, code)
	if err != nil {
		t.Fatalf("authenticate %s: %v", login, err)
	}
	sec, err := db.CreateSession(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	a, err := db.SessionActor(context.Background(), sec)
	if err != nil {
		t.Fatal(err)
	}
	return muster.NewContextWithActor(context.Background(), a)
}

// clock makes db's time settable; it starts at sqldbtest.Now.
func clock(db *sqldb.DB) *time.Time {
	now := sqldbtest.Now
	db.Now = func() time.Time { return now }
	return &now
}

func wantMessage(t *testing.T, err error, code, msg string) {
	t.Helper()
	wantCode(t, err, code)
	if got := muster.ErrorMessage(err); got != msg {
		t.Fatalf("message = %q, want %q", got, msg)
	}
}

func TestAuthenticate(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		created := createUser(t, db, sqldbtest.System(), "ivanova", muster.RoleClerk, "GOM-MOZ")
		bg := context.Background()
		u, err := db.Authenticate(bg, " Ivanova ", testPassword, "")
		if err != nil {
			t.Fatal(err)
		}
		if u.ID != created.ID || u.Login != "ivanova" || u.Role != muster.RoleClerk || u.Unit != "GOM-MOZ" || u.TOTPEnabled {
			t.Fatalf("authenticated %+v, created %+v", u, created)
		}
		_, err = db.Authenticate(bg, "ivanova", testPassword+"!", "")
		wantMessage(t, err, muster.EUNAUTHORIZED, "Wrong login or password.")
		_, err = db.Authenticate(bg, "nobody", testPassword, "")
		wantMessage(t, err, muster.EUNAUTHORIZED, "Wrong login or password.")
		_, err = db.Authenticate(bg, "no such login!", testPassword, "")
		wantMessage(t, err, muster.EUNAUTHORIZED, "Wrong login or password.")

		disabled := &muster.User{Login: "gone", Name: "Gone", Role: muster.RoleViewer, Unit: "GOM", Disabled: true}
		if err := db.CreateUser(sqldbtest.System(), disabled, testPassword); err != nil {
			t.Fatal(err)
		}
		_, err = db.Authenticate(bg, "gone", testPassword, "")
		wantCode(t, err, muster.EUNAUTHORIZED)
		_, err = db.CreateSession(bg, disabled.ID)
		wantCode(t, err, muster.EUNAUTHORIZED)
	})
}

func TestCreateUserInvalid(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		createUser(t, db, ctx, "ivanova", muster.RoleClerk, "GOM")
		tests := []struct {
			name     string
			user     muster.User
			password string
			code     string
		}{
			{"short password", muster.User{Login: "a.b", Name: "A", Role: muster.RoleViewer, Unit: "GOM"}, "elevenchars", muster.EINVALID},
			{"short login", muster.User{Login: "ab", Name: "A", Role: muster.RoleViewer, Unit: "GOM"}, testPassword, muster.EINVALID},
			{"upper-case login", muster.User{Login: "Petrov", Name: "A", Role: muster.RoleViewer, Unit: "GOM"}, testPassword, muster.EINVALID},
			{"no name", muster.User{Login: "petrov", Role: muster.RoleViewer, Unit: "GOM"}, testPassword, muster.EINVALID},
			{"unknown role", muster.User{Login: "petrov", Name: "A", Role: "god", Unit: "GOM"}, testPassword, muster.EINVALID},
			{"unknown unit", muster.User{Login: "petrov", Name: "A", Role: muster.RoleViewer, Unit: "XX"}, testPassword, muster.EINVALID},
			{"duplicate login", muster.User{Login: "ivanova", Name: "A", Role: muster.RoleViewer, Unit: "GOM"}, testPassword, muster.ECONFLICT},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantCode(t, db.CreateUser(ctx, &tt.user, tt.password), tt.code)
			})
		}
	})
}

func TestAuthenticateRateLimit(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		now := clock(db)
		createUser(t, db, sqldbtest.System(), "ivanova", muster.RoleClerk, "GOM")
		bg := context.Background()
		for i := range 5 {
			_, err := db.Authenticate(bg, "ivanova", "wrong password "+string(rune('a'+i)), "")
			wantCode(t, err, muster.EUNAUTHORIZED)
			*now = now.Add(time.Minute)
		}
		// The wait named is the real one: until the first failure, at
		// minute 0, is 15 minutes old.
		_, err := db.Authenticate(bg, "ivanova", testPassword, "")
		wantMessage(t, err, muster.ERATELIMIT, "Too many failed sign-ins. Try again in 10 minutes.")
		if got := muster.ErrorRetryAfter(err); got != 10*time.Minute {
			t.Errorf("RetryAfter %v, want 10m", got)
		}
		*now = now.Add(90 * time.Second)
		_, err = db.Authenticate(bg, "IVANOVA", testPassword, "")
		wantMessage(t, err, muster.ERATELIMIT, "Too many failed sign-ins. Try again in 8 minutes 30 seconds.")

		// 15 minutes after the first failure, one attempt is free again.
		*now = sqldbtest.Now.Add(15*time.Minute + time.Second)
		if _, err := db.Authenticate(bg, "ivanova", testPassword, ""); err != nil {
			t.Fatalf("after 15 minutes: %v", err)
		}
		// The success cleared the count: four more failures do not lock.
		for range 4 {
			_, err := db.Authenticate(bg, "ivanova", "wrong password!", "")
			wantCode(t, err, muster.EUNAUTHORIZED)
		}
		if _, err := db.Authenticate(bg, "ivanova", testPassword, ""); err != nil {
			t.Fatalf("after success and 4 failures: %v", err)
		}

		// Unknown logins are counted the same way.
		for range 5 {
			_, err := db.Authenticate(bg, "nobody", testPassword, "")
			wantCode(t, err, muster.EUNAUTHORIZED)
		}
		_, err = db.Authenticate(bg, "nobody", testPassword, "")
		wantCode(t, err, muster.ERATELIMIT)
	})
}

// TestAuthenticateRateLimitPerAddress: failures from one address lock the
// login from that address only; failures spread over many addresses lock
// it for every address once they reach the login's own limit.
func TestAuthenticateRateLimitPerAddress(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		now := clock(db)
		createUser(t, db, sqldbtest.System(), "ivanova", muster.RoleClerk, "GOM")
		from := func(addr string) context.Context {
			return muster.NewContextWithClientAddr(context.Background(), addr)
		}
		const guesser, staff = "203.0.113.9", "198.51.100.20"
		for range 5 {
			_, err := db.Authenticate(from(guesser), "ivanova", "wrong password!", "")
			wantCode(t, err, muster.EUNAUTHORIZED)
		}
		_, err := db.Authenticate(from(guesser), "ivanova", testPassword, "")
		wantMessage(t, err, muster.ERATELIMIT, "Too many failed sign-ins. Try again in 15 minutes.")
		if _, err := db.Authenticate(from(staff), "ivanova", testPassword, ""); err != nil {
			t.Fatalf("another address: %v", err)
		}

		// 95 failures from 19 addresses ten minutes ago, and 4 more now from
		// a twentieth: one short of the login's limit, each address one
		// short of its own or full.
		*now = now.Add(5 * time.Minute)
		spreadFailures(t, db, "ivanova", 95, now.Add(-10*time.Minute))
		for range 4 {
			_, err := db.Authenticate(from("192.0.2.200"), "ivanova", "wrong password!", "")
			wantCode(t, err, muster.EUNAUTHORIZED)
		}
		if _, err := db.Authenticate(from("192.0.2.200"), "ivanova", "wrong password!", ""); muster.ErrorCode(err) != muster.EUNAUTHORIZED {
			t.Fatalf("the 100th failure: %v, want EUNAUTHORIZED", err)
		}
		// The login's limit is full: every address waits, until the 95
		// older failures are out of the window.
		_, err = db.Authenticate(from(staff), "ivanova", testPassword, "")
		wantMessage(t, err, muster.ERATELIMIT, "Too many failed sign-ins. Try again in 5 minutes.")
		*now = now.Add(5*time.Minute + time.Second)
		if _, err := db.Authenticate(from(staff), "ivanova", testPassword, ""); err != nil {
			t.Fatalf("once the spread failures are old: %v", err)
		}
	})
}

func TestSetPassword(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		sys := sqldbtest.System()
		createUser(t, db, sys, "ivanova", muster.RoleClerk, "GOM-MOZ")
		createUser(t, db, sys, "gom-admin", muster.RoleAdmin, "GOM")
		createUser(t, db, sys, "bre-admin", muster.RoleAdmin, "BRE")
		self := signIn(t, db, "ivanova", testPassword, "")
		u, err := db.Authenticate(context.Background(), "ivanova", testPassword, "")
		if err != nil {
			t.Fatal(err)
		}
		session, err := db.CreateSession(context.Background(), u.ID)
		if err != nil {
			t.Fatal(err)
		}

		wantCode(t, db.SetPassword(sys, "ivanova", "short"), muster.EINVALID)
		wantCode(t, db.SetPassword(self, "gom-admin", "a new password 1"), muster.EFORBIDDEN)
		wantCode(t, db.SetPassword(signIn(t, db, "bre-admin", testPassword, ""), "ivanova", "a new password 1"), muster.EFORBIDDEN)
		wantCode(t, db.SetPassword(sys, "nobody", "a new password 1"), muster.ENOTFOUND)
		// Users change their own password with the current one (ChangePassword).
		wantCode(t, db.SetPassword(self, "ivanova", "a new password 1"), muster.EFORBIDDEN)
		wantCode(t, db.SetPassword(signIn(t, db, "gom-admin", testPassword, ""), "gom-admin", "a new password 1"), muster.EFORBIDDEN)

		if err := db.SetPassword(sys, "ivanova", "a new password 1"); err != nil {
			t.Fatal(err)
		}
		_, err = db.SessionActor(context.Background(), session)
		wantCode(t, err, muster.EUNAUTHORIZED) // the change ended the user's sessions
		signIn(t, db, "ivanova", "a new password 1", "")
		_, err = db.Authenticate(context.Background(), "ivanova", testPassword, "")
		wantCode(t, err, muster.EUNAUTHORIZED)

		if err := db.SetPassword(signIn(t, db, "gom-admin", testPassword, ""), "ivanova", "reset by admin 2"); err != nil {
			t.Fatal(err)
		}
		signIn(t, db, "ivanova", "reset by admin 2", "")
	})
}

// TestChangePassword: a user changes their own password only with the
// current one; the change ends their other sessions, keeps the one named,
// and the audit log holds neither password nor hash.
func TestChangePassword(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			db, raw := openRaw(t, dialect)
			sqldbtest.Seed(t, db)
			clock(db)
			bg := context.Background()
			u := createUser(t, db, sqldbtest.System(), "ivanova", muster.RoleClerk, "GOM")
			session := func() string {
				t.Helper()
				sec, err := db.CreateSession(bg, u.ID)
				if err != nil {
					t.Fatal(err)
				}
				return sec
			}
			here, elsewhere := session(), session()
			a, err := db.SessionActor(bg, here)
			if err != nil {
				t.Fatal(err)
			}
			ctx := muster.NewContextWithActor(bg, a)
			const next = "a brand new password"

			wantMessage(t, db.ChangePassword(ctx, here, "not the password", next), muster.EUNAUTHORIZED, "Your current password is not right.")
			wantMessage(t, db.ChangePassword(ctx, here, "", next), muster.EUNAUTHORIZED, "Your current password is not right.")
			wantCode(t, db.ChangePassword(ctx, here, testPassword, "eleven char"), muster.EINVALID)
			wantCode(t, db.ChangePassword(sqldbtest.System(), "", testPassword, next), muster.EFORBIDDEN)
			wantCode(t, db.ChangePassword(bg, "", testPassword, next), muster.EUNAUTHORIZED)
			if _, err := db.Authenticate(bg, "ivanova", testPassword, ""); err != nil {
				t.Fatalf("refused changes changed the password: %v", err)
			}

			if err := db.ChangePassword(ctx, here, testPassword, next); err != nil {
				t.Fatal(err)
			}
			if _, err := db.SessionActor(bg, here); err != nil {
				t.Errorf("the session that changed the password ended: %v", err)
			}
			_, err = db.SessionActor(bg, elsewhere)
			wantCode(t, err, muster.EUNAUTHORIZED)
			_, err = db.Authenticate(bg, "ivanova", testPassword, "")
			wantCode(t, err, muster.EUNAUTHORIZED)
			if _, err := db.Authenticate(bg, "ivanova", next, ""); err != nil {
				t.Fatalf("sign in with the new password: %v", err)
			}
			entries, err := db.FindAuditEntries(sqldbtest.System(), muster.AuditFilter{Entity: "user", Key: "ivanova"})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) == 0 || entries[0].Action != "user.password" || entries[0].Actor != "user:ivanova" {
				t.Fatalf("audit entries %+v", entries)
			}
			var hash string
			if err := raw.QueryRow(`SELECT password_hash FROM users WHERE login = 'ivanova'`).Scan(&hash); err != nil {
				t.Fatal(err)
			}
			assertNoSecrets(t, raw, testPassword, next, hash, here)

			// Wrong current passwords count as failed sign-ins.
			for range 5 {
				wantCode(t, db.ChangePassword(ctx, here, "a wrong guess", "another new password"), muster.EUNAUTHORIZED)
			}
			wantCode(t, db.ChangePassword(ctx, here, next, "another new password"), muster.ERATELIMIT)
		})
	}
}

func TestSessions(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		now := clock(db)
		u := createUser(t, db, sqldbtest.System(), "ivanova", muster.RoleCommander, "GOM-MOZ")
		unit, err := db.FindUnit(sqldbtest.System(), "GOM-MOZ")
		if err != nil {
			t.Fatal(err)
		}
		bg := context.Background()
		sec, err := db.CreateSession(bg, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(sec, "mss_") {
			t.Fatalf("session secret %q", sec)
		}
		a, err := db.SessionActor(bg, sec)
		if err != nil {
			t.Fatal(err)
		}
		want := muster.Actor{Kind: "user", ID: u.ID, Name: "ivanova", Role: muster.RoleCommander, Unit: "GOM-MOZ", UnitID: unit.ID}
		if *a != want {
			t.Fatalf("actor %+v, want %+v", *a, want)
		}
		for _, bad := range []string{"", "mss_nope", "mst_" + sec[4:], sec + "x"} {
			_, err := db.SessionActor(bg, bad)
			wantCode(t, err, muster.EUNAUTHORIZED)
		}
		_, err = db.CreateSession(bg, 999999)
		wantCode(t, err, muster.ENOTFOUND)

		// Absolute expiry: still live just before 12 hours, over at 12 hours.
		*now = now.Add(12*time.Hour - time.Second)
		if _, err := db.SessionActor(bg, sec); err != nil {
			t.Fatalf("before expiry: %v", err)
		}
		*now = now.Add(time.Second)
		_, err = db.SessionActor(bg, sec)
		wantMessage(t, err, muster.EUNAUTHORIZED, "Your session has ended. Sign in again.")

		sec2, err := db.CreateSession(bg, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSession(bg, sec2); err != nil {
			t.Fatal(err)
		}
		_, err = db.SessionActor(bg, sec2)
		wantCode(t, err, muster.EUNAUTHORIZED)
		if err := db.DeleteSession(bg, sec2); err != nil {
			t.Fatalf("deleting again: %v", err)
		}
	})
}
