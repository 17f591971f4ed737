package main

import (
	"context"
	"fmt"
)

// cmdAuditVerify walks the armory's ledger: exit 0 with the count when it
// is intact, 1 naming the first bad entry when it is not.
func cmdAuditVerify(ctx context.Context, e *env, args []string) error {
	const synopsis = "audit verify [-db DB]"
	fs, dsn := newFlags("audit verify", e)
	if err := parse(fs, args, synopsis, 0, 0); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := db.VerifyLedger(systemContext(ctx, e))
	if err != nil {
		return err
	}
	if !c.OK() {
		if c.BadSeq > 0 {
			fmt.Fprintf(e.stderr, "muster: ledger entry %d: %s\n", c.BadSeq, c.Problem)
		} else {
			fmt.Fprintf(e.stderr, "muster: ledger: %s\n", c.Problem)
		}
		fmt.Fprintf(e.stderr, "muster: the ledger is NOT intact (%d entries checked before the first bad one)\n", c.Entries)
		return errReported
	}
	fmt.Fprintf(e.stdout, "ledger intact: %d entries\n", c.Entries)
	return nil
}
