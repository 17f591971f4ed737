package sqldb_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// summonedExercise plans a GOM exercise of 2027-01-08 to 2027-01-10 and
// summons G1 and G2 through a call-up; it returns the exercise, the
// call-up and the members' response tokens.
func summonedExercise(t *testing.T, db *sqldb.DB) (*muster.Exercise, *muster.CallUp, map[string]string) {
	t.Helper()
	sqldbtest.Seed(t, db)
	ctx := sqldbtest.System()
	e := createExercise(t, db, ctx, "GOM", "2027-01-08", "2027-01-10")
	c := newCallUp("")
	c.Filter.Status = []muster.MemberStatus{muster.StatusActive, muster.StatusReserve}
	if err := db.Summon(ctx, e.ID, muster.SummonInput{CallUp: c}); err != nil {
		t.Fatal(err)
	}
	_, tokens := notices(t, db, c.ID)
	return e, c, tokens
}

// at sets the database's clock.
func at(db *sqldb.DB, s string) {
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	db.Now = func() time.Time { return tm }
}

func TestArrivalDesk(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e, c, _ := summonedExercise(t, db)
		clerk := sqldbtest.As(t, db, muster.RoleClerk, "GOM")
		at(db, "2027-01-08T07:42:00Z")

		a, err := db.Arrive(clerk, e.ID, muster.ArrivalInput{ServiceNumber: "G1"})
		if err != nil || a.Already || a.CallUp != c.ID || a.ArrivedBy != "user:clerk@GOM" || !strings.Contains(a.Message, "arrived at 2027-01-08 07:42 UTC") {
			t.Fatalf("arrive = %+v, %v", a, err)
		}
		// The arrival checked G1 in on the summoning call-up.
		if n := count(t, db, `SELECT count(*) FROM callup_members WHERE callup_id = $1 AND checked_in_at <> ''`, c.ID); n != "1" {
			t.Fatalf("%s checked in on the call-up", n)
		}
		at(db, "2027-01-08T08:00:00Z")
		again, err := db.Arrive(clerk, e.ID, muster.ArrivalInput{ServiceNumber: "G1"})
		if err != nil || !again.Already || !again.ArrivedAt.Equal(a.ArrivedAt) || !strings.Contains(again.Message, "already arrived at 2027-01-08 07:42 UTC") {
			t.Fatalf("second scan = %+v, %v", again, err)
		}
		// The desk's messages give times in the server's zone.
		minsk, err := time.LoadLocation("Europe/Minsk")
		if err != nil {
			t.Fatal(err) // Debian's tzdata, which postgresql depends on
		}
		db.Zone = minsk
		again, err = db.Arrive(clerk, e.ID, muster.ArrivalInput{ServiceNumber: "G1"})
		if err != nil || !strings.Contains(again.Message, "already arrived at 2027-01-08 10:42 +03") {
			t.Fatalf("second scan in Minsk = %+v, %v", again, err)
		}
		db.Zone = time.UTC

		// A member who does not take part, a notice of another call-up,
		// someone outside the clerk's subtree, a viewer: refused, nothing changed.
		_, err = db.Arrive(clerk, e.ID, muster.ArrivalInput{ServiceNumber: "B1"})
		wantCode(t, err, muster.EUNPROCESSABLE)
		if d := muster.ErrorDetails(err); len(d) != 1 || d[0].Field != "service_number" || !strings.Contains(d[0].Message, "B1 does not take part") {
			t.Fatalf("details = %+v", d)
		}
		_, err = db.Arrive(clerk, e.ID, muster.ArrivalInput{ServiceNumber: "G2", CallUp: c.ID + 1})
		wantCode(t, err, muster.ECONFLICT)
		_, err = db.Arrive(sqldbtest.As(t, db, muster.RoleClerk, "BRE"), e.ID, muster.ArrivalInput{ServiceNumber: "G2"})
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.Arrive(sqldbtest.As(t, db, muster.RoleViewer, "GOM"), e.ID, muster.ArrivalInput{ServiceNumber: "G2"})
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.Depart(clerk, e.ID, muster.ArrivalInput{ServiceNumber: "G2"})
		wantCode(t, err, muster.ECONFLICT) // not arrived
		if n := count(t, db, `SELECT count(*) FROM exercise_participants WHERE arrived_at <> '' OR departed_at <> ''`); n != "1" {
			t.Fatalf("%s participants arrived or departed after refusals", n)
		}

		at(db, "2027-01-10T16:00:00Z")
		d, err := db.Depart(clerk, e.ID, muster.ArrivalInput{ServiceNumber: "G1"})
		if err != nil || d.Already || d.DepartedAt.IsZero() || !strings.Contains(d.Message, "departed at 2027-01-10 16:00 UTC") {
			t.Fatalf("depart = %+v, %v", d, err)
		}
		d, err = db.Depart(clerk, e.ID, muster.ArrivalInput{ServiceNumber: "G1"})
		if err != nil || !d.Already {
			t.Fatalf("second departure = %+v, %v", d, err)
		}
		if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action IN ('exercise.arrive', 'exercise.depart', 'callup.checkin')`); n != "3" {
			t.Fatalf("%s audit entries for one arrival, check-in and departure", n)
		}
	})
}

func TestLodgingCapacity(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e, _, _ := summonedExercise(t, db)
		ctx := sqldbtest.System()
		commander := sqldbtest.As(t, db, muster.RoleCommander, "GOM")
		clerk := sqldbtest.As(t, db, muster.RoleClerk, "GOM")
		small := &muster.LodgingSite{Name: "Tent 1", Capacity: 1}
		big := &muster.LodgingSite{Name: "Barracks 2", Capacity: 120}
		for _, s := range []*muster.LodgingSite{small, big} {
			if err := db.CreateLodgingSite(commander, e.ID, s); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, db.CreateLodgingSite(commander, e.ID, &muster.LodgingSite{Name: "Tent 1", Capacity: 4}), muster.ECONFLICT)
		wantCode(t, db.CreateLodgingSite(commander, e.ID, &muster.LodgingSite{Name: "Tent 3", Capacity: -4}), muster.EINVALID)
		wantCode(t, db.CreateLodgingSite(clerk, e.ID, &muster.LodgingSite{Name: "Tent 3", Capacity: 4}), muster.EFORBIDDEN)

		// The whole unit into the one-bed tent: refused, nothing changed.
		_, err := db.AssignLodging(clerk, e.ID, muster.LodgingInput{Site: small.ID, Unit: "GOM-MOZ-1"})
		wantCode(t, err, muster.ECONFLICT)
		if msg := muster.ErrorMessage(err); !strings.Contains(msg, "Tent 1 has 1 beds") || muster.ErrorDetails(err)[0].Field != "site" {
			t.Fatalf("over capacity: %q", msg)
		}
		if n := count(t, db, `SELECT count(*) FROM exercise_participants WHERE site_id IS NOT NULL`); n != "0" {
			t.Fatalf("%s assigned after a refused bulk assignment", n)
		}
		_, err = db.AssignLodging(clerk, e.ID, muster.LodgingInput{Site: big.ID, ServiceNumbers: []string{"G1", "B1"}})
		wantCode(t, err, muster.EUNPROCESSABLE)
		_, err = db.AssignLodging(clerk, e.ID, muster.LodgingInput{Site: big.ID + 100, ServiceNumbers: []string{"G1"}})
		wantCode(t, err, muster.ENOTFOUND)
		_, err = db.AssignLodging(sqldbtest.As(t, db, muster.RoleClerk, "BRE"), e.ID, muster.LodgingInput{Site: big.ID, ServiceNumbers: []string{"G1"}})
		wantCode(t, err, muster.EFORBIDDEN)

		if n, err := db.AssignLodging(clerk, e.ID, muster.LodgingInput{Site: small.ID, ServiceNumbers: []string{"G1"}}); err != nil || n != 1 {
			t.Fatalf("assign G1 = %d, %v", n, err)
		}
		_, err = db.AssignLodging(clerk, e.ID, muster.LodgingInput{Site: small.ID, ServiceNumbers: []string{"G2"}})
		wantCode(t, err, muster.ECONFLICT)
		// The unit into the barracks moves G1 out of the tent: one place each.
		if n, err := db.AssignLodging(clerk, e.ID, muster.LodgingInput{Site: big.ID, Unit: "GOM"}); err != nil || n != 2 {
			t.Fatalf("assign GOM = %d, %v", n, err)
		}
		sites, err := db.LodgingSites(ctx, e.ID)
		if err != nil || len(sites) != 2 || sites[0].Name != "Barracks 2" || sites[0].Occupied != 2 || sites[1].Occupied != 0 {
			t.Fatalf("sites = %+v, %v", sites, err)
		}
		// G2 now fits the tent; departing frees G1's bed.
		if _, err := db.AssignLodging(clerk, e.ID, muster.LodgingInput{Site: small.ID, ServiceNumbers: []string{"G2"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Arrive(clerk, e.ID, muster.ArrivalInput{ServiceNumber: "G1"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Depart(clerk, e.ID, muster.ArrivalInput{ServiceNumber: "G1"}); err != nil {
			t.Fatal(err)
		}
		// A departed member gets no bed: named, refused; left out of a unit.
		_, err = db.AssignLodging(clerk, e.ID, muster.LodgingInput{Site: big.ID, ServiceNumbers: []string{"G1"}})
		wantCode(t, err, muster.EUNPROCESSABLE)
		if n, err := db.AssignLodging(clerk, e.ID, muster.LodgingInput{Site: small.ID, Unit: "GOM-MOZ-1"}); err != nil || n != 0 {
			t.Fatalf("assign GOM-MOZ-1 with G1 departed = %d, %v", n, err)
		}
		r, err := db.Reception(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Sites[0].Occupied != 0 || r.Sites[1].Occupied != 1 || r.Total.Lodged["Tent 1"] != 1 || r.Total.Departed != 1 || r.Total.NotArrived != 1 {
			t.Fatalf("reception = %+v", r.Total)
		}
	})
}

func TestMealCounts(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e, _, tokens := summonedExercise(t, db)
		ctx := sqldbtest.System()
		// H1 of GOM-MOZ is added by hand and G2 answers no: without
		// arrivals, G1 and H1 are expected every day.
		addMembers(t, db, "GOM-MOZ", "H", 1)
		if err := db.AddParticipants(ctx, e.ID, muster.ParticipantsInput{ServiceNumbers: []string{"H1"}}); err != nil {
			t.Fatal(err)
		}
		answer(t, db, tokens["G2"], muster.Answer{Answer: muster.AnswerNo, Reason: "harvest"})
		meals := func() string {
			t.Helper()
			days, err := db.Meals(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, d := range days {
				out = append(out, d.Date.String()[8:]+":"+strconv.Itoa(d.Expected)+"/"+strconv.Itoa(d.Breakfast)+"/"+strconv.Itoa(d.Lunch)+"/"+strconv.Itoa(d.Dinner))
			}
			return strings.Join(out, " ")
		}
		if got := meals(); got != "08:2/2/2/2 09:2/2/2/2 10:2/2/2/2" {
			t.Fatalf("meals = %s", got)
		}
		// G1 arrives on the 9th, H1 departs on the 9th, G2 is marked present
		// on the 10th; 12 engineers eat lunch on the 9th.
		clerk := sqldbtest.As(t, db, muster.RoleClerk, "GOM")
		at(db, "2027-01-09T10:00:00Z")
		for _, sn := range []string{"G1", "H1"} {
			if _, err := db.Arrive(ctx, e.ID, muster.ArrivalInput{ServiceNumber: sn}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Depart(ctx, e.ID, muster.ArrivalInput{ServiceNumber: "H1"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.MarkAttendance(clerk, e.ID, []muster.Mark{{ServiceNumber: "G2", Date: date(t, "2027-01-10"), Present: true, Hours: 8}}); err != nil {
			t.Fatal(err)
		}
		commander := sqldbtest.As(t, db, muster.RoleCommander, "GOM")
		if err := db.AdjustMeals(commander, e.ID, muster.MealAdjustment{Date: date(t, "2027-01-09"), Note: "engineers", Meals: muster.Meals{Lunch: 12}}); err != nil {
			t.Fatal(err)
		}
		if got := meals(); got != "08:0/0/0/0 09:2/2/14/2 10:2/2/2/2" {
			t.Fatalf("meals = %s", got)
		}
		// Bad adjustments change nothing.
		wantCode(t, db.AdjustMeals(commander, e.ID, muster.MealAdjustment{Date: date(t, "2027-01-11"), Meals: muster.Meals{Lunch: 1}}), muster.EINVALID)
		wantCode(t, db.AdjustMeals(commander, e.ID, muster.MealAdjustment{Date: date(t, "2027-01-09"), Meals: muster.Meals{Dinner: -3}}), muster.EINVALID)
		wantCode(t, db.AdjustMeals(clerk, e.ID, muster.MealAdjustment{Date: date(t, "2027-01-09"), Meals: muster.Meals{Dinner: 3}}), muster.EFORBIDDEN)
		if got := meals(); got != "08:0/0/0/0 09:2/2/14/2 10:2/2/2/2" {
			t.Fatalf("meals after refused adjustments = %s", got)
		}
		_, err := db.Meals(sqldbtest.As(t, db, muster.RoleViewer, "BRE"), e.ID)
		wantCode(t, err, muster.EFORBIDDEN)
	})
}

func TestKitAndNotes(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e, _, _ := summonedExercise(t, db)
		ctx := sqldbtest.System()
		commander := sqldbtest.As(t, db, muster.RoleCommander, "GOM")
		clerk := sqldbtest.As(t, db, muster.RoleClerk, "GOM")
		for _, k := range []*muster.KitItem{{Name: "sleeping bag", PerParticipant: 1}, {Name: "blanket", PerParticipant: 2}} {
			if err := db.CreateKitItem(commander, e.ID, k); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, db.CreateKitItem(commander, e.ID, &muster.KitItem{Name: "helmet", PerParticipant: -1}), muster.EINVALID)
		wantCode(t, db.CreateKitItem(commander, e.ID, &muster.KitItem{Name: "blanket", PerParticipant: 1}), muster.ECONFLICT)

		if err := db.HandOutKit(clerk, e.ID, muster.KitInput{ServiceNumber: "G1", Item: "sleeping bag"}); err != nil {
			t.Fatal(err)
		}
		if err := db.HandOutKit(clerk, e.ID, muster.KitInput{ServiceNumber: "G1", Item: "blanket", Quantity: 1}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			in   muster.KitInput
			code string
		}{
			{muster.KitInput{ServiceNumber: "G1", Item: "blanket", Quantity: 2}, muster.ECONFLICT}, // 1 + 2 > 2
			{muster.KitInput{ServiceNumber: "G1", Item: "sleeping bag"}, muster.ECONFLICT},         // has all due
			{muster.KitInput{ServiceNumber: "G1", Item: "blanket", Quantity: -1}, muster.EINVALID},
			{muster.KitInput{ServiceNumber: "G1", Item: "helmet"}, muster.ENOTFOUND},
			{muster.KitInput{ServiceNumber: "B1", Item: "blanket"}, muster.EUNPROCESSABLE},
		} {
			wantCode(t, db.HandOutKit(clerk, e.ID, tc.in), tc.code)
		}
		wantCode(t, db.HandOutKit(sqldbtest.As(t, db, muster.RoleClerk, "BRE"), e.ID, muster.KitInput{ServiceNumber: "G2", Item: "blanket"}), muster.EFORBIDDEN)

		r, err := db.Reception(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Still due: G1 one blanket; G2 two blankets and a sleeping bag.
		if got := r.Total.KitToHandOut; got["blanket"] != 3 || got["sleeping bag"] != 1 || len(r.Units) != 1 || r.Units[0].KitToHandOut["blanket"] != 3 {
			t.Fatalf("to hand out = %v", got)
		}
		if r.Kit[0].Name != "blanket" || r.Kit[0].HandedOut != 1 || r.Kit[0].ToHandOut != 3 {
			t.Fatalf("kit = %+v", r.Kit[0])
		}

		note := &muster.ParticipantNote{Text: "  Boots size 46, none in stock.  "}
		if err := db.AddNote(clerk, e.ID, "G1", note); err != nil || note.ID == 0 || note.Text != "Boots size 46, none in stock." {
			t.Fatalf("note = %+v, %v", note, err)
		}
		wantCode(t, db.AddNote(clerk, e.ID, "G1", &muster.ParticipantNote{Text: " "}), muster.EINVALID)
		wantCode(t, db.AddNote(sqldbtest.As(t, db, muster.RoleViewer, "GOM"), e.ID, "G1", &muster.ParticipantNote{Text: "x"}), muster.EFORBIDDEN)

		if n, err := db.ReturnKit(clerk, e.ID, muster.KitInput{ServiceNumber: "G1"}); err != nil || n != 2 {
			t.Fatalf("return = %d, %v", n, err)
		}
		_, err = db.ReturnKit(clerk, e.ID, muster.KitInput{ServiceNumber: "G1", Item: "blanket"})
		wantCode(t, err, muster.ECONFLICT)
		wantCode(t, db.HandOutKit(clerk, e.ID, muster.KitInput{ServiceNumber: "G1", Item: "blanket"}), muster.ECONFLICT) // returned

		p, err := db.ParticipantReception(ctx, e.ID, "G1")
		if err != nil || len(p.Kit) != 2 || len(p.Notes) != 1 || p.Arrival != nil {
			t.Fatalf("G1's reception = %+v, %v", p, err)
		}
		for _, h := range p.Kit {
			if h.Outstanding() != 0 || h.ReturnedAt.IsZero() || h.IssuedBy != "user:clerk@GOM" {
				t.Errorf("holding %+v", h)
			}
		}
		if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action IN ('exercise.kit.issue', 'exercise.kit.return', 'exercise.note')`); n != "4" {
			t.Fatalf("%s audit entries for 2 issues, a return and a note", n)
		}
	})
}

// TestLodgingLastBed has 12 desks assign the last bed at once: one wins,
// the others are refused, and the site is never over capacity.
func TestLodgingLastBed(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e, _, _ := summonedExercise(t, db)
		ctx := sqldbtest.System()
		numbers := []string{"G1", "G2"}
		for i := range 10 {
			m := &muster.Member{ServiceNumber: "X" + strconv.Itoa(i), FamilyName: "Петров", GivenName: "Иван",
				BirthDate: muster.DateOf(sqldbtest.Now.AddDate(-30, 0, 0)), Unit: "GOM-MOZ-1", Status: muster.StatusActive}
			if err := db.CreateMember(ctx, m); err != nil {
				t.Fatal(err)
			}
			numbers = append(numbers, m.ServiceNumber)
		}
		if err := db.AddParticipants(ctx, e.ID, muster.ParticipantsInput{ServiceNumbers: numbers}); err != nil {
			t.Fatal(err)
		}
		tent := &muster.LodgingSite{Name: "Tent 1", Capacity: 1}
		if err := db.CreateLodgingSite(ctx, e.ID, tent); err != nil {
			t.Fatal(err)
		}
		// Open a connection per desk first (PostgreSQL; SQLite has one
		// writer), so that the desks' transactions overlap rather than
		// queue for new connections.
		var wg sync.WaitGroup
		for range numbers {
			wg.Go(func() { db.ExecForBench(context.Background(), `SELECT pg_sleep(0.1)`) })
		}
		wg.Wait()
		errs := make(chan error, len(numbers))
		for _, sn := range numbers {
			go func() {
				_, err := db.AssignLodging(ctx, e.ID, muster.LodgingInput{Site: tent.ID, ServiceNumbers: []string{sn}})
				errs <- err
			}()
		}
		won := 0
		for range numbers {
			switch err := <-errs; muster.ErrorCode(err) {
			case "":
				won++
			case muster.ECONFLICT:
			default:
				t.Errorf("assign: %v", err)
			}
		}
		n := count(t, db, `SELECT count(*) FROM exercise_participants WHERE site_id = $1`, tent.ID)
		if won != 1 || n != "1" {
			t.Fatalf("%d desks won the one bed; %s in the tent", won, n)
		}
	})
}
