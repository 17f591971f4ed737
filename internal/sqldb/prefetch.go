package sqldb

import (
	"context"
	"io"

	"github.com/muster-force/muster"
)

// recordBatch is a run of records read ahead, or the error that ended them.
type recordBatch struct {
	recs []*muster.MemberRecord
	keys []string // the search key of each record's member, by index
	// firsts is, by index, the line where the file first gave the record's
	// service number, when that is an earlier line (else 0); nil unless
	// the prefetcher was asked to track service numbers.
	firsts []int
	err    error
}

// prefetcher reads a member source in its own goroutine, a few batches
// ahead, so that parsing and checking the file, and computing the members'
// search keys, overlaps with writing the database.
type prefetcher struct {
	c    chan recordBatch
	done chan struct{}
}

// prefetch starts reading src in batches of n records. With trackNumbers
// it also finds the service numbers that repeat an earlier line's (see
// recordBatch.firsts), keeping every valid number of the file in memory. The
// caller ranges over c and must call stop.
func prefetch(ctx context.Context, src muster.MemberSource, n int, trackNumbers bool) *prefetcher {
	p := &prefetcher{c: make(chan recordBatch, 4), done: make(chan struct{})}
	var seen *numberLines
	if trackNumbers {
		seen = newNumberLines()
	}
	go func() {
		defer close(p.c)
		for {
			b := recordBatch{recs: make([]*muster.MemberRecord, 0, n), keys: make([]string, 0, n)}
			if trackNumbers {
				b.firsts = make([]int, 0, n)
			}
			for len(b.recs) < n {
				rec, err := src.Next()
				if err == io.EOF {
					break
				} else if err != nil {
					b.err = err
					break
				}
				b.recs = append(b.recs, rec)
				b.keys = append(b.keys, muster.SearchKey(rec.Member.FamilyName, rec.Member.GivenName))
				if trackNumbers {
					b.firsts = append(b.firsts, repeated(seen, rec))
				}
			}
			if len(b.recs) == 0 && b.err == nil {
				return
			}
			select {
			case p.c <- b:
			case <-p.done:
				return
			case <-ctx.Done():
				return
			}
			if b.err != nil || len(b.recs) < n {
				return
			}
		}
	}()
	return p
}

// stop ends the reading goroutine and waits until it has let go of the
// source.
func (p *prefetcher) stop() {
	close(p.done)
	for range p.c {
	}
}

// repeated returns the line where rec's service number first appeared,
// or 0 when this is its first line. A number that is not valid is never
// tracked; its row is rejected anyway.
func repeated(seen *numberLines, rec *muster.MemberRecord) int {
	if !muster.ValidServiceNumber(rec.Member.ServiceNumber) {
		return 0
	}
	return seen.first(rec.Member.ServiceNumber, rec.Line)
}
