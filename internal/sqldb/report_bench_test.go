package sqldb_test

import (
	"context"
	"flag"
	"fmt"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/demo"
	"github.com/muster-force/muster/internal/sqldbtest"
)

var reportMembers = flag.Int("report.members", 150_000, "members of the demo force of BenchmarkParticipation")

// BenchmarkParticipation computes the participation report of the whole
// demo force (-report.members) for the year of an exercise of the root
// with 3,000 participants (every 50th member) marked on 5 days, at depth
// 1 (the regions) and 3.
func BenchmarkParticipation(b *testing.B) {
	const participants, days = 3000, 5
	for _, dialect := range sqldbtest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := sqldbtest.Open(b, dialect)
			demoForce(b, db, *reportMembers)
			ctx := sqldbtest.System()
			var numbers []string
			i := 0
			err := db.EachString(context.Background(), `SELECT service_number FROM members ORDER BY service_number`, func(s string) {
				if i%(*reportMembers/participants) == 0 && len(numbers) < participants {
					numbers = append(numbers, s)
				}
				i++
			})
			if err != nil || len(numbers) != participants {
				b.Fatalf("%d participants, %v", len(numbers), err)
			}
			start := muster.DateOf(sqldbtest.Now.AddDate(0, 2, 0))
			e := &muster.Exercise{Title: "Bench", Unit: demo.RootCode, Start: start, End: start.AddDays(days - 1)}
			if err := db.CreateExercise(ctx, e); err != nil {
				b.Fatal(err)
			}
			if err := db.AddParticipants(ctx, e.ID, muster.ParticipantsInput{ServiceNumbers: numbers}); err != nil {
				b.Fatal(err)
			}
			if _, err := db.ImportAttendance(ctx, e.ID, markSheet(b, attendanceSheet(numbers, start, days))); err != nil {
				b.Fatal(err)
			}
			if dialect == "postgres" {
				// The steady state autovacuum reaches after the bulk import:
				// the visibility map lets the counts read the index only.
				if _, err := db.ExecForTest(ctx, `VACUUM ANALYZE`); err != nil {
					b.Fatal(err)
				}
			}
			for _, depth := range []int{1, 3} {
				b.Run(fmt.Sprintf("members=%d/depth=%d", *reportMembers, depth), func(b *testing.B) {
					f := muster.ParticipationFilter{Unit: demo.RootCode, Year: start.Time().Year(), Depth: depth}
					for b.Loop() {
						r, err := db.Participation(ctx, f)
						if err != nil {
							b.Fatal(err)
						}
						if r.Units[0].Participants != participants || r.Units[0].Exercises != 1 {
							b.Fatalf("root line %+v", r.Units[0])
						}
					}
				})
			}
		})
	}
}
