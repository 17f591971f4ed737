// Package pgtest runs throwaway PostgreSQL servers for tests: initdb into a
// temporary directory, pg_ctl start on a free loopback port with durability
// turned off, one fresh database per test.
//
// A test package that calls URL must run its tests through Run:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNotFound reports that initdb, pg_ctl or postgres could not be found.
var ErrNotFound = errors.New("PostgreSQL binaries not found")

// shared holds the one server that URL starts and Run stops per test binary.
// It is the package's only mutable state.
var shared struct {
	managed atomic.Bool  // Run is running the tests
	once    sync.Once    // starts srv; Run also uses it to forbid late starts
	srv     *Server      // nil until URL starts it
	err     error        // from starting srv
	dbs     atomic.Int64 // databases created, for unique names
}

// Run runs the tests of m and then stops the server URL started, if any,
// returning m.Run's exit code. A test package that uses URL must call it
// from TestMain: os.Exit(pgtest.Run(m)).
func Run(m *testing.M) int {
	shared.managed.Store(true)
	code := m.Run()
	shared.once.Do(func() {}) // synchronise with URL, and start nothing afterwards
	if shared.srv != nil {
		shared.srv.Stop()
	}
	return code
}

// URL returns the URL of a fresh, empty database on the test binary's shared
// server, starting the server on first use. Without PostgreSQL binaries it
// skips the test, or fails it when MUSTER_REQUIRE_POSTGRES=1 (as in CI).
func URL(t testing.TB) string {
	t.Helper()
	if !shared.managed.Load() {
		t.Fatal("pgtest.URL needs TestMain to call os.Exit(pgtest.Run(m)), which stops the server")
	}
	shared.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		shared.srv, shared.err = Start(ctx)
	})
	if shared.err != nil {
		skipOrFatal(t, shared.err)
	}
	name := fmt.Sprintf("t%d_%s", shared.dbs.Add(1), strings.ToLower(t.Name()))
	name = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, name)
	url, err := shared.srv.CreateDatabase(t.Context(), name[:min(len(name), 63)])
	if err != nil {
		t.Fatal(err)
	}
	return url
}

// skipOrFatal skips the test if err says PostgreSQL is not installed, unless
// MUSTER_REQUIRE_POSTGRES=1; any other error fails it.
func skipOrFatal(t testing.TB, err error) {
	t.Helper()
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("start PostgreSQL: %v", err)
	}
	if os.Getenv("MUSTER_REQUIRE_POSTGRES") == "1" {
		t.Fatalf("%v, and MUSTER_REQUIRE_POSTGRES=1: install Debian's postgresql package", err)
	}
	t.Skip("PostgreSQL binaries not found: PostgreSQL tests SKIPPED; install Debian's postgresql package")
}

// Server is a running throwaway PostgreSQL server, reached over TCP on
// 127.0.0.1 as the superuser postgres without a password.
type Server struct {
	bin  string              // directory holding initdb, pg_ctl and postgres
	dir  string              // temporary directory: data/, server.log, the unix socket
	port int                 // TCP port on 127.0.0.1
	cred *syscall.Credential // the postgres user's, when we run as root; else nil
}

// Dir returns the server's temporary directory, removed by Stop.
func (s *Server) Dir() string { return s.dir }

// Port returns the server's TCP port on 127.0.0.1.
func (s *Server) Port() int { return s.port }

// FindBin returns the directory holding initdb, pg_ctl and postgres: the
// highest version under /usr/lib/postgresql/*/bin, else the one on PATH.
func FindBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(d string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(d)), 64)
		return v
	}
	slices.SortFunc(dirs, func(a, b string) int { return int(version(b)*100 - version(a)*100) })
	for _, d := range dirs {
		if hasBinaries(d) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil && hasBinaries(filepath.Dir(p)) {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("%w in /usr/lib/postgresql/*/bin or PATH", ErrNotFound)
}

func hasBinaries(dir string) bool {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// Start initialises a cluster in a new temporary directory and starts it on a
// free port of 127.0.0.1, returning once it accepts connections. When run as
// root it runs PostgreSQL as the postgres system user. Call Stop when done.
func Start(ctx context.Context) (*Server, error) {
	bin, err := FindBin()
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin}
	if os.Geteuid() == 0 {
		if s.cred, err = postgresCredential(); err != nil {
			return nil, err
		}
	}
	if s.dir, err = os.MkdirTemp("", "pgtest-"); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	if err := s.start(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) start(ctx context.Context) error {
	if s.cred != nil {
		if err := os.Chown(s.dir, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
			return fmt.Errorf("pgtest: chown temp dir to postgres: %w", err)
		}
	}
	data := filepath.Join(s.dir, "data")
	if err := s.run(ctx, "initdb", "-D", data, "-A", "trust", "-E", "UTF8",
		"--locale=C", "-U", "postgres", "--no-sync"); err != nil {
		return err
	}
	conf := fmt.Sprintf("\n# pgtest\nlisten_addresses = '127.0.0.1'\n"+
		"unix_socket_directories = '%s'\nmax_connections = 200\nfsync = off\n"+
		"synchronous_commit = off\nfull_page_writes = off\n",
		strings.ReplaceAll(s.dir, "'", "''"))
	f, err := os.OpenFile(filepath.Join(data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	_, err = f.WriteString(conf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("pgtest: write postgresql.conf: %w", err)
	}
	// The free port may be taken between freePort and the server's bind: retry.
	logFile := filepath.Join(s.dir, "server.log")
	for attempt := 1; ; attempt++ {
		if s.port, err = freePort(); err != nil {
			return err
		}
		err = s.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", data, "-l", logFile,
			"-o", "-p "+strconv.Itoa(s.port))
		if err == nil {
			break
		}
		if attempt == 3 || ctx.Err() != nil {
			log, _ := os.ReadFile(logFile)
			return fmt.Errorf("%w\nserver.log:\n%s", err, log)
		}
	}
	for {
		conn, err := pgx.Connect(ctx, s.url("postgres"))
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("pgtest: wait for server: %w", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// CreateDatabase creates the database name and returns its URL.
func (s *Server) CreateDatabase(ctx context.Context, name string) (string, error) {
	conn, err := pgx.Connect(ctx, s.url("postgres"))
	if err != nil {
		return "", fmt.Errorf("pgtest: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("pgtest: create database %s: %w", name, err)
	}
	return s.url(name), nil
}

func (s *Server) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// Stop stops the server at once (pg_ctl stop -m immediate; SIGKILL if that
// fails) and removes its temporary directory.
func (s *Server) Stop() {
	data := filepath.Join(s.dir, "data")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := os.Stat(filepath.Join(data, "postmaster.pid")); err == nil {
		if s.run(ctx, "pg_ctl", "stop", "-m", "immediate", "-w", "-D", data) != nil {
			if b, err := os.ReadFile(filepath.Join(data, "postmaster.pid")); err == nil {
				pid, _ := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
				if pid > 0 {
					syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		}
	}
	os.RemoveAll(s.dir)
}

// run runs a PostgreSQL binary, as the postgres user when we are root.
func (s *Server) run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "PGTZ=UTC")
	cmd.WaitDelay = 5 * time.Second
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pgtest: %s %s: %w\n%s", name, args[0], err, out)
	}
	return nil
}

// postgresCredential returns the postgres system user's uid and gid:
// PostgreSQL refuses to run as root.
func postgresCredential() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgtest: running as root, and PostgreSQL refuses to run as root, "+
			"but there is no postgres system user to run it as (Debian's postgresql package creates one): %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("pgtest: postgres user ids: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
