package sqldb

import (
	"context"
	"fmt"
	"os"

	"github.com/muster-force/muster"
)

// Backup writes a consistent copy of a SQLite database to path while the
// database stays in use (VACUUM INTO reads one snapshot). For PostgreSQL it
// refuses: pg_dump is the tool there.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.dialect == postgres {
		return muster.Errorf(muster.EINVALID, "muster backup copies SQLite databases; for PostgreSQL use pg_dump")
	}
	if _, err := os.Stat(path); err == nil {
		return muster.Errorf(muster.ECONFLICT, "%s already exists; choose a new file", path)
	}
	// A reader connection reads one snapshot without holding up the
	// writer; it is opened query-only, which VACUUM INTO's new file needs
	// lifted for the while.
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA query_only = false`); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA query_only = true`)
	if _, err := conn.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
