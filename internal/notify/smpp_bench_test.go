package notify_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/notify"
	"github.com/muster-force/muster/internal/notify/smpptest"
)

// takeAll takes every receipt and no reply: the benchmark measures SMPP,
// not the database.
type takeAll struct{}

func (takeAll) MarkDelivered(context.Context, muster.Channel, string) error           { return nil }
func (takeAll) MarkUndelivered(context.Context, muster.Channel, string, string) error { return nil }
func (takeAll) AdoptReceipt(context.Context, muster.Channel, string, string, bool) error {
	return nil
}
func (takeAll) AnswerBySMS(context.Context, string, string) (*muster.MemberCallUp, error) {
	return nil, muster.Errorf(muster.ENOTFOUND, "no call-up")
}

// BenchmarkSMPPSend sends single-part notices from 16 goroutines through
// the simulator over loopback, with a window of 1 (each submit_sm waits
// for the last's response) and of 10.
func BenchmarkSMPPSend(b *testing.B) {
	for _, window := range []int{1, 10} {
		b.Run("window="+strconv.Itoa(window), func(b *testing.B) {
			c := smpptest.Start(b)
			s := &notify.SMPP{Addr: c.Addr, SystemID: "muster", Password: "secret", Window: window, Timeout: 10 * time.Second,
				Receipts: takeAll{}, Replies: takeAll{}, Logger: quiet}
			if err := s.Start(context.Background()); err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			var id atomic.Int64
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := s.Send(context.Background(), notice(id.Add(1), "+375291112233", "Flood", "Report to the depot now.")); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sms/s")
		})
	}
}
