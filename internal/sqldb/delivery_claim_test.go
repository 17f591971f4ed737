package sqldb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// purposes returns the purposes of the deliveries, in order.
func purposes(list []muster.Delivery) []string {
	var out []string
	for _, d := range list {
		out = append(out, string(d.Purpose))
	}
	return out
}

// TestClaimCallUpFirst queues expiry reminders an hour before a call-up:
// the call-up's notices are claimed first all the same, and while the
// call-up takes answers the reminders come one at a time, none while one
// is being sent; once it has ended they come as fast as claimed.
func TestClaimCallUpFirst(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		seedExpiring(t, db)
		addExpiring(t, db, 24)
		now := sqldbtest.Now
		run, err := db.RunExpiryReminders(sqldbtest.System(), now.Add(-time.Hour), muster.ExpiryOptions{})
		if err != nil {
			t.Fatal(err)
		}
		bySMS := len(column(t, db, `SELECT address FROM deliveries WHERE purpose = 'expiry' AND channel = 'sms'`))
		if bySMS < 3 {
			t.Fatalf("%d expiry reminders by SMS, want 3 or more (run %+v)", bySMS, *run)
		}
		c := deliveryCallUp(t, db, false)
		notices := len(column(t, db, `SELECT address FROM deliveries WHERE callup_id = $1 AND channel = 'sms' AND status = 'pending'`, c.ID))
		if notices < 3 {
			t.Fatalf("%d SMS notices, want 3 or more", notices)
		}

		// A claim with room for the notices takes them, not the older reminders.
		var want []string
		for range notices {
			want = append(want, "notice")
		}
		got := claim(t, db, muster.ChannelSMS, now, notices)
		sameList(t, "claim of the notices", purposes(got), want)
		// The call-up takes answers: one reminder, then none while it is sent.
		got = claim(t, db, muster.ChannelSMS, now, 100)
		sameList(t, "claim during the call-up", purposes(got), []string{"expiry"})
		sameList(t, "claim with a reminder being sent", purposes(claim(t, db, muster.ChannelSMS, now, 100)), nil)
		if err := db.MarkSent(sqldbtest.System(), got[0].ID, "p1"); err != nil {
			t.Fatal(err)
		}
		sameList(t, "claim once it is sent", purposes(claim(t, db, muster.ChannelSMS, now, 100)), []string{"expiry"})

		// An hour after the report-by time, the call-up has ended: the
		// notices' lapsed claims first, then every reminder left.
		after := c.ReportBy.Add(time.Hour + time.Minute)
		got = claim(t, db, muster.ChannelSMS, after, 100)
		want = want[:0]
		for range notices {
			want = append(want, "notice")
		}
		for range bySMS - 1 {
			want = append(want, "expiry") // the one sent is done; the one claimed lapsed and is due again
		}
		sameList(t, "claim after the call-up", purposes(got), want)
	})
}

// TestClaimUsesIndex checks that each step of the claim reads the claim
// index rather than the whole deliveries table.
func TestClaimUsesIndex(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		plan, err := db.ClaimPlan(sqldbtest.System())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(plan, "deliveries_claim") {
			t.Errorf("claim plan does not use deliveries_claim:\n%s", plan)
		}
	})
}
