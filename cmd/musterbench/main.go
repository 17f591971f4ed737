// Command musterbench measures muster against the baselines its issues
// name, side by side in one run, and prints the figures:
//
//   - roster import: a generated N-member CSV imported with `muster import
//     members` (a child process, so its peak memory is its own) against the
//     sqlite3 shell's .import of the same file into a plain table;
//   - member listing: the median time to list a page of a region's members
//     filtered by a qualification, from the imported database.
//
// Run it with `make bench` or `go run ./cmd/musterbench -members 1000000`.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

func main() {
	members := flag.Int("members", 1_000_000, "members in the generated roster")
	pages := flag.Int("pages", 300, "page listings to time")
	dir := flag.String("dir", "", "work directory (default: a temp dir, removed afterwards)")
	flag.Parse()
	if err := run(context.Background(), *members, *pages, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "musterbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, members, pages int, dir string) error {
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
	imp, err := benchImport(ctx, bin, dir, members)
	if err != nil {
		return err
	}
	imp.print()
	list, err := benchListing(ctx, filepath.Join(dir, "muster.db"), pages)
	if err != nil {
		return err
	}
	list.print()
	return nil
}
