// Command muster runs a part-time volunteer force: the web UI, the JSON API
// and the background workers (serve), and the command-line tools for
// importing, exporting, tokens and backups. See the README.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/muster-force/muster"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// env is everything a command reads from outside its arguments.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// usageError is a wrong command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// failed is work that failed and has already been reported on stderr:
// exit status 1 with nothing more to print.
var errReported = errors.New("reported")

const usage = `usage: muster COMMAND [flags]

  serve   [-db DB] [-addr ADDR] [-demo] [-public-url URL] [-smtp HOST:PORT] [-sms-gateway URL]
                                             web UI + API + the delivery dispatcher
  demo    [-db DB] [-members N] [-seed S]    build the demo force into DB
  migrate [-db DB]
  import units   [-db DB] [-dry-run] FILE    CSV; "-" reads stdin
  import members [-db DB] [-dry-run] FILE
  export members [-db DB] [-unit CODE] [-format csv|json]
  export units   [-db DB]
  token create   [-db DB] -role ROLE -unit CODE [-name NAME]
  user create    [-db DB] -login LOGIN -role ROLE -unit CODE [-name NAME]   password from stdin
  user contact   [-db DB] -login LOGIN [-email ADDRESS] [-phone E164]       replaces both; empty for none
  user password  [-db DB] LOGIN                                             new password from stdin; ends its sessions
  callup create  [-db DB] [-template NAME] FILE   JSON as for POST /api/v1/callups; prints the id
  audit verify   [-db DB]                    exit 0 when the armory's ledger is intact
  backup  [-db DB] FILE                      consistent copy while the server runs

DB is a SQLite file (default muster.db) or a postgres:// URL; MUSTER_DB sets the default.`

// run executes one command line.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		return &usageError{usage}
	}
	cmd, rest := args[0], args[1:]
	subcommands := map[string][]subcommand{
		"import": {{"units", cmdImportUnits}, {"members", cmdImportMembers}},
		"export": {{"members", cmdExportMembers}, {"units", cmdExportUnits}},
		"token":  {{"create", cmdTokenCreate}},
		"user":   {{"create", cmdUserCreate}, {"contact", cmdUserContact}, {"password", cmdUserPassword}},
		"callup": {{"create", cmdCallUpCreate}},
		"audit":  {{"verify", cmdAuditVerify}},
	}
	if subs, ok := subcommands[cmd]; ok {
		return runSubcommand(ctx, e, cmd, rest, subs)
	}
	switch cmd {
	case "serve":
		return cmdServe(ctx, e, rest)
	case "demo":
		return cmdDemo(ctx, e, rest)
	case "migrate":
		return cmdMigrate(ctx, e, rest)
	case "backup":
		return cmdBackup(ctx, e, rest)
	case "help", "-h", "-help", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return &usageError{fmt.Sprintf("unknown command %q\n%s", cmd, usage)}
}

// subcommand is one subcommand of a command, such as "units" of "import".
type subcommand struct {
	name string
	run  func(context.Context, *env, []string) error
}

// runSubcommand runs the subcommand of cmd that args name, or returns a
// usage error saying which subcommands there are.
func runSubcommand(ctx context.Context, e *env, cmd string, args []string, subs []subcommand) error {
	names := make([]string, len(subs))
	for i, s := range subs {
		if len(args) > 0 && args[0] == s.name {
			return s.run(ctx, e, args[1:])
		}
		names[i] = s.name
	}
	what := "missing subcommand"
	if len(args) > 0 {
		what = fmt.Sprintf("unknown subcommand %q", args[0])
	}
	return &usageError{fmt.Sprintf("muster %s: %s; the subcommands are %s\n%s", cmd, what, strings.Join(names, ", "), usage)}
}

// exitCode reports err on stderr and returns the exit status: 0 success,
// 1 the work failed, 2 usage error.
func exitCode(err error, stderr io.Writer) int {
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, ue.msg)
		return 2
	case errors.Is(err, errReported):
		return 1
	}
	var me *muster.Error
	if errors.As(err, &me) {
		fmt.Fprintln(stderr, "muster: "+me.Message)
		for _, d := range me.Details {
			if !strings.Contains(me.Message, d.String()) { // else said already
				fmt.Fprintln(stderr, "muster: "+d.String())
			}
		}
		return 1
	}
	fmt.Fprintln(stderr, "muster:", err)
	return 1
}

// systemContext acts as the unrestricted system actor: the CLI runs with
// the authority of whoever can open the database.
func systemContext(ctx context.Context, e *env) context.Context {
	name := e.getenv("USER")
	if name == "" {
		name = "cli"
	}
	return muster.NewContextWithActor(ctx, muster.SystemActor("cli:"+name))
}
