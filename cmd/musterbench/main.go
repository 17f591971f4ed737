// Command musterbench measures muster against the baselines its issues
// name, side by side in one run, and prints the figures:
//
//   - roster import: a generated N-member CSV imported with `muster import
//     members` (a child process, so its peak memory is its own) against the
//     sqlite3 shell's .import of the same file into a plain table;
//   - member listing: the median time to list a page of a region's members
//     filtered by a qualification, from the imported database;
//   - answers: `muster serve` (a child process) stormed with durable
//     answers over 64 keep-alive connections against a bare net/http
//     handler stormed by the same client, with the readiness stream's lag
//     behind the answers and the server's peak memory (answers*.go);
//   - armory: -items items and -ledger ledger entries written through the
//     ledger's own code, then the median and p99 of issuing an item over
//     HTTP against `muster serve`, and the wall time of `muster audit
//     verify` (armory.go); on SQLite, and on PostgreSQL too with -pg.
//
// Run it with `make bench` or `go run ./cmd/musterbench -members 1000000`;
// -parts picks the parts (answers alone builds the demo force of -members).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	members := flag.Int("members", 1_000_000, "members in the generated roster")
	pages := flag.Int("pages", 300, "page listings to time")
	dir := flag.String("dir", "", "work directory, whose muster.db and plain.db the import part replaces (default: a temp dir, removed afterwards)")
	parts := flag.String("parts", "import,listing,answers,armory", "the parts to run, comma-separated")
	conns := flag.Int("conns", 64, "answers: keep-alive connections of the load client")
	duration := flag.Duration("duration", 10*time.Second, "answers: how long each storm lasts")
	items := flag.Int64("items", 100_000, "armory: serialised items")
	ledger := flag.Int64("ledger", 1_000_000, "armory: ledger entries")
	pg := flag.String("pg", "", "armory: a postgres:// URL of an empty database to run the armory part on too")
	bare := flag.Bool("serve-bare", false, "serve the answers baseline, a bare net/http handler (musterbench runs itself so)")
	flag.Parse()
	if *bare {
		if err := serveBare(); err != nil {
			fmt.Fprintln(os.Stderr, "musterbench:", err)
			os.Exit(1)
		}
		return
	}
	cfg := config{members: *members, pages: *pages, dir: *dir, conns: *conns, duration: *duration, parts: map[string]bool{},
		items: *items, ledger: *ledger, pg: *pg}
	for p := range strings.SplitSeq(*parts, ",") {
		if p != "import" && p != "listing" && p != "answers" && p != "armory" {
			fmt.Fprintf(os.Stderr, "musterbench: -parts: unknown part %q (import, listing, answers, armory)\n", p)
			os.Exit(2)
		}
		cfg.parts[p] = true
	}
	if cfg.parts["listing"] && !cfg.parts["import"] {
		fmt.Fprintln(os.Stderr, "musterbench: -parts: listing needs import")
		os.Exit(2)
	}
	if err := run(context.Background(), cfg); err != nil {
		fmt.Fprintln(os.Stderr, "musterbench:", err)
		os.Exit(1)
	}
}

// config is what the flags ask for.
type config struct {
	members, pages int
	dir            string
	parts          map[string]bool
	conns          int
	duration       time.Duration
	items, ledger  int64  // armory
	pg             string // armory: a PostgreSQL URL, or ""
}

func run(ctx context.Context, cfg config) error {
	members, dir := cfg.members, cfg.dir
	if dir == "" {
		d, err := os.MkdirTemp("", "musterbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	bin := filepath.Join(dir, "muster")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/muster")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build muster (run from the repository root): %w", err)
	}
	fmt.Printf("musterbench: %d members, %s\n", members, time.Now().UTC().Format(time.RFC3339))
	dbPath := filepath.Join(dir, "muster.db")
	if cfg.parts["import"] {
		imp, err := benchImport(ctx, bin, dir, members)
		if err != nil {
			return err
		}
		imp.print()
	}
	if cfg.parts["listing"] {
		list, err := benchListing(ctx, dbPath, cfg.pages)
		if err != nil {
			return err
		}
		list.print()
	}
	if cfg.parts["answers"] {
		ans, err := benchAnswers(ctx, bin, dir, dbPath, members, cfg.conns, cfg.duration)
		if err != nil {
			return err
		}
		ans.print()
	}
	if cfg.parts["armory"] {
		dbs := [][2]string{{dbPath, "SQLite"}}
		if cfg.pg != "" {
			dbs = append(dbs, [2]string{cfg.pg, "PostgreSQL"})
		}
		for _, d := range dbs {
			arm, err := benchArmory(ctx, bin, dir, d[0], d[1], members, cfg.items, cfg.ledger)
			if err != nil {
				return err
			}
			arm.print()
		}
	}
	return nil
}
