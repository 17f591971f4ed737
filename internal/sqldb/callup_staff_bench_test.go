package sqldb_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/demo"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// BenchmarkCallUpStaff measures, on a force of -callup.members members of
// whom every hundredth is unavailable at the report-by time: a call-up of
// every member without and with the "available" filter (its NOT EXISTS
// probe per member), side by side in one run; then, with every tenth
// member answering yes, selecting 1,000 of them, which queues their
// "selected" messages and every other yes member's "standby" one.
func BenchmarkCallUpStaff(b *testing.B) {
	n := *callupMembers
	for _, dialect := range sqldbtest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := sqldbtest.Open(b, dialect)
			demoForce(b, db, n)
			ctx := context.Background()
			from, to := sqldbtest.Now.Format("2006-01-02T15:04:05.000000Z"), sqldbtest.Now.Add(72*time.Hour).Format("2006-01-02T15:04:05.000000Z")
			if err := db.ExecForBench(ctx, `INSERT INTO member_unavailability (member_id, starts_at, ends_at, reason, created_by, created_at)
				SELECT id, $1, $2, 'abroad', 'bench', $1 FROM members WHERE id % 100 = 0`, from, to); err != nil {
				b.Fatal(err)
			}
			away := n / 100
			var last *muster.CallUp
			b.Run(fmt.Sprintf("members=%d/create", n), func(b *testing.B) {
				var all, available time.Duration
				for b.Loop() {
					for _, filter := range []bool{false, true} {
						c := newCallUp(demo.RootCode)
						c.Filter.Status, c.Filter.Available = muster.MemberStatuses, filter
						c.Channels = []muster.Channel{muster.ChannelSMS}
						start := time.Now()
						if err := db.CreateCallUp(sqldbtest.System(), c); err != nil {
							b.Fatal(err)
						}
						took := time.Since(start)
						want := n
						if filter {
							want, available = n-away, available+took
						} else {
							all += took
						}
						if c.Targeted != want {
							b.Fatalf("available=%v: targeted %d, want %d", filter, c.Targeted, want)
						}
						last = c
					}
				}
				runs := float64(b.N)
				b.ReportMetric(all.Seconds()*1000/runs, "all-ms")
				b.ReportMetric(available.Seconds()*1000/runs, "available-ms")
				b.ReportMetric(available.Seconds()/all.Seconds(), "ratio")
			})
			if err := db.ExecForBench(ctx, `UPDATE callup_members SET answer = 'yes' WHERE callup_id = $1 AND member_id % 10 = 0`, last.ID); err != nil {
				b.Fatal(err)
			}
			picks, err := db.QueryStrings(ctx, `SELECT m.service_number FROM callup_members cm JOIN members m ON m.id = cm.member_id
				WHERE cm.callup_id = $1 AND cm.answer = 'yes' ORDER BY m.service_number LIMIT 1000`, last.ID)
			if err != nil || len(picks) != 1000 {
				b.Fatalf("picks: %d, %v", len(picks), err)
			}
			b.Run(fmt.Sprintf("members=%d/select-1000", n), func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					if err := db.ExecForBench(ctx, `UPDATE callup_members SET selected_at = '', standby_at = '' WHERE callup_id = $1`, last.ID); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					sel, err := db.Select(sqldbtest.System(), last.ID, picks)
					if err != nil || sel.Selected != 1000 || sel.Standby == 0 {
						b.Fatalf("select %+v, %v", sel, err)
					}
					b.ReportMetric(float64(sel.Deliveries), "deliveries")
				}
			})
		})
	}
}
