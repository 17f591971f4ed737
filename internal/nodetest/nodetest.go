// Package nodetest runs the Node.js peers of muster's tests: scripts that
// use the npm packages scripts/test-deps installs into internal/testdeps.
package nodetest

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// Node returns the node binary and the directory of the npm packages (the
// working directory a script needs to import them), once it has checked
// that node and each named package are installed. Otherwise it skips the
// test, saying loudly that what was NOT tested, or fails it when
// MUSTER_REQUIRE_NODE=1 (as CI sets).
func Node(t testing.TB, what string, packages ...string) (node, deps string) {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	deps = filepath.Join(filepath.Dir(self), "../testdeps")
	node, err := exec.LookPath("node")
	missing := ""
	if err != nil {
		missing = "node is not installed"
	} else {
		for _, p := range packages {
			if _, err := os.Stat(filepath.Join(deps, "node_modules", p, "package.json")); err != nil {
				missing = p + " is not installed in internal/testdeps (run scripts/test-deps)"
				break
			}
		}
	}
	if missing != "" {
		if os.Getenv("MUSTER_REQUIRE_NODE") == "1" {
			t.Fatalf("%s, and MUSTER_REQUIRE_NODE=1", missing)
		}
		t.Skipf("SKIPPED: %s was NOT tested: %s", what, missing)
	}
	return node, deps
}

// Peer is a running peer process.
type Peer struct {
	Port  int            // the loopback port it announced
	Stdin io.WriteCloser // for peers that take commands
}

// Start runs `node script args…` as a peer (see Node for what and
// packages), stopped when the test ends, and waits, 20 seconds at most,
// for its first line of output: {"port":N}. Every later line goes to
// onLine, in order, from another goroutine; nil discards them.
func Start(t testing.TB, what string, packages []string, onLine func(line []byte), script string, args ...string) *Peer {
	t.Helper()
	node, deps := Node(t, what, packages...)
	cmd := exec.Command(node, append([]string{script}, args...)...)
	cmd.Dir = deps
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &Peer{}
	if p.Stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	ready := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		ready <- line
		for {
			line, err := r.ReadBytes('\n')
			if err != nil {
				return
			}
			if onLine != nil {
				onLine(line)
			}
		}
	}()
	select {
	case line := <-ready:
		var hello struct{ Port int }
		if err := json.Unmarshal([]byte(line), &hello); err != nil || hello.Port == 0 {
			t.Fatalf("%s said %q", filepath.Base(script), line)
		}
		p.Port = hello.Port
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not start within 20 s", filepath.Base(script))
	}
	return p
}
