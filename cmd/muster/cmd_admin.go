package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
)

func cmdMigrate(ctx context.Context, e *env, args []string) error {
	fs, dsn := newFlags("migrate", e)
	if err := parse(fs, args, "migrate [-db DB]", 0, 0); err != nil {
		return err
	}
	db, err := openOrCreateDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(e.stdout, "%s: schema up to date\n", sqldb.Redact(*dsn))
	return nil
}

func cmdTokenCreate(ctx context.Context, e *env, args []string) error {
	const synopsis = "token create [-db DB] -role ROLE -unit CODE [-name NAME]"
	fs, dsn := newFlags("token create", e)
	role := fs.String("role", "", "admin, commander, clerk, armorer or viewer")
	unit := fs.String("unit", "", "code of the unit subtree the token is bound to")
	name := fs.String("name", "cli", "a name to recognise the token by")
	if err := parse(fs, args, synopsis, 0, 0); err != nil {
		return err
	}
	if err := need(fs, synopsis, "role", "unit"); err != nil {
		return err
	}
	if err := checkRole(fs, synopsis, *role); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	secret, err := db.CreateToken(systemContext(ctx, e), &muster.Token{Name: *name, Role: muster.Role(*role), Unit: *unit})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, secret)
	return nil
}

// checkRole returns a usage error unless role is one of muster.Roles.
func checkRole(fs *flag.FlagSet, synopsis, role string) error {
	if muster.Role(role).Valid() {
		return nil
	}
	names := make([]string, len(muster.Roles))
	for i, r := range muster.Roles {
		names[i] = string(r)
	}
	return usagef(fs, synopsis, "-role: %q is not a role; the roles are %s", role, strings.Join(names, ", "))
}

func cmdUserCreate(ctx context.Context, e *env, args []string) error {
	const synopsis = "user create [-db DB] -login LOGIN -role ROLE -unit CODE [-name NAME]   (password on stdin)"
	fs, dsn := newFlags("user create", e)
	login := fs.String("login", "", "login name")
	role := fs.String("role", "", "admin, commander, clerk, armorer or viewer")
	unit := fs.String("unit", "", "code of the unit subtree the user is bound to")
	name := fs.String("name", "", "full name")
	if err := parse(fs, args, synopsis, 0, 0); err != nil {
		return err
	}
	if err := need(fs, synopsis, "login", "role", "unit"); err != nil {
		return err
	}
	if err := checkRole(fs, synopsis, *role); err != nil {
		return err
	}
	password, err := readPassword(e)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if *name == "" {
		*name = *login
	}
	u := &muster.User{Login: *login, Name: *name, Role: muster.Role(*role), Unit: *unit}
	if err := db.CreateUser(systemContext(ctx, e), u, password); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %s created: %s of %s\n", u.Login, u.Role, u.Unit)
	return nil
}

func cmdBackup(ctx context.Context, e *env, args []string) error {
	const synopsis = "backup [-db DB] FILE"
	fs, dsn := newFlags("backup", e)
	if err := parse(fs, args, synopsis, 1, 1); err != nil {
		return err
	}
	if fs.Arg(0) == "-" {
		return usagef(fs, synopsis, "FILE: backup writes a file; give its path, not -")
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backup written to %s\n", fs.Arg(0))
	return nil
}
