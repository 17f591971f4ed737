package sqldb_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/demo"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// BenchmarkCallUpRequirements measures, side by side in one run on one
// database, what required qualifications cost: creating a call-up of the
// whole force by SMS without and with three requirements (which record a
// bit per requirement on each targeted member), and its readiness without
// and with the per-qualification counts.
func BenchmarkCallUpRequirements(b *testing.B) {
	n := *callupMembers
	for _, dialect := range sqldbtest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := sqldbtest.Open(b, dialect)
			demoForce(b, db, n)
			var reqs []muster.Requirement
			for _, q := range demo.Force(1).Qualifications[:3] {
				reqs = append(reqs, muster.Requirement{Qualification: q.Code, Needed: 100})
			}
			newOne := func(requirements []muster.Requirement) *muster.CallUp {
				c := newCallUp(demo.RootCode)
				c.Filter.Status = muster.MemberStatuses
				c.Channels = []muster.Channel{muster.ChannelSMS}
				c.Requirements = requirements
				return c
			}
			var plain, required *muster.CallUp
			b.Run(fmt.Sprintf("members=%d/create", n), func(b *testing.B) {
				var tPlain, tRequired time.Duration
				for b.Loop() {
					plain, required = newOne(nil), newOne(reqs)
					start := time.Now()
					if err := db.CreateCallUp(sqldbtest.System(), plain); err != nil {
						b.Fatal(err)
					}
					tPlain += time.Since(start)
					start = time.Now()
					if err := db.CreateCallUp(sqldbtest.System(), required); err != nil {
						b.Fatal(err)
					}
					tRequired += time.Since(start)
				}
				runs := float64(b.N)
				b.ReportMetric(tPlain.Seconds()*1000/runs, "plain-ms")
				b.ReportMetric(tRequired.Seconds()*1000/runs, "required-ms")
				b.ReportMetric(tRequired.Seconds()/tPlain.Seconds(), "ratio")
			})
			b.Run(fmt.Sprintf("members=%d/readiness", n), func(b *testing.B) {
				var tPlain, tRequired time.Duration
				held := 0
				for b.Loop() {
					start := time.Now()
					if _, err := db.Readiness(sqldbtest.System(), plain.ID, "", 2); err != nil {
						b.Fatal(err)
					}
					tPlain += time.Since(start)
					start = time.Now()
					r, err := db.Readiness(sqldbtest.System(), required.ID, "", 2)
					if err != nil || len(r.Qualifications) != 3 {
						b.Fatalf("readiness %+v, %v", r, err)
					}
					tRequired += time.Since(start)
					held = 0
					for _, q := range r.Qualifications {
						held += q.Targeted
					}
				}
				runs := float64(b.N)
				b.ReportMetric(tPlain.Seconds()*1000/runs, "plain-ms")
				b.ReportMetric(tRequired.Seconds()*1000/runs, "required-ms")
				b.ReportMetric(float64(held), "holder-rows")
			})
		})
	}
}
