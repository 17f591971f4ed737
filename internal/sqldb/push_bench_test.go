package sqldb_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/demo"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// BenchmarkCallUpPush measures the push fan-out (an EXISTS on the
// member's subscriptions in the INSERT … SELECT) against the SMS fan-out in
// the same run on the same database: -callup.members members, half of them
// with a push subscription.
func BenchmarkCallUpPush(b *testing.B) {
	n := *callupMembers
	for _, dialect := range sqldbtest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := sqldbtest.Open(b, dialect)
			demoForce(b, db, n)
			subscribed, err := db.SubscribeEveryNth(sqldbtest.System(), 2)
			if err != nil {
				b.Fatal(err)
			}
			for _, ch := range []muster.Channel{muster.ChannelSMS, muster.ChannelPush} {
				b.Run(fmt.Sprintf("members=%d/%s", n, ch), func(b *testing.B) {
					var took time.Duration
					for b.Loop() {
						c := newCallUp(demo.RootCode)
						c.Filter.Status = muster.MemberStatuses
						c.Channels = []muster.Channel{ch}
						start := time.Now()
						if err := db.CreateCallUp(sqldbtest.System(), c); err != nil {
							b.Fatal(err)
						}
						took += time.Since(start)
					}
					b.ReportMetric(took.Seconds()*1000/float64(b.N), "create-ms")
					b.ReportMetric(float64(subscribed), "subscribed")
				})
			}
		})
	}
}
