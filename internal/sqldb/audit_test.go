package sqldb_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// auditThings returns "entity:key" of each entry the actor reads, sorted,
// each once.
func auditThings(t *testing.T, db *sqldb.DB, ctx context.Context, f muster.AuditFilter) []string {
	t.Helper()
	entries, err := db.FindAuditEntries(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Entity+":"+e.Key)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestAuditScope: an actor bound to a unit below the force's top reads
// only the entries about the things of its subtree; one bound to the top
// reads every entry, as the system does.
func TestAuditScope(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		seedArmory(t, db) // R1, R2 in GOM-MOZ-1, R3 in BRE-PIN
		sys := sqldbtest.System()
		bre := createCallUp(t, db, sys, newCallUp("BRE-PIN"))
		createCallUp(t, db, sys, newCallUp("GOM"))
		var breExercise int64
		for _, ex := range [][2]string{{"BRE-PIN", "B1"}, {"GOM-MOZ-1", "G1"}} {
			e := createExercise(t, db, sys, ex[0], "2027-01-08", "2027-01-10")
			if err := db.AddParticipants(sys, e.ID, muster.ParticipantsInput{ServiceNumbers: []string{ex[1]}}); err != nil {
				t.Fatal(err)
			}
			for _, hours := range []float64{8, 6} { // the second mark is a correction: exercise_attendance ID/SN/DAY
				mark := []muster.Mark{{ServiceNumber: ex[1], Date: date(t, "2027-01-09"), Present: true, Hours: hours}}
				if _, err := db.MarkAttendance(sys, e.ID, mark); err != nil {
					t.Fatal(err)
				}
			}
			if ex[0] == "BRE-PIN" {
				breExercise = e.ID
			}
		}
		check, err := db.CreateArmoryCheck(sys, muster.ArmoryCheckInput{Unit: "BRE-PIN", Deadline: sqldbtest.Now.Add(72 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		r, err := db.ConfirmAtStation(sys, check.ID, muster.CheckConfirmation{Serials: []string{"X9"}})
		if err != nil || len(r.Discrepancies) != 1 {
			t.Fatalf("scan X9: %+v, %v", r, err)
		}
		if _, err := db.ResolveDiscrepancy(sys, check.ID, r.Discrepancies[0].ID, "a typo"); err != nil {
			t.Fatal(err)
		}
		feed := &muster.CalendarFeed{ServiceNumber: "B1"}
		if _, err := db.CreateCalendarFeed(sys, feed); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateToken(sys, &muster.Token{Name: "script", Role: muster.RoleClerk, Unit: "BRE-PIN"}); err != nil {
			t.Fatal(err)
		}

		// The review's case: BRE-PIN's commander asks for G1 of GOM-MOZ-1.
		brePin := sqldbtest.As(t, db, muster.RoleCommander, "BRE-PIN")
		if got := auditThings(t, db, brePin, muster.AuditFilter{Entity: "member", Key: "G1"}); len(got) != 0 {
			t.Fatalf("BRE-PIN's commander reads %v", got)
		}
		id := func(n int64) string { return fmt.Sprint(n) }
		want := []string{"armory_check:" + id(check.ID), "armory_discrepancy:" + id(r.Discrepancies[0].ID),
			"calendar_feed:" + id(feed.ID), "callup:" + id(bre.ID), "exercise:" + id(breExercise),
			"exercise_attendance:" + id(breExercise) + "/B1/2027-01-09", "item:R3", "member:B1", "unit:BRE-PIN"}
		slices.Sort(want)
		if got := auditThings(t, db, brePin, muster.AuditFilter{Limit: 500}); !slices.Equal(got, want) {
			t.Fatalf("BRE-PIN's commander reads\n%v\nwant\n%v", got, want)
		}
		want = append(want, "unit:BRE")
		slices.Sort(want)
		if got := auditThings(t, db, sqldbtest.As(t, db, muster.RoleCommander, "BRE"), muster.AuditFilter{Limit: 500}); !slices.Equal(got, want) {
			t.Fatalf("BRE's commander reads %v", got)
		}
		// Paging keeps the scope: the oldest entries of BRE-PIN are its unit's and B1's.
		entries, err := db.FindAuditEntries(brePin, muster.AuditFilter{Limit: 2, Before: 1 << 40})
		if err != nil || len(entries) != 2 {
			t.Fatalf("a page: %+v, %v", entries, err)
		}
		older := auditThings(t, db, brePin, muster.AuditFilter{Limit: 500, Before: entries[1].ID})
		if len(older) == 0 || slices.Contains(older, "member:G1") || !slices.Contains(older, "member:B1") {
			t.Fatalf("older page: %v", older)
		}
		gom := auditThings(t, db, sqldbtest.As(t, db, muster.RoleCommander, "GOM"), muster.AuditFilter{Limit: 500})
		for _, thing := range gom {
			if strings.Contains(thing, "B1") || thing == "item:R3" || strings.HasPrefix(thing, "token:") || strings.HasPrefix(thing, "item_type:") {
				t.Errorf("GOM's commander reads %s", thing)
			}
		}
		if !slices.Contains(gom, "member:G1") || !slices.Contains(gom, "item:R1") {
			t.Errorf("GOM's commander reads %v, without G1 or R1", gom)
		}
		// The top unit's commander reads what the system reads.
		all := auditThings(t, db, sys, muster.AuditFilter{Limit: 500})
		if got := auditThings(t, db, sqldbtest.As(t, db, muster.RoleCommander, "TD"), muster.AuditFilter{Limit: 500}); !slices.Equal(got, all) ||
			!slices.Contains(all, "token:1") || !slices.Contains(all, "member:G1") {
			t.Fatalf("TD's commander reads %v, the system %v", got, all)
		}
		_, err = db.FindAuditEntries(sqldbtest.As(t, db, muster.RoleClerk, "TD"), muster.AuditFilter{})
		wantCode(t, err, muster.EFORBIDDEN)
	})
}
