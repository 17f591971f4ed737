package main

import (
	"context"
	"flag"
	"io"
	"strings"

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

// parse parses args, turning every flag error into a usage error.
func parse(fs *flag.FlagSet, args []string, synopsis string) error {
	if err := fs.Parse(args); err != nil {
		return &usageError{"muster " + fs.Name() + ": " + err.Error() + "\nusage: muster " + synopsis}
	}
	return nil
}

// openDB opens and migrates the database.
func openDB(ctx context.Context, dsn string) (*sqldb.DB, error) {
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

// redact hides the password of a postgres:// URL for printing.
func redact(dsn string) string {
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return dsn
	}
	creds, host, ok := strings.Cut(rest, "@")
	if !ok {
		return dsn
	}
	user, _, hasPass := strings.Cut(creds, ":")
	if !hasPass {
		return dsn
	}
	return scheme + "://" + user + ":***@" + host
}
