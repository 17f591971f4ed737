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
	if _, err := db.read.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
