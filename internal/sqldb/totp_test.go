package sqldb_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

func TestTOTP(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			db, raw := openRaw(t, dialect)
			sqldbtest.Seed(t, db)
			now := clock(db)
			createUser(t, db, sqldbtest.System(), "ivanova", muster.RoleClerk, "GOM")
			ctx := signIn(t, db, "ivanova", testPassword, "")

			_, err := db.BeginTOTP(sqldbtest.System(), testPassword, "")
			wantCode(t, err, muster.EFORBIDDEN)
			wantCode(t, db.ConfirmTOTP(ctx, "123456"), muster.EINVALID) // nothing begun

			link, err := db.BeginTOTP(ctx, testPassword, "")
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(link)
			if err != nil {
				t.Fatal(err)
			}
			key := u.Query().Get("secret")
			if u.Scheme != "otpauth" || u.Query().Get("issuer") != "muster" || key == "" {
				t.Fatalf("otpauth URL %s", link)
			}
			// Until confirmed, the second factor is off.
			if _, err := db.Authenticate(context.Background(), "ivanova", testPassword, ""); err != nil {
				t.Fatalf("before confirming: %v", err)
			}
			gen := func() string {
				t.Helper()
				c, err := totp.GenerateCode(key, *now)
				if err != nil {
					t.Fatal(err)
				}
				return c
			}
			wantCode(t, db.ConfirmTOTP(ctx, "000000"), muster.EINVALID)
			if err := db.ConfirmTOTP(ctx, gen()); err != nil {
				t.Fatal(err)
			}

			_, err = db.Authenticate(context.Background(), "ivanova", testPassword, "")
			wantMessage(t, err, muster.EUNAUTHORIZED, "A valid one-time code is required.")
			_, err = db.Authenticate(context.Background(), "ivanova", testPassword, "999999")
			wantMessage(t, err, muster.EUNAUTHORIZED, "A valid one-time code is required.")
			// The code that confirmed is used up.
			_, err = db.Authenticate(context.Background(), "ivanova", testPassword, gen())
			wantCode(t, err, muster.EUNAUTHORIZED)

			*now = now.Add(30 * time.Second)
			c := gen()
			user, err := db.Authenticate(context.Background(), "ivanova", testPassword, c)
			if err != nil {
				t.Fatalf("with a fresh code: %v", err)
			}
			if !user.TOTPEnabled {
				t.Fatalf("user %+v", user)
			}
			_, err = db.Authenticate(context.Background(), "ivanova", testPassword, c)
			wantCode(t, err, muster.EUNAUTHORIZED) // no replay
			// A wrong password is still the password's message, code or not.
			_, err = db.Authenticate(context.Background(), "ivanova", "not the password", c)
			wantMessage(t, err, muster.EUNAUTHORIZED, "Wrong login or password.")

			entries, err := db.FindAuditEntries(sqldbtest.System(), muster.AuditFilter{Entity: "user", Key: "ivanova"})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 3 || entries[0].Action != "user.totp_enable" || entries[1].Action != "user.totp_begin" {
				t.Fatalf("audit entries %+v", entries)
			}
			var hash string
			if err := raw.QueryRow(`SELECT password_hash FROM users WHERE login = 'ivanova'`).Scan(&hash); err != nil {
				t.Fatal(err)
			}
			assertNoSecrets(t, raw, key, testPassword, hash)
		})
	}
}

// TestTOTPNeedsPassword: a session alone cannot switch the second factor
// on, replace its key or switch it off: each needs the password, and while
// it is on a code of the current key; wrong passwords count against the
// login as failed sign-ins do.
func TestTOTPNeedsPassword(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		now := clock(db)
		createUser(t, db, sqldbtest.System(), "ivanova", muster.RoleClerk, "GOM")
		ctx := signIn(t, db, "ivanova", testPassword, "")
		bg := context.Background()
		keyOf := func(link string) string {
			t.Helper()
			u, err := url.Parse(link)
			if err != nil || u.Query().Get("secret") == "" {
				t.Fatalf("otpauth URL %q: %v", link, err)
			}
			return u.Query().Get("secret")
		}
		code := func(key string) string {
			t.Helper()
			*now = now.Add(30 * time.Second) // a fresh step: each code is used once
			c, err := totp.GenerateCode(key, *now)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}

		_, err := db.BeginTOTP(ctx, "", "")
		wantCode(t, err, muster.EUNAUTHORIZED)
		_, err = db.BeginTOTP(ctx, "not the password", "")
		wantMessage(t, err, muster.EUNAUTHORIZED, "Your current password is not right.")
		wantMessage(t, db.ConfirmTOTP(ctx, "123456"), muster.EINVALID, "Start setting up the one-time code first.")
		wantMessage(t, db.DisableTOTP(ctx, testPassword, ""), muster.EINVALID, "Two-factor sign-in is not on.")

		link, err := db.BeginTOTP(ctx, testPassword, "")
		if err != nil {
			t.Fatal(err)
		}
		first := keyOf(link)
		if err := db.ConfirmTOTP(ctx, code(first)); err != nil {
			t.Fatal(err)
		}

		// On: replacing the key needs a code of the current one.
		_, err = db.BeginTOTP(ctx, testPassword, "")
		wantCode(t, err, muster.EUNAUTHORIZED)
		_, err = db.BeginTOTP(ctx, "not the password", code(first))
		wantCode(t, err, muster.EUNAUTHORIZED)
		link, err = db.BeginTOTP(ctx, testPassword, code(first))
		if err != nil {
			t.Fatalf("replace with a code of the current key: %v", err)
		}
		second := keyOf(link)
		if err := db.ConfirmTOTP(ctx, code(second)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authenticate(bg, "ivanova", testPassword, code(first)); muster.ErrorCode(err) != muster.EUNAUTHORIZED {
			t.Fatalf("the replaced key still signs in: %v", err)
		}

		// Switching off needs the password and a code of the current key.
		wantCode(t, db.DisableTOTP(ctx, testPassword, ""), muster.EUNAUTHORIZED)
		wantCode(t, db.DisableTOTP(ctx, testPassword, code(first)), muster.EUNAUTHORIZED)
		wantCode(t, db.DisableTOTP(ctx, "not the password", code(second)), muster.EUNAUTHORIZED)
		wantCode(t, db.DisableTOTP(sqldbtest.System(), testPassword, code(second)), muster.EFORBIDDEN)
		if err := db.DisableTOTP(ctx, testPassword, code(second)); err != nil {
			t.Fatal(err)
		}
		u, err := db.Authenticate(bg, "ivanova", testPassword, "")
		if err != nil || u.TOTPEnabled {
			t.Fatalf("after switching off: %+v, %v", u, err)
		}
		entries, err := db.FindAuditEntries(sqldbtest.System(), muster.AuditFilter{Entity: "user", Key: "ivanova"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) == 0 || entries[0].Action != "user.totp_disable" {
			t.Fatalf("audit entries %+v", entries)
		}

		// A guesser with the session is limited like one at the login form.
		for range 5 {
			_, err := db.BeginTOTP(ctx, "a wrong guess", "")
			wantCode(t, err, muster.EUNAUTHORIZED)
		}
		_, err = db.BeginTOTP(ctx, testPassword, "")
		wantCode(t, err, muster.ERATELIMIT)
		_, err = db.Authenticate(bg, "ivanova", testPassword, "")
		wantCode(t, err, muster.ERATELIMIT)
	})
}
