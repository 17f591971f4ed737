package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/demo"
	"github.com/muster-force/muster/internal/sqldb"
)

// demoMembers is the size of the demo force, as in the seed reports.
const demoMembers = 150_000

func cmdDemo(ctx context.Context, e *env, args []string) error {
	fs, dsn := newFlags("demo", e)
	n := fs.Int("members", demoMembers, "number of members")
	seed := fs.Int64("seed", 1, "random seed; the same seed builds the same force")
	const synopsis = "demo [-db DB] [-members N] [-seed S]"
	if err := parse(fs, args, synopsis, 0, 0); err != nil {
		return err
	}
	if *n < 0 || *n > 10_000_000 {
		return usagef(fs, synopsis, "-members must be from 0 to 10000000")
	}
	db, err := openOrCreateDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	b, err := buildDemo(ctx, e, db, *n, *seed)
	if err != nil {
		return err
	}
	printDemoAccess(e.stdout, "", b)
	return nil
}

// buildDemo builds the demo force and says how long it took.
func buildDemo(ctx context.Context, e *env, db *sqldb.DB, n int, seed int64) (*demo.Built, error) {
	start := time.Now()
	fmt.Fprintf(e.stderr, "building the demo force (%d members)…\n", n)
	b, err := demo.Build(systemContext(ctx, e), db, n, seed, muster.DateOf(time.Now()))
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(e.stderr, "demo force built: %d units, %d members in %.1f s\n", b.Units, b.Members, time.Since(start).Seconds())
	return b, nil
}

// printDemoAccess prints how to get in: the URL, the staff logins and the
// admin API token.
func printDemoAccess(w io.Writer, url string, b *demo.Built) {
	if url != "" {
		fmt.Fprintf(w, "muster is running at %s\n", url)
	}
	fmt.Fprintln(w, "staff logins (password):")
	for _, u := range b.Staff {
		fmt.Fprintf(w, "  %-13s %-9s %-10s %s\n", u.Login, u.Role, u.Unit, u.Password)
	}
	fmt.Fprintf(w, "admin API token: %s\n", b.Token)
}
