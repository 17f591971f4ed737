package sqldb_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestRememberedDeviceOutlivesSpreadFailures locks a login with failures
// from twenty addresses: a browser its owner has signed in from still gets
// in, counting its own failures only, while any other attempt waits.
func TestRememberedDeviceOutlivesSpreadFailures(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		now := clock(db)
		u := createUser(t, db, sqldbtest.System(), "ivanova", muster.RoleClerk, "GOM")
		office, err := db.RememberDevice(context.Background(), u.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		laptop, err := db.RememberDevice(context.Background(), u.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		from := func(device string) context.Context {
			return muster.NewContextWithDevice(muster.NewContextWithClientAddr(context.Background(), "198.51.100.20"), device)
		}
		spreadFailures(t, db, "ivanova", 100, now.Add(-time.Minute))
		other := office[:10] + map[bool]string{true: "b", false: "a"}[office[10] == 'a'] + office[11:]
		for _, device := range []string{"", "msd_forged", other} {
			_, err := db.Authenticate(from(device), "ivanova", testPassword, "")
			wantMessage(t, err, muster.ERATELIMIT, "Too many failed sign-ins. Try again in 14 minutes.")
		}
		// The office browser fails five times: then it waits too; the
		// laptop does not.
		for range 5 {
			_, err := db.Authenticate(from(office), "ivanova", "wrong password!", "")
			wantCode(t, err, muster.EUNAUTHORIZED)
		}
		_, err = db.Authenticate(from(office), "ivanova", testPassword, "")
		wantMessage(t, err, muster.ERATELIMIT, "Too many failed sign-ins. Try again in 15 minutes.")
		if _, err := db.Authenticate(from(laptop), "ivanova", testPassword, ""); err != nil {
			t.Fatalf("the remembered laptop: %v", err)
		}

		// A device is another login's for no one, and is forgotten once
		// replaced or too old.
		createUser(t, db, sqldbtest.System(), "petrov", muster.RoleClerk, "GOM")
		spreadFailures(t, db, "petrov", 100, *now)
		_, err = db.Authenticate(from(laptop), "petrov", testPassword, "")
		wantCode(t, err, muster.ERATELIMIT)
		if _, err := db.RememberDevice(context.Background(), u.ID, laptop); err != nil {
			t.Fatal(err)
		}
		if got := count(t, db, `SELECT count(*) FROM login_devices WHERE login = 'ivanova'`); got != "2" {
			t.Errorf("devices after replacing the laptop's token: %s, want 2", got)
		}
		*now = now.Add(muster.DeviceLifetime)
		if _, err := db.RememberDevice(context.Background(), u.ID, ""); err != nil {
			t.Fatal(err)
		}
		if got := count(t, db, `SELECT count(*) FROM login_devices WHERE login = 'ivanova'`); got != "1" {
			t.Errorf("devices after %v: %s, want the new one alone", muster.DeviceLifetime, got)
		}
	})
}

// TestRememberDeviceKeepsTheNewest remembers more devices than a login
// keeps: the oldest are forgotten.
func TestRememberDeviceKeepsTheNewest(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		now := clock(db)
		u := createUser(t, db, sqldbtest.System(), "ivanova", muster.RoleClerk, "GOM")
		var tokens []string
		for range 12 {
			*now = now.Add(time.Second)
			token, err := db.RememberDevice(context.Background(), u.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			tokens = append(tokens, token)
		}
		if got := count(t, db, `SELECT count(*) FROM login_devices WHERE login = 'ivanova'`); got != "10" {
			t.Errorf("devices: %s, want 10", got)
		}
		spreadFailures(t, db, "ivanova", 100, *now)
		for i, token := range tokens {
			_, err := db.Authenticate(muster.NewContextWithDevice(context.Background(), token), "ivanova", "wrong password!", "")
			if want := map[bool]string{true: muster.ERATELIMIT, false: muster.EUNAUTHORIZED}[i < 2]; muster.ErrorCode(err) != want {
				t.Errorf("device %d: %v, want %s", i, err, want)
			}
		}
		if _, err := db.RememberDevice(context.Background(), 999999, ""); muster.ErrorCode(err) != muster.ENOTFOUND {
			t.Errorf("unknown user: %v", err)
		}
	})
}

// spreadFailures records n failed sign-ins of the login at the time, five
// from each of n/5 addresses, as a guesser spreading its tries leaves them.
func spreadFailures(t *testing.T, db *sqldb.DB, login string, n int, at time.Time) {
	t.Helper()
	for i := range n {
		exec(t, db, `INSERT INTO login_failures (login, address, at) VALUES ($1, $2, $3)`,
			login, fmt.Sprintf("192.0.2.%d", i/5), at.UTC().Format("2006-01-02T15:04:05.000000Z"))
	}
}
