package sqldb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestUnknownDelivery: an unknown delivery is not claimed within its
// receipt window; a receipt to its address adopts it (once), and one that
// none adopts is claimed again when the window ends; with no resend time
// it stays unknown.
func TestUnknownDelivery(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		sqldbtest.Seed(t, db)
		addReachable(t, db, 2)
		c := deliveryCallUp(t, db, false)
		now := sqldbtest.Now
		sms := claim(t, db, muster.ChannelSMS, now, 10) // G1, D001, D002
		if len(sms) != 3 {
			t.Fatalf("claimed %d", len(sms))
		}
		lost := errors.New("smpp: no response: connection lost")
		window := now.Add(5 * time.Minute)
		for _, d := range sms[:2] {
			if err := db.MarkUnknown(ctx, d.ID, lost, window); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.MarkUnknown(ctx, sms[2].ID, lost, time.Time{}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.MarkUnknown(ctx, sms[2].ID, lost, window), muster.ECONFLICT) // no longer claimed

		// A receipt while another delivery to the number is being sent
		// may be that one's: not adopted.
		if again := claim(t, db, muster.ChannelSMS, window.Add(-time.Second), 10); len(again) != 0 {
			t.Fatalf("claimed %d unknown deliveries within the window", len(again))
		}
		wantCode(t, db.AdoptReceipt(ctx, muster.ChannelSMS, "x-1", "+375299999999", true), muster.ENOTFOUND)
		if err := db.AdoptReceipt(ctx, muster.ChannelSMS, "x-1", sms[0].Address, true); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.AdoptReceipt(ctx, muster.ChannelSMS, "x-2", sms[0].Address, true), muster.ENOTFOUND) // adopted once
		if got := query(t, db, `SELECT status || ' ' || provider_id FROM deliveries WHERE id = $1`, sms[0].ID); got != "delivered x-1" {
			t.Errorf("adopted delivery: %q", got)
		}
		if rd, err := db.Readiness(sqldbtest.System(), c.ID, "", 0); err != nil || rd.Delivered != 1 {
			t.Errorf("readiness %+v, %v: want the adopted member reached", rd, err)
		}
		// A later receipt for the adopted id is a plain receipt now.
		if err := db.MarkDelivered(ctx, muster.ChannelSMS, "x-1"); err != nil {
			t.Errorf("receipt again: %v", err)
		}

		again := claim(t, db, muster.ChannelSMS, window, 10)
		if len(again) != 1 || again[0].ID != sms[1].ID || again[0].Attempts != 2 {
			t.Fatalf("claimed after the window %+v, want %d's second attempt alone", again, sms[1].ID)
		}
		if err := db.MarkSent(ctx, again[0].ID, "x-3"); err != nil {
			t.Fatal(err)
		}
		if got := query(t, db, `SELECT status FROM deliveries WHERE id = $1`, sms[2].ID); got != "unknown" {
			t.Errorf("the delivery with no resend: %q, want unknown for good", got)
		}
		if again := claim(t, db, muster.ChannelSMS, window.Add(24*time.Hour), 10); len(again) != 0 {
			t.Errorf("claimed %d more a day later", len(again))
		}
	})
}
