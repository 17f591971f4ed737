package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/rostercsv"
)

func cmdImportMembers(ctx context.Context, e *env, args []string) error {
	return importFile(ctx, e, args, "members")
}

func cmdImportUnits(ctx context.Context, e *env, args []string) error {
	return importFile(ctx, e, args, "units")
}

// importFile runs one import command: it opens FILE (or stdin for "-"),
// shows progress on a terminal, and reports every problem as
// "FILE:LINE: field: message".
func importFile(ctx context.Context, e *env, args []string, what string) error {
	synopsis := "import " + what + " [-db DB] [-dry-run] FILE"
	fs, dsn := newFlags("import "+what, e)
	dry := fs.Bool("dry-run", false, "check and count, change nothing")
	if err := parse(fs, args, synopsis, 1, 1); err != nil {
		return err
	}
	in, name, size, err := openInput(e, fs.Arg(0))
	if err != nil {
		return err
	}
	defer in.Close()
	progressOut, terminal := e.stderr, false
	if f, ok := e.stderr.(*os.File); ok {
		terminal = rostercsv.IsTerminal(f)
	}
	if path := e.getenv("MUSTER_CPUPROFILE"); path != "" {
		stop, err := startCPUProfile(path)
		if err != nil {
			return err
		}
		defer stop()
	}
	progress := rostercsv.NewProgress(in, size, progressOut, terminal)
	db, err := openOrCreateDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	// A command has the database to itself unless a server or another
	// command has it open; a large import then writes its pages once.
	db.SoleLoads = true
	res, err := rostercsv.Import(systemContext(ctx, e), db, what, progress, name, muster.ImportOptions{DryRun: *dry}, muster.Date{})
	progress.Done()
	if err != nil {
		return reportProblems(e, name, err)
	}
	verb := "imported"
	if *dry {
		verb = "dry run, nothing changed"
	}
	fmt.Fprintf(e.stdout, "%s: %s: %d created, %d updated, %d unchanged\n", name, verb, res.Created, res.Updated, res.Unchanged)
	return nil
}

// reportProblems prints an import's problems one line each, naming the
// file, line and field.
func reportProblems(e *env, name string, err error) error {
	details := muster.ErrorDetails(err)
	if len(details) == 0 {
		return err
	}
	for _, d := range details {
		where := name
		if d.Line > 0 {
			where = fmt.Sprintf("%s:%d", name, d.Line)
		}
		if d.Field != "" {
			where += ": " + d.Field
		}
		fmt.Fprintf(e.stderr, "%s: %s\n", where, d.Message)
	}
	// The summary, unless it only restates the first problem (as a bad
	// header's message does).
	if msg := muster.ErrorMessage(err); details[0].Message == "" || !strings.Contains(msg, details[0].Message) {
		fmt.Fprintf(e.stderr, "%s: %s\n", name, msg)
	}
	return errReported
}

// openInput opens the file a command reads, or stdin for "-", and returns
// it with the name to report problems under and its size (0 when unknown).
func openInput(e *env, path string) (in io.ReadCloser, name string, size int64, err error) {
	if path == "-" {
		return io.NopCloser(e.stdin), "stdin", 0, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", 0, err // names the file already
	}
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	return f, path, size, nil
}

// startCPUProfile writes a CPU profile to path, for profiling an import or
// a server (MUSTER_CPUPROFILE=FILE muster import members … or muster
// serve …); the returned func stops the profile.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
