package sqldb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// seedParticipation adds to sqldbtest.Seed the member G3 of GOM-MOZ
// (discharged after the exercise) and three exercises: GOM's in January
// 2027 (G1 present two days, 8 and 6 hours, absent one; G3 present one
// day, 3 hours), BRE-PIN's across the new year (B1 present 31 December, 8
// hours, and 2 January, 5 hours) and GOM-MOZ's in March 2026 (G1 present
// one day, 8 hours). G2 of GOM-MOZ-1 takes part in none.
func seedParticipation(t *testing.T, db *sqldb.DB) {
	t.Helper()
	sqldbtest.Seed(t, db)
	ctx := sqldbtest.System()
	g3 := &muster.Member{ServiceNumber: "G3", FamilyName: "Петров", GivenName: "Олег", BirthDate: date(t, "1985-02-03"),
		Unit: "GOM-MOZ", Status: muster.StatusActive}
	if err := db.CreateMember(ctx, g3); err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		unit, start, end string
		marks            []muster.Mark
	}{
		{"GOM", "2027-01-08", "2027-01-31", []muster.Mark{
			{ServiceNumber: "G1", Date: date(t, "2027-01-08"), Present: true, Hours: 8},
			{ServiceNumber: "G1", Date: date(t, "2027-01-09"), Present: true, Hours: 6},
			{ServiceNumber: "G1", Date: date(t, "2027-01-10")},
			{ServiceNumber: "G3", Date: date(t, "2027-01-08"), Present: true, Hours: 3}}},
		{"BRE-PIN", "2026-12-30", "2027-01-05", []muster.Mark{
			{ServiceNumber: "B1", Date: date(t, "2026-12-31"), Present: true, Hours: 8},
			{ServiceNumber: "B1", Date: date(t, "2027-01-02"), Present: true, Hours: 5}}},
		{"GOM-MOZ", "2026-03-01", "2026-03-03", []muster.Mark{
			{ServiceNumber: "G1", Date: date(t, "2026-03-01"), Present: true, Hours: 8}}},
	} {
		e := createExercise(t, db, ctx, x.unit, x.start, x.end)
		var numbers []string
		for _, m := range x.marks {
			numbers = append(numbers, m.ServiceNumber)
		}
		if err := db.AddParticipants(ctx, e.ID, muster.ParticipantsInput{ServiceNumbers: numbers, Role: muster.RoleTrainee}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.MarkAttendance(ctx, e.ID, x.marks); err != nil {
			t.Fatal(err)
		}
	}
	discharged := muster.StatusDischarged
	if _, err := db.UpdateMember(ctx, "G3", muster.MemberUpdate{Status: &discharged}); err != nil {
		t.Fatal(err)
	}
}

// line prints a report line's numbers for comparison.
func line(p muster.Participation) string {
	return fmt.Sprintf("%s L%d ex=%d members=%d participants=%d share=%.2f days=%d hours=%g",
		p.Unit, p.Level, p.Exercises, p.Members, p.Participants, p.Share, p.DaysPresent, p.Hours)
}

func TestParticipation(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		seedParticipation(t, db)
		ctx := sqldbtest.System()
		for _, tc := range []struct {
			ctx    context.Context
			filter muster.ParticipationFilter
			want   []string
		}{
			{ctx, muster.ParticipationFilter{Unit: "TD", Year: 2027, Depth: 1}, []string{
				"TD L0 ex=2 members=3 participants=3 share=0.67 days=4 hours=22",
				"BRE L1 ex=1 members=1 participants=1 share=1.00 days=1 hours=5",
				"GOM L1 ex=1 members=2 participants=2 share=0.50 days=3 hours=17"}},
			{ctx, muster.ParticipationFilter{Unit: "GOM", Year: 2027, Depth: 2}, []string{
				"GOM L0 ex=1 members=2 participants=2 share=0.50 days=3 hours=17",
				"GOM-MOZ L1 ex=0 members=2 participants=2 share=0.50 days=3 hours=17",
				"GOM-MOZ-1 L2 ex=0 members=2 participants=1 share=0.50 days=2 hours=14"}},
			{sqldbtest.As(t, db, muster.RoleViewer, "GOM"), muster.ParticipationFilter{Unit: "GOM", Year: 2026}, []string{
				"GOM L0 ex=1 members=2 participants=1 share=0.50 days=1 hours=8"}},
			// B1 was present on 31 December 2026 at BRE-PIN's exercise,
			// G1 in March at GOM-MOZ's.
			{ctx, muster.ParticipationFilter{Unit: "TD", Year: 2026}, []string{
				"TD L0 ex=2 members=3 participants=2 share=0.67 days=2 hours=16"}},
			// GOM-MOZ-1's members count at GOM's exercise, as in GOM's report.
			{ctx, muster.ParticipationFilter{Unit: "GOM-MOZ-1", Year: 2027}, []string{
				"GOM-MOZ-1 L0 ex=0 members=2 participants=1 share=0.50 days=2 hours=14"}},
			{ctx, muster.ParticipationFilter{Unit: "BRE-PIN", Year: 2028, Depth: 3}, []string{
				"BRE-PIN L0 ex=0 members=1 participants=0 share=0.00 days=0 hours=0"}},
		} {
			r, err := db.Participation(tc.ctx, tc.filter)
			if err != nil {
				t.Fatalf("%+v: %v", tc.filter, err)
			}
			var got []string
			for _, p := range r.Units {
				got = append(got, line(p))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%+v:\n got %q\nwant %q", tc.filter, got, tc.want)
			}
		}
		_, err := db.Participation(sqldbtest.As(t, db, muster.RoleViewer, "BRE"), muster.ParticipationFilter{Unit: "GOM", Year: 2027})
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.Participation(ctx, muster.ParticipationFilter{Unit: "NOPE", Year: 2027})
		wantCode(t, err, muster.ENOTFOUND)
		_, err = db.Participation(ctx, muster.ParticipationFilter{Unit: "TD", Year: 20270})
		wantCode(t, err, muster.EINVALID)
		_, err = db.Participation(ctx, muster.ParticipationFilter{Unit: "TD", Year: 2027, Depth: -1})
		wantCode(t, err, muster.EINVALID)
	})
}
