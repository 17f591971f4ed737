package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// cmdUserPassword sets a staff user's password, read from the first line
// of stdin so that it shows neither in the process list nor in the shell's
// history: the operator's reset on the server. It ends the user's sessions.
func cmdUserPassword(ctx context.Context, e *env, args []string) error {
	const synopsis = "user password [-db DB] LOGIN   (new password on stdin)"
	fs, dsn := newFlags("user password", e)
	if err := parse(fs, args, synopsis, 0, 1); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef(fs, synopsis, "missing LOGIN")
	}
	login := fs.Arg(0)
	password, err := readPassword(e)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.SetPassword(systemContext(ctx, e), login, password); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %s: password changed, sessions ended\n", login)
	return nil
}

// readPassword reads a password from the first line of stdin, so that it
// shows neither in the process list nor in the shell's history.
func readPassword(e *env) (string, error) {
	password, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	password = strings.TrimRight(password, "\r\n")
	if password == "" {
		return "", errors.New("no password on standard input")
	}
	return password, nil
}
