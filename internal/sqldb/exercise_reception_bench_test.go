package sqldb_test

import (
	"context"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/demo"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// BenchmarkReception measures the reception of an exercise of
// -exercise.participants (5,000) over -exercise.days (24) with every
// day's attendance marked, half the participants arrived and holding kit:
// the overview, the meal counts, a bulk lodging assignment of everyone
// (alternating between two sites) and one scan at the arrival desk
// (arrival and departure alternating, one commit each).
func BenchmarkReception(b *testing.B) {
	n, days := *exerciseParticipants, *exerciseDays
	for _, dialect := range sqldbtest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := sqldbtest.Open(b, dialect)
			demoForce(b, db, n)
			ctx := sqldbtest.System()
			var numbers []string
			err := db.EachString(context.Background(), `SELECT service_number FROM members ORDER BY service_number`, func(s string) {
				numbers = append(numbers, s)
			})
			if err != nil || len(numbers) != n {
				b.Fatalf("%d members, %v", len(numbers), err)
			}
			start := sqldbtest.Now.AddDate(0, 2, 0)
			e := &muster.Exercise{Title: "Bench", Unit: demo.RootCode, Start: muster.DateOf(start), End: muster.DateOf(start.AddDate(0, 0, days-1))}
			if err := db.CreateExercise(ctx, e); err != nil {
				b.Fatal(err)
			}
			if err := db.AddParticipants(ctx, e.ID, muster.ParticipantsInput{ServiceNumbers: numbers}); err != nil {
				b.Fatal(err)
			}
			if _, err := db.ImportAttendance(ctx, e.ID, markSheet(b, attendanceSheet(numbers, e.Start, days))); err != nil {
				b.Fatal(err)
			}
			var sites [2]*muster.LodgingSite
			for i, name := range []string{"Barracks 1", "Barracks 2"} {
				sites[i] = &muster.LodgingSite{Name: name, Capacity: n}
				if err := db.CreateLodgingSite(ctx, e.ID, sites[i]); err != nil {
					b.Fatal(err)
				}
			}
			for _, name := range []string{"sleeping bag", "blanket", "helmet"} {
				if err := db.CreateKitItem(ctx, e.ID, &muster.KitItem{Name: name, PerParticipant: 1}); err != nil {
					b.Fatal(err)
				}
			}
			// Half arrived and handed a sleeping bag: set up in SQL, as
			// 2,500 scans would take the benchmark's time.
			setup := []string{
				`UPDATE exercise_participants SET arrived_at = '2027-01-23T08:00:00.000000Z', arrived_by = 'bench' WHERE exercise_id = $1 AND member_id % 2 = 0`,
				`INSERT INTO exercise_kit_issues (exercise_id, member_id, item_id, quantity, issued_by, issued_at)
					SELECT p.exercise_id, p.member_id, k.id, 1, 'bench', '2027-01-23T08:00:00.000000Z' FROM exercise_participants p
					JOIN exercise_kit_items k ON k.exercise_id = p.exercise_id AND k.name = 'sleeping bag'
					WHERE p.exercise_id = $1 AND p.member_id % 2 = 0`,
			}
			for _, q := range setup {
				if err := db.ExecForBench(context.Background(), q, e.ID); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("overview", func(b *testing.B) {
				for b.Loop() {
					r, err := db.Reception(ctx, e.ID)
					if err != nil || r.Total.Participants != n || r.Total.Arrived != n/2 {
						b.Fatalf("reception %+v, %v", r.Total, err)
					}
				}
			})
			b.Run("meals", func(b *testing.B) {
				for b.Loop() {
					m, err := db.Meals(ctx, e.ID)
					if err != nil || len(m) != days {
						b.Fatalf("meals %d days, %v", len(m), err)
					}
				}
			})
			b.Run("assign-everyone", func(b *testing.B) {
				i := 0
				for b.Loop() {
					moved, err := db.AssignLodging(ctx, e.ID, muster.LodgingInput{Site: sites[i%2].ID, Unit: demo.RootCode})
					if err != nil || moved != n {
						b.Fatalf("moved %d, %v", moved, err)
					}
					i++
				}
			})
			b.Run("desk-scan", func(b *testing.B) {
				i := 0
				for b.Loop() {
					in := muster.ArrivalInput{ServiceNumber: numbers[1]}
					var err error
					if i%2 == 0 {
						_, err = db.Arrive(ctx, e.ID, in)
					} else {
						_, err = db.Depart(ctx, e.ID, in)
					}
					if err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		})
	}
}
