package sqldb_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestConfirmKitScope: a kit link confirms a campaign that counts items
// its member held, or one over the member's unit; any other campaign
// answers as an unknown one and gets nothing written into it.
func TestConfirmKitScope(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		seedCheck(t, db) // G1 holds R1 and R5, G2 R2; R4 in store in GOM-MOZ, R3 in BRE-PIN
		sys := sqldbtest.System()
		move(t, db, sys, "R4", muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "B1"})
		deadline := sqldbtest.Now.Add(72 * time.Hour)
		gomMoz, err := db.CreateArmoryCheck(sys, muster.ArmoryCheckInput{Unit: "GOM-MOZ", Deadline: deadline})
		if err != nil {
			t.Fatal(err)
		}
		brePin, err := db.CreateArmoryCheck(sys, muster.ArmoryCheckInput{Unit: "BRE-PIN", Deadline: deadline})
		if err != nil {
			t.Fatal(err)
		}
		token := func(sn string) string {
			t.Helper()
			tok, err := db.KitLink(sys, sn)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		g1, b1 := token("G1"), token("B1")

		// The review's case: G1 of GOM posts to BRE-PIN's campaign.
		_, err = db.ConfirmKit(t.Context(), g1, brePin.ID, muster.CheckConfirmation{Serials: []string{"FAKE1", "R3"}})
		wantMessage(t, err, muster.ENOTFOUND, fmt.Sprintf("Armory check %d does not exist.", brePin.ID))
		_, err = db.ConfirmKit(t.Context(), g1, brePin.ID+100, muster.CheckConfirmation{Serials: []string{"FAKE1"}})
		wantMessage(t, err, muster.ENOTFOUND, fmt.Sprintf("Armory check %d does not exist.", brePin.ID+100))
		if n := count(t, db, `SELECT count(*) FROM armory_discrepancies WHERE check_id = $1`, brePin.ID); n != "0" {
			t.Fatalf("%s discrepancies written into BRE-PIN's campaign", n)
		}

		// G1 holds items of GOM-MOZ's; B1 holds R4 of it, and BRE-PIN's
		// campaign is over B1's unit, though it counts nothing of B1's.
		for _, tc := range []struct {
			token  string
			check  int64
			serial string
		}{{g1, gomMoz.ID, "R1"}, {b1, gomMoz.ID, "R4"}, {b1, brePin.ID, "R3"}} {
			r, err := db.ConfirmKit(t.Context(), tc.token, tc.check, muster.CheckConfirmation{Serials: []string{tc.serial}})
			if err != nil || len(r.Confirmed)+len(r.Discrepancies) != 1 {
				t.Fatalf("confirm %s in %d: %+v, %v", tc.serial, tc.check, r, err)
			}
		}
		wantProgress(t, db, brePin.ID, 1, 0, 1, 1, 0) // R3 in store, reported by B1: wrong holder
		wantProgress(t, db, gomMoz.ID, 4, 2, 0, 0, 0)
	})
}
