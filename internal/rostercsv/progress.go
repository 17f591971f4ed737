package rostercsv

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// redrawEvery is the least time between two redraws of the progress bar.
const redrawEvery = 100 * time.Millisecond

// Progress is an io.Reader that counts the bytes and lines read through it
// and, on a terminal, redraws a one-line progress bar at most ten times a
// second. It is not safe for concurrent use.
type Progress struct {
	r    io.Reader
	size int64 // total bytes; 0 or less when unknown
	out  io.Writer
	term bool
	now  func() time.Time

	start time.Time // of the first Read
	last  time.Time // of the last redraw
	n     int64     // bytes read
	lines int64     // line breaks read
	drawn bool      // a bar is on the screen
}

// NewProgress returns a reader of r that reports its progress through size
// bytes on out when isTerminal, and writes nothing otherwise. Call Done at
// the end to clear the bar.
func NewProgress(r io.Reader, size int64, out io.Writer, isTerminal bool) *Progress {
	return &Progress{r: r, size: size, out: out, term: isTerminal, now: time.Now}
}

// Read reads from the underlying reader, counting what it reads.
func (p *Progress) Read(b []byte) (int, error) {
	if p.term && p.start.IsZero() {
		p.start = p.now()
	}
	n, err := p.r.Read(b)
	p.n += int64(n)
	p.lines += int64(bytes.Count(b[:n], []byte{'\n'}))
	if p.term {
		now := p.now()
		if now.Sub(p.last) >= redrawEvery {
			p.last = now
			p.drawn = true
			io.WriteString(p.out, "\r"+p.line(now.Sub(p.start))+"\x1b[K")
		}
	}
	return n, err
}

// N returns the number of bytes read so far.
func (p *Progress) N() int64 { return p.n }

// Done clears the progress bar, if one was drawn.
func (p *Progress) Done() {
	if p.drawn {
		io.WriteString(p.out, "\r\x1b[K")
		p.drawn = false
	}
}

// line renders the progress after elapsed time, such as
// "[########------------]  42%  12.3 of 29.3 MB  81000 lines/s".
func (p *Progress) line(elapsed time.Duration) string {
	const width = 20
	var s string
	mb := float64(p.n) / 1e6
	if p.size > 0 {
		frac := min(float64(p.n)/float64(p.size), 1)
		done := int(frac * width)
		s = fmt.Sprintf("[%s%s] %3.0f%%  %.1f of %.1f MB", strings.Repeat("#", done),
			strings.Repeat("-", width-done), frac*100, mb, float64(p.size)/1e6)
	} else {
		s = fmt.Sprintf("%.1f MB", mb)
	}
	if sec := elapsed.Seconds(); sec > 0 {
		s += fmt.Sprintf("  %.0f lines/s", float64(p.lines)/sec)
	}
	return s
}

// IsTerminal reports whether f is a character device, such as a terminal.
// (A character device that is not a terminal, such as /dev/null, counts.)
func IsTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
