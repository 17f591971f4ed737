package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/muster-force/muster/internal/sqldb"
)

// newFlags returns a flag set that reports errors as usage errors and has
// the -db flag every command takes.
func newFlags(name string, e *env) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	def := e.getenv("MUSTER_DB")
	if def == "" {
		def = "muster.db"
	}
	db := fs.String("db", def, "SQLite file or postgres:// URL")
	return fs, db
}

// parse parses args and checks that from min to max arguments (FILE)
// follow the flags and that -db is not empty, turning every problem into a
// usage error that says what is wrong.
func parse(fs *flag.FlagSet, args []string, synopsis string, min, max int) error {
	if err := fs.Parse(args); err != nil {
		return usagef(fs, synopsis, "%s", err)
	}
	if f := fs.Lookup("db"); f != nil && f.Value.String() == "" {
		return usagef(fs, synopsis, "-db: must not be empty; give a SQLite file or a postgres:// URL")
	}
	rest := fs.Args()
	switch {
	case len(rest) < min:
		return usagef(fs, synopsis, "missing FILE")
	case len(rest) <= max:
		return nil
	case max == 0:
		return usagef(fs, synopsis, "unexpected argument %q", rest[0])
	}
	for _, a := range rest[1:] {
		if len(a) > 1 && a[0] == '-' {
			return usagef(fs, synopsis, "flags go before FILE: %s came after it", a)
		}
	}
	return usagef(fs, synopsis, "unexpected argument %q after FILE", rest[max])
}

// usagef returns the usage error of the command of fs: what is wrong, then
// the command's synopsis.
func usagef(fs *flag.FlagSet, synopsis, format string, args ...any) error {
	return &usageError{"muster " + fs.Name() + ": " + fmt.Sprintf(format, args...) + "\nusage: muster " + synopsis}
}

// need returns a usage error naming the first of the flags that is empty.
func need(fs *flag.FlagSet, synopsis string, names ...string) error {
	for _, n := range names {
		if fs.Lookup(n).Value.String() == "" {
			return usagef(fs, synopsis, "-%s is required", n)
		}
	}
	return nil
}

// openDB opens and migrates a database that exists: for a SQLite path
// where there is no file it returns an error rather than create an empty
// database, for the commands that need a force to work on.
func openDB(ctx context.Context, dsn string) (*sqldb.DB, error) {
	if !sqldb.IsPostgres(dsn) {
		if _, err := os.Stat(dsn); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s (muster migrate or muster demo creates one)", dsn)
		}
	}
	return openOrCreateDB(ctx, dsn)
}

// openOrCreateDB opens and migrates the database, creating a SQLite file
// that is not there: for migrate, demo, serve and import.
func openOrCreateDB(ctx context.Context, dsn string) (*sqldb.DB, error) {
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
