package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// waitFor waits until the call-up's delivery statuses satisfy ok.
func waitFor(t *testing.T, db *sqldb.DB, id int64, what string, ok func(s map[muster.Channel]map[muster.DeliveryStatus]int) bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := statuses(t, db, id)
		if ok(s) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60 s, still not %s: %v", what, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestDispatcherFallsBack runs the dispatcher over a call-up by SMS, then
// e-mail after 15 minutes, against the SMS gateway and the SMTP server:
// M002's SMS fails for good, so its e-mail goes at once; after 15 minutes
// M003 (no answer) gets an e-mail and M001 (answered) never does.
func TestDispatcherFallsBack(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sink := startSMTP(t)
		g := startGateway(t)
		g.fail[phone(2)] = []int{400}
		callUp(t, db, 3, false, muster.ChannelPaper) // the members, and a call-up nothing dispatches
		c := &muster.CallUp{Title: "Тревога", Kind: muster.CallUpEmergency, Unit: "GOM-MOZ-1", Message: "Прибыть немедленно.",
			ReportBy: sqldbtest.Now.Add(6 * time.Hour), Channels: []muster.Channel{muster.ChannelSMS, muster.ChannelEmail},
			Escalation: muster.Escalation{FallbackAfter: muster.Duration(15 * time.Minute)}}
		if err := db.CreateCallUp(sqldbtest.System(), c); err != nil {
			t.Fatal(err)
		}
		err := db.Notices(sqldbtest.System(), c.ID, "https://m.example", func(n muster.Notice) error {
			if n.ServiceNumber != "M001" || n.Channel != muster.ChannelSMS {
				return nil
			}
			_, token, _ := strings.Cut(n.ResponseURL, "/r/")
			return db.SaveAnswer(context.Background(), token, &muster.Answer{Answer: muster.AnswerYes})
		})
		if err != nil {
			t.Fatal(err)
		}
		clk := &clock{t: sqldbtest.Now}
		start(t, dispatcher(db, clk, channels(g, sink)...))
		waitFor(t, db, c.ID, "SMS done and M002's e-mail sent", func(s map[muster.Channel]map[muster.DeliveryStatus]int) bool {
			return s[muster.ChannelSMS][muster.DeliverySent] == 3 && s[muster.ChannelSMS][muster.DeliveryFailed] == 1 &&
				s[muster.ChannelEmail][muster.DeliverySent] == 1
		})
		once(t, "e-mail at once to", mailedTo(t, sink), []string{"m002@example.org"})
		clk.Advance(15 * time.Minute)
		waitFor(t, db, c.ID, "no e-mail held", func(s map[muster.Channel]map[muster.DeliveryStatus]int) bool {
			e := s[muster.ChannelEmail]
			return e[muster.DeliveryHeld] == 0 && e[muster.DeliveryPending] == 0 && e[muster.DeliverySending] == 0
		})
		once(t, "SMS to", sentTo(g), phones(3))
		once(t, "e-mail to", mailedTo(t, sink), []string{"m002@example.org", "m003@example.org"})
		s := statuses(t, db, c.ID)
		if s[muster.ChannelEmail][muster.DeliverySkipped] != 1 || s[muster.ChannelSMS][muster.DeliveryFailed] != 1 {
			t.Errorf("statuses %v, want M001's e-mail skipped and M002's SMS failed", s)
		}
	})
}
