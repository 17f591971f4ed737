package sqldb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestArmoryDeliveries checks that a staff member's issue queues a
// receipt and a check campaign a request to each holder, as delivery rows the dispatcher
// claims like any other, whose token opens the member's kit page. G1 has
// a phone (SMS); G2 has no channel and gets nothing.
func TestArmoryDeliveries(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		seedCheck(t, db) // issues R1 and R5 to G1, R2 to G2
		if n := count(t, db, `SELECT count(*) FROM deliveries`); n != "2" {
			t.Fatalf("%s deliveries after three issues, want 2 receipts (G1 twice; G2 has no channel)", n)
		}
		// The system's issues (the demo, bulk loads) send no receipts.
		move(t, db, sqldbtest.System(), "R4", muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "G1"})
		if n := count(t, db, `SELECT count(*) FROM deliveries`); n != "2" {
			t.Fatalf("%s deliveries after the system's issue, want still 2", n)
		}
		armorer := sqldbtest.As(t, db, muster.RoleArmorer, "GOM-MOZ")
		_, err := db.CreateArmoryCheck(armorer, muster.ArmoryCheckInput{Unit: "GOM-MOZ", Deadline: sqldbtest.Now.Add(time.Hour), Note: "Bring them."})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.ClaimDue(t.Context(), muster.ChannelSMS, sqldbtest.Now, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("claimed %d deliveries, want 3: %+v", len(got), got)
		}
		for i, want := range []muster.DeliveryPurpose{muster.PurposeReceipt, muster.PurposeReceipt, muster.PurposeCheck} {
			d := got[i]
			if d.Purpose != want || d.ServiceNumber != "G1" || d.Address != "+375291234567" || d.CallUpID != 0 || d.Drill {
				t.Fatalf("delivery %d = %+v", i, d)
			}
			k, err := db.KitPage(t.Context(), d.Token)
			if err != nil || k.ServiceNumber != "G1" {
				t.Fatalf("delivery %d's token opens %+v (%v)", i, k, err)
			}
		}
		if !strings.Contains(got[0].Message, "R1 was issued to you from armory GOM-MOZ-1") || got[0].Title != "Armory receipt" {
			t.Fatalf("receipt = %q: %q", got[0].Title, got[0].Message)
		}
		if !strings.Contains(got[2].Message, "confirm the items you hold by") || !strings.Contains(got[2].Message, "Bring them.") {
			t.Fatalf("check request = %q", got[2].Message)
		}
		if err := db.MarkSent(t.Context(), got[0].ID, "smsc-1"); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkFailed(t.Context(), got[1].ID, nil, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if err := db.Release(t.Context(), []int64{got[2].ID}); err != nil {
			t.Fatal(err)
		}
		if s := count(t, db, `SELECT status FROM deliveries WHERE id = $1`, got[2].ID); s != "pending" {
			t.Fatalf("released check request is %s", s)
		}
	})
}
