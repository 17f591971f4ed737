package rostercsv

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"
)

// rowsReader generates a members CSV of n rows as it is read, cycling
// through a block of distinct rows, so that the benchmark measures the
// reader and not a file held in memory.
type rowsReader struct {
	n, i  int
	block []byte // rows [0, blockRows)
	off   int    // next byte of block
	head  []byte // the header, until read
}

const blockRows = 1000

func newRowsReader(n int) *rowsReader {
	g := &rowsReader{n: n, head: []byte("\uFEFF" + fullHeader)}
	for i := range blockRows {
		g.block = fmt.Appendf(g.block, "A-%07d,\"Іваноў, %d\",Пётр,19%02d-%02d-%02d,MINSK-%d,rifleman,active,+37529%07d,p%d@example.by,\"ООО \"\"Ромашка\"\"\",DRV-B;FA:2026-05-01\n",
			i, i, 50+i%50, 1+i%12, 1+i%28, i%100, i, i)
	}
	return g
}

func (g *rowsReader) Read(p []byte) (int, error) {
	if len(g.head) > 0 {
		n := copy(p, g.head)
		g.head = g.head[n:]
		return n, nil
	}
	n := 0
	for n < len(p) && g.i < g.n {
		end := bytes.IndexByte(g.block[g.off:], '\n') + g.off + 1
		if end-g.off > len(p)-n {
			if n == 0 {
				return 0, io.ErrShortBuffer
			}
			break
		}
		n += copy(p[n:], g.block[g.off:end])
		g.off = end % len(g.block)
		g.i++
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

// BenchmarkMemberReader1M reads one million generated rows per iteration
// and reports rows per second and the heap in use at the end.
func BenchmarkMemberReader1M(b *testing.B) {
	const rows = 1_000_000
	b.ReportAllocs()
	var elapsed time.Duration
	var heap uint64
	for b.Loop() {
		start := time.Now()
		mr, err := NewMemberReader(newRowsReader(rows), "bench.csv")
		if err != nil {
			b.Fatal(err)
		}
		mr.Today = today
		n := 0
		for {
			rec, err := mr.Next()
			if err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			if len(rec.Problems) > 0 {
				b.Fatalf("line %d: %+v", rec.Line, rec.Problems)
			}
			n++
		}
		if n != rows {
			b.Fatalf("read %d rows, want %d", n, rows)
		}
		elapsed += time.Since(start)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = max(heap, ms.HeapInuse)
	}
	b.ReportMetric(float64(rows*b.N)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(heap)/1e6, "MB-heap-inuse")
}
