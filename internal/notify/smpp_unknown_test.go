package notify_test

import (
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/notify/smpptest"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// plainSMSCallUp calls up G1 alone by SMS, in one GSM part.
func plainSMSCallUp(t *testing.T, db *sqldb.DB) *muster.CallUp {
	t.Helper()
	sqldbtest.Seed(t, db)
	c := &muster.CallUp{Title: "Flood", Kind: muster.CallUpEmergency, Unit: "GOM-MOZ-1", Message: "Sandbags at the river.",
		ReportBy: sqldbtest.Now.Add(6 * time.Hour), Channels: []muster.Channel{muster.ChannelSMS}}
	if err := db.CreateCallUp(sqldbtest.System(), c); err != nil || c.Targeted != 1 {
		t.Fatalf("call-up: %d targeted, %v", c.Targeted, err)
	}
	return c
}

// TestSMPPLostResponseWaitsForReceipt: the SMS centre takes a submit_sm
// and the link drops before its submit_sm_resp. The delivery is unknown,
// not sent again; the centre's receipt, naming an id muster never learnt,
// is matched to it by the number, so it is delivered and never resent,
// however far the clock moves.
func TestSMPPLostResponseWaitsForReceipt(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		c := smpptest.Start(t)
		call := plainSMSCallUp(t, db)
		c.Command(t, map[string]any{"cmd": "lose_resp", "n": 1, "receipt": true})
		clk := &clock{t: sqldbtest.Now}
		start(t, dispatcher(db, clk, newSMPP(t, c, db)))
		smpptest.WaitFor(t, "the receipt to adopt the unknown delivery", func() bool {
			return statuses(t, db, call.ID)[muster.ChannelSMS][muster.DeliveryDelivered] == 1
		})
		clk.Advance(time.Hour) // far past the receipt window
		if s := waitIdle(t, db, call.ID, nil); s[muster.ChannelSMS][muster.DeliveryDelivered] != 1 {
			t.Fatalf("statuses %v", s)
		}
		c.Sync(t)
		once(t, "SMS to", sentOverSMPP(c), phones(0))
		if r, err := db.Readiness(sqldbtest.System(), call.ID, "", 0); err != nil || r.Delivered != 1 {
			t.Errorf("readiness %+v, %v: want G1 reached", r, err)
		}
	})
}

// TestSMPPLostResponseResentAfterWindow: with no receipt, the unknown
// delivery waits out the receipt window, and only then is sent again.
func TestSMPPLostResponseResentAfterWindow(t *testing.T) {
	t.Parallel()
	db := sqldbtest.Open(t, "sqlite")
	c := smpptest.Start(t)
	call := plainSMSCallUp(t, db)
	c.Command(t, map[string]any{"cmd": "lose_resp", "n": 1, "receipt": false})
	clk := &clock{t: sqldbtest.Now}
	start(t, dispatcher(db, clk, newSMPP(t, c, db)))
	smpptest.WaitFor(t, "the delivery to be unknown", func() bool {
		return statuses(t, db, call.ID)[muster.ChannelSMS][muster.DeliveryUnknown] == 1
	})
	clk.Advance(4 * time.Second) // within the 5 s window: still waiting
	c.Sync(t)
	if n := len(c.Messages()); n != 1 || statuses(t, db, call.ID)[muster.ChannelSMS][muster.DeliveryUnknown] != 1 {
		t.Fatalf("%d messages and statuses %v within the window, want 1 and unknown", n, statuses(t, db, call.ID))
	}
	clk.Advance(time.Second)
	smpptest.WaitFor(t, "the resend's receipt", func() bool {
		return statuses(t, db, call.ID)[muster.ChannelSMS][muster.DeliveryDelivered] == 1
	})
	c.Sync(t)
	if got := sentOverSMPP(c); len(got) != 2 || got[0] != phones(0)[0] || got[1] != got[0] {
		t.Errorf("sent %v, want G1 twice: the centre took the first and gave no receipt", got)
	}
}
