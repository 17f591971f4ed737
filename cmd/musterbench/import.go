package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/demo"
	"github.com/muster-force/muster/internal/rostercsv"
	"github.com/muster-force/muster/internal/sqldb"
)

type importResult struct {
	members               int
	csvBytes              int64
	shell, muster         time.Duration
	shellCPU, musterCPU   time.Duration // user + system time of the child
	musterPeakRSS         int64         // bytes
	loadBefore, loadAfter string        // the machine's load averages around the two imports
}

func (r importResult) print() {
	ratio := r.muster.Seconds() / r.shell.Seconds()
	fmt.Printf("import %d members (%.0f MB CSV):\n", r.members, float64(r.csvBytes)/1e6)
	fmt.Printf("  sqlite3 .import into a plain table  %7.2f s  %8.0f rows/s  cpu %6.2f s\n", r.shell.Seconds(), float64(r.members)/r.shell.Seconds(), r.shellCPU.Seconds())
	fmt.Printf("  muster import members               %7.2f s  %8.0f rows/s  cpu %6.2f s  peak RSS %d MB\n", r.muster.Seconds(), float64(r.members)/r.muster.Seconds(), r.musterCPU.Seconds(), r.musterPeakRSS>>20)
	fmt.Printf("  ratio muster/sqlite3 = %.2fx (target ≤ 3x); peak memory target < 300 MB\n", ratio)
	fmt.Printf("  cpu ratio muster/sqlite3 = %.2fx (user+system time, steadier than wall time on a shared machine)\n", r.musterCPU.Seconds()/r.shellCPU.Seconds())
	fmt.Printf("  load average before %s, after %s (on %d CPUs: above that, other work shared them)\n", r.loadBefore, r.loadAfter, runtime.NumCPU())
}

// benchImport prepares a database with the demo's units and catalogue,
// writes the CSV, and times both imports.
func benchImport(ctx context.Context, bin, dir string, n int) (importResult, error) {
	res := importResult{members: n}
	dbPath, plain := filepath.Join(dir, "muster.db"), filepath.Join(dir, "plain.db")
	// Both imports start from nothing: a database of an earlier run would
	// make muster's an update of every member and the shell's an append.
	for _, f := range []string{dbPath, dbPath + "-wal", dbPath + "-shm", dbPath + "-journal", plain} {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			return res, err
		}
	}
	db, err := sqldb.Open(ctx, dbPath)
	if err != nil {
		return res, err
	}
	if err := db.Migrate(ctx); err != nil {
		return res, err
	}
	sys := muster.NewContextWithActor(ctx, muster.SystemActor("bench"))
	s := demo.Force(1)
	for i := range s.Qualifications {
		if err := db.SaveQualification(sys, &s.Qualifications[i]); err != nil {
			return res, err
		}
	}
	if _, err := db.ImportUnits(sys, s.UnitSource(), muster.ImportOptions{}); err != nil {
		return res, err
	}
	db.Close()

	csvPath := filepath.Join(dir, "members.csv")
	if res.csvBytes, err = writeCSV(csvPath, demo.Members(1, n, s)); err != nil {
		return res, err
	}
	// Baseline: the sqlite3 shell imports the same file into a plain table.
	res.loadBefore = loadAverage()
	start := time.Now()
	shell := exec.CommandContext(ctx, "sqlite3", plain, ".import --csv "+csvPath+" members")
	if out, err := shell.CombinedOutput(); err != nil {
		return res, fmt.Errorf("sqlite3 .import: %v: %s", err, out)
	}
	res.shell = time.Since(start)
	res.shellCPU = shell.ProcessState.UserTime() + shell.ProcessState.SystemTime()

	start = time.Now()
	cmd := exec.CommandContext(ctx, bin, "import", "members", "-db", dbPath, csvPath)
	cmd.Stderr = os.Stderr
	if out, err := cmd.Output(); err != nil {
		return res, fmt.Errorf("muster import: %v: %s", err, out)
	}
	res.muster = time.Since(start)
	res.musterCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.musterPeakRSS = ru.Maxrss << 10
	}
	res.loadAfter = loadAverage()
	return res, nil
}

// loadAverage returns the 1-, 5- and 15-minute load averages of the
// machine, or "unknown" where /proc/loadavg cannot be read.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

func writeCSV(path string, members func(func(muster.Member) bool)) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := rostercsv.NewMemberWriter(bw)
	for m := range members {
		if err := w.Write(&m); err != nil {
			return 0, err
		}
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}
