package rostercsv

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// tickingReader returns one line per Read and moves the clock by step.
type tickingReader struct {
	lines int
	clock *time.Time
	step  time.Duration
}

func (r *tickingReader) Read(p []byte) (int, error) {
	if r.lines == 0 {
		return 0, io.EOF
	}
	r.lines--
	*r.clock = r.clock.Add(r.step)
	return copy(p, "0123456789abcdefghi\n"), nil
}

func TestProgressTerminal(t *testing.T) {
	clock := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	var out bytes.Buffer
	p := NewProgress(&tickingReader{lines: 50, clock: &clock, step: 10 * time.Millisecond}, 1000, &out, true)
	p.now = func() time.Time { return clock }
	n, err := io.Copy(io.Discard, p)
	if err != nil || n != 1000 || p.N() != 1000 {
		t.Fatalf("copied %d, N %d, err %v", n, p.N(), err)
	}
	draws := strings.Count(out.String(), "\r")
	if draws < 4 || draws > 6 { // 50 reads over 0.5 s, one redraw per 0.1 s
		t.Errorf("%d redraws in 0.5 s: %q", draws, out.String())
	}
	if !strings.Contains(out.String(), "\r[########------------]  42%  0.0 of 0.0 MB  100 lines/s\x1b[K") {
		t.Errorf("no 42%% bar in %q", out.String())
	}
	out.Reset()
	p.Done()
	p.Done()
	if out.String() != "\r\x1b[K" {
		t.Errorf("Done wrote %q", out.String())
	}
}

func TestProgressUnknownSize(t *testing.T) {
	clock := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	var out bytes.Buffer
	p := NewProgress(&tickingReader{lines: 20, clock: &clock, step: 100 * time.Millisecond}, 0, &out, true)
	p.now = func() time.Time { return clock }
	io.Copy(io.Discard, p)
	if s := out.String(); !strings.Contains(s, "\r0.0 MB  10 lines/s\x1b[K") || strings.Contains(s, "%") {
		t.Errorf("output %q", s)
	}
}

func TestProgressNotTerminal(t *testing.T) {
	var out bytes.Buffer
	p := NewProgress(strings.NewReader("a\nb\n"), 4, &out, false)
	b, err := io.ReadAll(p)
	p.Done()
	if string(b) != "a\nb\n" || err != nil || out.Len() != 0 {
		t.Errorf("read %q, err %v, wrote %q", b, err, out.String())
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "x")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Error("a regular file is a terminal")
	}
	f.Close()
	if IsTerminal(f) {
		t.Error("a closed file is a terminal")
	}
}
