package sqldb_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/muster-force/muster"
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

			_, err := db.BeginTOTP(sqldbtest.System())
			wantCode(t, err, muster.EFORBIDDEN)
			wantCode(t, db.ConfirmTOTP(ctx, "123456"), muster.EINVALID) // nothing begun

			link, err := db.BeginTOTP(ctx)
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
