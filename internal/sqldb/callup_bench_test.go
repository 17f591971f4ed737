package sqldb_test

import (
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/demo"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

var callupMembers = flag.Int("callup.members", 100_000, "members in the roster of BenchmarkCallUp")

// demoForce fills db with the demo force's units, catalogue and n members
// through the bulk import.
func demoForce(b *testing.B, db *sqldb.DB, n int) {
	ctx := sqldbtest.System()
	s := demo.Force(1)
	for i := range s.Qualifications {
		if err := db.SaveQualification(ctx, &s.Qualifications[i]); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.ImportUnits(ctx, s.UnitSource(), muster.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ImportMembers(ctx, demo.MemberSource(demo.Members(1, n, s)), muster.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCallUp creates a call-up of every member of the force (all
// statuses, so that it targets exactly -callup.members) and, in the same
// run on the same database, the baseline the issue names: a plain batched
// insert of the same (callup_id, member_id, unit_id) rows. CreateCallUp
// also writes the deliveries of its channels and the audit entry.
func BenchmarkCallUp(b *testing.B) {
	n := *callupMembers
	for _, dialect := range sqldbtest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := sqldbtest.Open(b, dialect)
			demoForce(b, db, n)
			var last int64 // the last call-up CreateCallUp made
			for _, channels := range [][]muster.Channel{
				{muster.ChannelSMS},
				{muster.ChannelSMS, muster.ChannelEmail, muster.ChannelPaper},
			} {
				b.Run(fmt.Sprintf("members=%d/channels=%d", n, len(channels)), func(b *testing.B) {
					var create, baseline time.Duration
					for b.Loop() {
						c := newCallUp(demo.RootCode)
						c.Filter.Status = muster.MemberStatuses
						c.Channels = channels
						start := time.Now()
						if err := db.CreateCallUp(sqldbtest.System(), c); err != nil {
							b.Fatal(err)
						}
						create += time.Since(start)
						last = c.ID
						if c.Targeted != n {
							b.Fatalf("targeted %d, want %d", c.Targeted, n)
						}
						rows, took, err := db.BaselineCallUpInsert(sqldbtest.System(), c.ID)
						if err != nil || rows != n {
							b.Fatalf("baseline: %d rows, %v", rows, err)
						}
						baseline += took
					}
					runs := float64(b.N)
					b.ReportMetric(create.Seconds()*1000/runs, "create-ms")
					b.ReportMetric(baseline.Seconds()*1000/runs, "baseline-ms")
					b.ReportMetric(create.Seconds()/baseline.Seconds(), "ratio")
					b.ReportMetric(float64(n)/(create.Seconds()/runs), "members/s")
				})
			}
			// Readiness of the whole force, two levels deep, from the last
			// call-up CreateCallUp made (not the baseline's copy, which has
			// no counts): its callup_counts, rolled up in Go.
			b.Run(fmt.Sprintf("members=%d/readiness", n), func(b *testing.B) {
				if last == 0 {
					b.Skip("no call-up was created: run the channels benchmarks too")
				}
				for b.Loop() {
					r, err := db.Readiness(sqldbtest.System(), last, "", 2)
					if err != nil || r.Targeted != n {
						b.Fatalf("readiness %+v, %v", r, err)
					}
				}
			})
		})
	}
}
