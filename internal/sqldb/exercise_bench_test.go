package sqldb_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/demo"
	"github.com/muster-force/muster/internal/rostercsv"
	"github.com/muster-force/muster/internal/sqldbtest"
)

var (
	exerciseParticipants = flag.Int("exercise.participants", 5000, "participants of BenchmarkAttendanceSheet")
	exerciseDays         = flag.Int("exercise.days", 24, "days of BenchmarkAttendanceSheet")
)

// BenchmarkAttendanceSheet records the attendance sheet of a whole
// exercise (participants × days marks, 120,000 by default) through the
// CSV reader and ImportAttendance, into a fresh exercise each time; then
// uploads the same sheet again (every mark unchanged, nothing written).
func BenchmarkAttendanceSheet(b *testing.B) {
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
			b.Run(fmt.Sprintf("marks=%d", n*days), func(b *testing.B) {
				var first, again, cpu time.Duration
				i := 0
				for b.Loop() {
					start := sqldbtest.Now.AddDate(0, 2, 0).AddDate(0, 0, i*(days+1))
					i++
					e := &muster.Exercise{Title: "Bench " + strconv.Itoa(i), Unit: demo.RootCode,
						Start: muster.DateOf(start), End: muster.DateOf(start.AddDate(0, 0, days-1))}
					if err := db.CreateExercise(ctx, e); err != nil {
						b.Fatal(err)
					}
					if err := db.AddParticipants(ctx, e.ID, muster.ParticipantsInput{ServiceNumbers: numbers}); err != nil {
						b.Fatal(err)
					}
					sheet := attendanceSheet(numbers, e.Start, days)
					t0, c0 := time.Now(), cpuTime()
					got, err := db.ImportAttendance(ctx, e.ID, markSheet(b, sheet))
					first, cpu = first+time.Since(t0), cpu+cpuTime()-c0
					if err != nil || got != n*days {
						b.Fatalf("recorded %d, %v", got, err)
					}
					t0 = time.Now()
					got, err = db.ImportAttendance(ctx, e.ID, markSheet(b, sheet))
					again += time.Since(t0)
					if err != nil || got != 0 {
						b.Fatalf("again: recorded %d, %v", got, err)
					}
				}
				runs := float64(b.N)
				b.ReportMetric(first.Seconds()*1000/runs, "sheet-ms")
				b.ReportMetric(cpu.Seconds()*1000/runs, "sheet-cpu-ms")
				b.ReportMetric(float64(n*days)/(first.Seconds()/runs), "marks/s")
				b.ReportMetric(again.Seconds()*1000/runs, "unchanged-sheet-ms")
			})
		})
	}
}

// cpuTime returns the CPU time (user and system) the process has used: on
// a shared, loaded machine it measures the work where wall time measures
// the queue for the CPU. On PostgreSQL it leaves out the server's share.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// attendanceSheet writes the CSV sheet of every member on every day.
func attendanceSheet(numbers []string, start muster.Date, days int) []byte {
	var buf bytes.Buffer
	buf.WriteString("service_number,date,present,hours\n")
	for d := range days {
		day := start.AddDays(d).String()
		for i, sn := range numbers {
			if (i+d)%17 == 0 {
				buf.WriteString(sn + "," + day + ",0,\n")
			} else {
				buf.WriteString(sn + "," + day + ",1,8\n")
			}
		}
	}
	return buf.Bytes()
}

func markSheet(b *testing.B, sheet []byte) muster.MarkSource {
	r, err := rostercsv.NewMarkReader(strings.NewReader(string(sheet)), "sheet.csv")
	if err != nil {
		b.Fatal(err)
	}
	return r
}
