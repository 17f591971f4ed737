package sqldb_test

import (
	"context"
	"flag"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/demo"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

var (
	answerMembers = flag.Int("answers.members", 50_000, "members called up in BenchmarkSaveAnswer")
	answerCallers = flag.Int("answers.callers", 64, "callers of BenchmarkSaveAnswer at once")
)

// BenchmarkSaveAnswer stores answers from -answers.callers (64) callers at
// once, each to the
// next member of a call-up of -answers.members, through the group commit:
// the storage half of POST /r/{token}. Besides the time per answer it
// reports the process's CPU per answer (user and system, of the benchmark
// and the database driver; on PostgreSQL the server's own is not
// counted), which a busy machine disturbs less than the wall clock.
func BenchmarkSaveAnswer(b *testing.B) {
	for _, dialect := range sqldbtest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := sqldbtest.Open(b, dialect)
			demoForce(b, db, *answerMembers)
			c := newCallUp(demo.RootCode)
			c.Filter.Status = muster.MemberStatuses
			c.ReportBy = time.Now().Add(48 * time.Hour)
			if err := db.CreateCallUp(sqldbtest.System(), c); err != nil {
				b.Fatal(err)
			}
			tokens := responseTokens(b, db, c.ID)
			kinds := []muster.Answer{{Answer: muster.AnswerYes}, {Answer: muster.AnswerLate, ETAMinutes: 45},
				{Answer: muster.AnswerNo, Reason: "On a night shift until 08:00."}}
			var next atomic.Int64
			cpu0 := cpuTime()
			start := time.Now()
			b.ResetTimer()
			var wg sync.WaitGroup
			for range *answerCallers {
				wg.Go(func() {
					for {
						i := int(next.Add(1) - 1)
						if i >= b.N {
							return
						}
						a := kinds[i%len(kinds)]
						if err := db.SaveAnswer(context.Background(), tokens[i%len(tokens)], &a); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			elapsed := time.Since(start)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "answers/s")
			b.ReportMetric((cpuTime()-cpu0).Seconds()*1e6/float64(b.N), "cpu-µs/answer")
		})
	}
}

// responseTokens returns the call-up's response tokens, one per member.
func responseTokens(b *testing.B, db *sqldb.DB, id int64) []string {
	var tokens []string
	err := db.Notices(sqldbtest.System(), id, "https://muster.example/", func(n muster.Notice) error {
		tokens = append(tokens, n.ResponseURL[len("https://muster.example/r/"):])
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	slices.Sort(tokens) // apart from notice order: members answer in any order
	return slices.Compact(tokens)
}
