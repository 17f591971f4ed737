package sqldb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/rostercsv"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

func date(t testing.TB, s string) muster.Date {
	t.Helper()
	d, err := muster.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// createExercise plans an exercise of the unit from start to end.
func createExercise(t *testing.T, db *sqldb.DB, ctx context.Context, unit, start, end string) *muster.Exercise {
	t.Helper()
	e := &muster.Exercise{Title: "Exercise " + unit + " " + start, Unit: unit, Start: date(t, start), End: date(t, end),
		Location: "Mozyr training ground", Lead: "head of the district executive committee",
		Objectives: []string{"receive the called-in troops", "restore command skills"},
		Partners:   []string{"an army engineering battalion"}, Tracks: []string{"command staff"}}
	if err := db.CreateExercise(ctx, e); err != nil {
		t.Fatalf("create exercise: %v", err)
	}
	return e
}

func TestExercisePlan(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		gom := createExercise(t, db, ctx, "GOM", "2027-01-08", "2027-01-31")
		createExercise(t, db, ctx, "BRE-PIN", "2027-12-30", "2028-01-05")
		createExercise(t, db, ctx, "GOM-MOZ", "2026-03-01", "2026-03-03")

		got, err := db.FindExercise(ctx, gom.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != gom.Title || got.Days() != 24 || got.Partners[0] != "an army engineering battalion" || len(got.Objectives) != 2 {
			t.Fatalf("exercise = %+v", got)
		}
		for _, tc := range []struct {
			ctx    context.Context
			filter muster.ExerciseFilter
			want   int
		}{
			{ctx, muster.ExerciseFilter{Year: 2027}, 2},
			{ctx, muster.ExerciseFilter{Year: 2028}, 1},
			{ctx, muster.ExerciseFilter{Unit: "GOM"}, 2},
			{ctx, muster.ExerciseFilter{Unit: "GOM", Year: 2027}, 1},
			{sqldbtest.As(t, db, muster.RoleViewer, "BRE"), muster.ExerciseFilter{}, 1},
		} {
			list, err := db.FindExercises(tc.ctx, tc.filter)
			if err != nil || len(list) != tc.want {
				t.Errorf("%+v: %d exercises (%v), want %d", tc.filter, len(list), err, tc.want)
			}
		}
		_, err = db.FindExercises(sqldbtest.As(t, db, muster.RoleViewer, "BRE"), muster.ExerciseFilter{Unit: "GOM"})
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.FindExercise(sqldbtest.As(t, db, muster.RoleViewer, "BRE"), gom.ID)
		wantCode(t, err, muster.EFORBIDDEN)

		bad := &muster.Exercise{Title: "Too long", Unit: "GOM", Start: date(t, "2027-01-01"), End: date(t, "2027-04-03")}
		wantCode(t, db.CreateExercise(ctx, bad), muster.EINVALID)
		bad.End = date(t, "2026-12-31")
		wantCode(t, db.CreateExercise(ctx, bad), muster.EINVALID)
		clerk := sqldbtest.As(t, db, muster.RoleClerk, "GOM")
		wantCode(t, db.CreateExercise(clerk, &muster.Exercise{Title: "x", Unit: "GOM", Start: date(t, "2027-01-01"), End: date(t, "2027-01-02")}), muster.EFORBIDDEN)
		wantCode(t, db.CreateExercise(sqldbtest.As(t, db, muster.RoleCommander, "BRE"),
			&muster.Exercise{Title: "x", Unit: "GOM", Start: date(t, "2027-01-01"), End: date(t, "2027-01-02")}), muster.EFORBIDDEN)
		if n := count(t, db, `SELECT count(*) FROM exercises`); n != "3" {
			t.Fatalf("%s exercises after refused creates", n)
		}
	})
}

func TestParticipantsAllOrNothing(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		e := createExercise(t, db, ctx, "GOM", "2027-01-08", "2027-01-31")
		gomCommander := sqldbtest.As(t, db, muster.RoleCommander, "GOM")

		err := db.AddParticipants(gomCommander, e.ID, muster.ParticipantsInput{ServiceNumbers: []string{"G1", "NOPE", "B1"}, Role: muster.RoleInstructor})
		wantCode(t, err, muster.EUNPROCESSABLE)
		details := muster.ErrorDetails(err)
		if len(details) != 2 || !strings.Contains(details[0].Message, "NOPE") || !strings.Contains(details[1].Message, "B1 is outside") {
			t.Fatalf("details = %+v", details)
		}
		if n := count(t, db, `SELECT count(*) FROM exercise_participants`); n != "0" {
			t.Fatalf("%s participants after a refused list", n)
		}
		wantCode(t, db.AddParticipants(gomCommander, e.ID, muster.ParticipantsInput{ServiceNumbers: []string{"G1"}, Track: "cooking"}), muster.EINVALID)
		if err := db.AddParticipants(gomCommander, e.ID, muster.ParticipantsInput{ServiceNumbers: []string{"G1", "G2"}, Role: muster.RoleInstructor, Track: "command staff"}); err != nil {
			t.Fatal(err)
		}
		list, err := db.Participants(ctx, e.ID)
		if err != nil || len(list) != 2 || list[0].Role != muster.RoleInstructor || list[0].Track != "command staff" {
			t.Fatalf("participants = %+v, %v", list, err)
		}

		// B1 takes part in a BRE exercise overlapping a later one of TD.
		bre := createExercise(t, db, ctx, "BRE", "2027-01-20", "2027-02-05")
		if err := db.AddParticipants(ctx, bre.ID, muster.ParticipantsInput{ServiceNumbers: []string{"B1"}}); err != nil {
			t.Fatal(err)
		}
		td := createExercise(t, db, ctx, "TD", "2027-02-01", "2027-02-03")
		err = db.AddParticipants(ctx, td.ID, muster.ParticipantsInput{ServiceNumbers: []string{"B1"}})
		wantCode(t, err, muster.ECONFLICT)
		if msg := muster.ErrorMessage(err); !strings.Contains(msg, "B1") || !strings.Contains(msg, bre.Title) {
			t.Fatalf("overlap message = %q", msg)
		}
		if n := count(t, db, `SELECT count(*) FROM exercise_participants WHERE exercise_id = $1`, td.ID); n != "0" {
			t.Fatalf("%s participants after an overlap", n)
		}
		// Moving a later exercise of B1's onto the BRE one is refused too.
		later := createExercise(t, db, ctx, "BRE-PIN", "2027-02-10", "2027-02-12")
		if err := db.AddParticipants(ctx, later.ID, muster.ParticipantsInput{ServiceNumbers: []string{"B1"}}); err != nil {
			t.Fatal(err)
		}
		later.Start = date(t, "2027-02-04")
		wantCode(t, db.UpdateExercise(ctx, later), muster.ECONFLICT)
		later.Start = date(t, "2027-02-08")
		if err := db.UpdateExercise(ctx, later); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FindExercise(ctx, later.ID); got.Start.String() != "2027-02-08" || got.Participants != 1 {
			t.Fatalf("updated = %+v", got)
		}
	})
}

func TestSummonThroughCallUp(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		e := createExercise(t, db, ctx, "GOM", "2027-01-08", "2027-01-31")
		c := newCallUp("")
		c.Title = "" // the exercise's
		c.Filter.Status = []muster.MemberStatus{muster.StatusActive, muster.StatusReserve}
		if err := db.Summon(ctx, e.ID, muster.SummonInput{CallUp: c}); err != nil {
			t.Fatal(err)
		}
		if c.ID == 0 || c.Targeted != 2 || c.Unit != "GOM" || c.Kind != muster.CallUpExercise || c.Title != e.Title {
			t.Fatalf("call-up = %+v", c)
		}
		list, err := db.Participants(ctx, e.ID)
		if err != nil || len(list) != 2 || list[0].CallUp != c.ID || list[0].Role != muster.RoleTrainee {
			t.Fatalf("participants = %+v, %v", list, err)
		}
		// The call-up works as any other: its notices are queued.
		if got, _ := notices(t, db, c.ID); len(got) != 3 { // G1 by SMS and paper, G2 by paper
			t.Fatalf("notices = %v", got)
		}

		// A second, overlapping exercise cannot summon G1 and G2: no call-up,
		// no deliveries, no participants.
		other := createExercise(t, db, ctx, "GOM-MOZ", "2027-01-30", "2027-02-02")
		before := count(t, db, `SELECT count(*) FROM callups`) + "/" + count(t, db, `SELECT count(*) FROM deliveries`)
		c2 := newCallUp("GOM-MOZ-1")
		err = db.Summon(ctx, other.ID, muster.SummonInput{CallUp: c2})
		wantCode(t, err, muster.ECONFLICT)
		if len(muster.ErrorDetails(err)) != 1 { // G1 only: G2 is in reserve, not targeted
			t.Fatalf("details = %+v", muster.ErrorDetails(err))
		}
		after := count(t, db, `SELECT count(*) FROM callups`) + "/" + count(t, db, `SELECT count(*) FROM deliveries`)
		if before != after || count(t, db, `SELECT count(*) FROM exercise_participants WHERE exercise_id = $1`, other.ID) != "0" {
			t.Fatalf("call-ups/deliveries %s → %s after a refused summons", before, after)
		}
		wantCode(t, db.Summon(sqldbtest.As(t, db, muster.RoleClerk, "GOM"), e.ID, muster.SummonInput{CallUp: newCallUp("")}), muster.EFORBIDDEN)
	})
}

func TestAttendance(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		e := createExercise(t, db, ctx, "GOM", "2027-01-08", "2027-01-10")
		if err := db.AddParticipants(ctx, e.ID, muster.ParticipantsInput{ServiceNumbers: []string{"G1", "G2"}}); err != nil {
			t.Fatal(err)
		}
		clerk := sqldbtest.As(t, db, muster.RoleClerk, "GOM")
		sheet := "service_number,date,present,hours\nG1,2027-01-08,1,8\nG1,2027-01-09,1,6.5\nG2,2027-01-08,0,\n"
		n, err := db.ImportAttendance(clerk, e.ID, markReader(t, sheet))
		if err != nil || n != 3 {
			t.Fatalf("import = %d, %v", n, err)
		}
		// Bad rows: every one reported, nothing changed.
		bad := "service_number,date,present,hours\nG1,2027-01-10,1,8\nB1,2027-01-08,1,8\nG2,2027-01-11,1,8\nG2,2027-01-09,1,25\nG2,2027-01-09,0,3\n"
		_, err = db.ImportAttendance(clerk, e.ID, markReader(t, bad))
		wantCode(t, err, muster.EUNPROCESSABLE)
		var got []string
		for _, d := range muster.ErrorDetails(err) {
			got = append(got, d.String())
		}
		want := []string{
			"line 3: service_number: B1 does not take part in exercise 1",
			"line 4: date: 2027-01-11 is not a day of exercise 1 (2027-01-08 – 2027-01-10)",
			"line 5: hours: must be from 0 to 24",
			"line 6: hours: must be 0 for a member marked absent",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("details:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if n := count(t, db, `SELECT count(*) FROM exercise_attendance`); n != "3" {
			t.Fatalf("%s marks after a refused sheet", n)
		}
		// A correction: the last mark counts, the change is audited.
		mark := []muster.Mark{{ServiceNumber: "G1", Date: date(t, "2027-01-09"), Present: true, Hours: 4}}
		if n, err := db.MarkAttendance(clerk, e.ID, mark); err != nil || n != 1 {
			t.Fatalf("correction: %d, %v", n, err)
		}
		if n, err := db.MarkAttendance(clerk, e.ID, mark); err != nil || n != 0 { // the same again changes nothing
			t.Fatalf("same mark again: %d, %v", n, err)
		}
		entries, err := db.FindAuditEntries(ctx, muster.AuditFilter{Entity: "exercise_attendance", Key: "1/G1/2027-01-09"})
		if err != nil || len(entries) != 1 || !strings.Contains(string(entries[0].Before), `"hours":6.5`) || !strings.Contains(string(entries[0].After), `"hours":4`) {
			t.Fatalf("audit = %+v, %v", entries, err)
		}
		s, err := db.Attendance(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s.Days != 3 || len(s.Participants) != 2 {
			t.Fatalf("summary = %+v", s)
		}
		for _, p := range s.Participants {
			if p.ServiceNumber == "G1" && (p.DaysPresent != 2 || p.Hours != 12) || p.ServiceNumber == "G2" && (p.DaysPresent != 0 || p.Hours != 0) {
				t.Errorf("%+v", p)
			}
		}
		sheetDay, err := db.DaySheet(ctx, e.ID, "GOM-MOZ-1", date(t, "2027-01-08"))
		if err != nil || len(sheetDay.Rows) != 2 || sheetDay.Rows[0].Mark == nil {
			t.Fatalf("day sheet = %+v, %v", sheetDay, err)
		}
		// A clerk of another district may neither read nor mark.
		other := sqldbtest.As(t, db, muster.RoleClerk, "BRE-PIN")
		_, err = db.MarkAttendance(other, e.ID, []muster.Mark{{ServiceNumber: "G1", Date: date(t, "2027-01-09"), Present: true}})
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.Attendance(other, e.ID)
		wantCode(t, err, muster.EFORBIDDEN)
		wantCode(t, db.DeleteExercise(ctx, e.ID), muster.ECONFLICT)
	})
}

func markReader(t *testing.T, s string) *rostercsv.MarkReader {
	t.Helper()
	r, err := rostercsv.NewMarkReader(strings.NewReader(s), "sheet.csv")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCalendarFeeds(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		gom := createExercise(t, db, ctx, "GOM", "2027-01-08", "2027-01-31")
		createExercise(t, db, ctx, "BRE", "2027-03-01", "2027-03-05")
		createExercise(t, db, ctx, "GOM-MOZ", "2025-03-01", "2025-03-05") // too long ago
		if err := db.AddParticipants(ctx, gom.ID, muster.ParticipantsInput{ServiceNumbers: []string{"G1"}}); err != nil {
			t.Fatal(err)
		}
		viewer := sqldbtest.As(t, db, muster.RoleViewer, "GOM")
		unitFeed := &muster.CalendarFeed{Unit: "GOM"}
		unitSecret, err := db.CreateCalendarFeed(viewer, unitFeed)
		if err != nil {
			t.Fatal(err)
		}
		memberFeed := &muster.CalendarFeed{ServiceNumber: "G1"}
		memberSecret, err := db.CreateCalendarFeed(viewer, memberFeed)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.CreateCalendarFeed(viewer, &muster.CalendarFeed{ServiceNumber: "B1"})
		wantCode(t, err, muster.EFORBIDDEN)
		for secret, want := range map[string]int64{unitSecret: gom.ID, memberSecret: gom.ID} {
			_, list, err := db.CalendarFeed(context.Background(), secret)
			if err != nil || len(list) != 1 || list[0].ID != want {
				t.Fatalf("feed: %+v, %v", list, err)
			}
		}
		// Only the creator, or staff with callups.write over the feed's
		// unit, revoke a feed; a feed outside the actor's subtree stays
		// out of reach.
		for _, other := range []context.Context{sqldbtest.As(t, db, muster.RoleViewer, "GOM-MOZ"),
			sqldbtest.As(t, db, muster.RoleClerk, "GOM"), sqldbtest.As(t, db, muster.RoleCommander, "BRE")} {
			wantCode(t, db.RevokeCalendarFeed(other, memberFeed.ID), muster.EFORBIDDEN)
		}
		if err := db.RevokeCalendarFeed(viewer, unitFeed.ID); err != nil {
			t.Fatal(err)
		}
		if _, list, err := db.CalendarFeed(context.Background(), memberSecret); err != nil || len(list) != 1 {
			t.Fatalf("the member feed after refused revocations: %+v, %v", list, err)
		}
		if err := db.RevokeCalendarFeed(sqldbtest.As(t, db, muster.RoleCommander, "GOM-MOZ"), memberFeed.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = db.CalendarFeed(context.Background(), memberSecret)
		wantCode(t, err, muster.EUNAUTHORIZED)
		_, _, err = db.CalendarFeed(context.Background(), unitSecret)
		wantCode(t, err, muster.EUNAUTHORIZED)
		_, _, err = db.CalendarFeed(context.Background(), "msc_guess")
		wantCode(t, err, muster.EUNAUTHORIZED)
		feeds, err := db.FindCalendarFeeds(viewer)
		if err != nil || len(feeds) != 2 || !feeds[0].Revoked || feeds[1].ServiceNumber != "G1" || !feeds[1].Revoked {
			t.Fatalf("feeds = %+v, %v", feeds, err)
		}
	})
}
