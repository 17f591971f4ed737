package sqldb_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/demo"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// BenchmarkAwardQualification awards a qualification for a finished
// three-day exercise of -exercise.participants members (about one in six
// missed a day and is skipped), into a fresh exercise each time; then
// repeats the award (nothing changes).
func BenchmarkAwardQualification(b *testing.B) {
	const days = 3
	n := *exerciseParticipants
	for _, dialect := range sqldbtest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := sqldbtest.Open(b, dialect)
			demoForce(b, db, n)
			ctx := sqldbtest.System()
			if err := db.SaveQualification(ctx, &muster.Qualification{Code: "BENCH", Name: "Benchmark course", ValidityMonths: 12}); err != nil {
				b.Fatal(err)
			}
			var numbers []string
			err := db.EachString(context.Background(), `SELECT service_number FROM members ORDER BY service_number`, func(s string) {
				numbers = append(numbers, s)
			})
			if err != nil || len(numbers) != n {
				b.Fatalf("%d members, %v", len(numbers), err)
			}
			b.Run(fmt.Sprintf("participants=%d", n), func(b *testing.B) {
				var first, again time.Duration
				i := 0
				for b.Loop() {
					start := sqldbtest.Now.AddDate(-1, 0, i*(days+1)) // each later than the last, all over
					i++
					e := &muster.Exercise{Title: "Bench " + strconv.Itoa(i), Unit: demo.RootCode,
						Start: muster.DateOf(start), End: muster.DateOf(start.AddDate(0, 0, days-1))}
					if err := db.CreateExercise(ctx, e); err != nil {
						b.Fatal(err)
					}
					if err := db.AddParticipants(ctx, e.ID, muster.ParticipantsInput{ServiceNumbers: numbers}); err != nil {
						b.Fatal(err)
					}
					if _, err := db.ImportAttendance(ctx, e.ID, markSheet(b, attendanceSheet(numbers, e.Start, days))); err != nil {
						b.Fatal(err)
					}
					in := muster.AwardInput{Qualification: "BENCH"}
					t0 := time.Now()
					res, err := db.AwardQualification(ctx, e.ID, in)
					first += time.Since(t0)
					if err != nil || res.Awarded+res.Renewed == 0 || res.Awarded+res.Renewed+len(res.Skipped) != n {
						b.Fatalf("award = %d+%d, %d skipped, %v", res.Awarded, res.Renewed, len(res.Skipped), err)
					}
					t0 = time.Now()
					res, err = db.AwardQualification(ctx, e.ID, in)
					again += time.Since(t0)
					if err != nil || res.Awarded+res.Renewed != 0 {
						b.Fatalf("again = %+v, %v", res, err)
					}
				}
				runs := float64(b.N)
				b.ReportMetric(first.Seconds()*1000/runs, "award-ms")
				b.ReportMetric(again.Seconds()*1000/runs, "repeat-ms")
			})
		})
	}
}
