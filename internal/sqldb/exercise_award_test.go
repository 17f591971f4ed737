package sqldb_test

import (
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// expiryOf returns the expiry of the member's qualification, "none" when
// it does not expire and "" when the member does not hold it.
func expiryOf(t *testing.T, db *sqldb.DB, sn, code string) string {
	t.Helper()
	m, err := db.FindMember(sqldbtest.System(), sn)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range m.Qualifications {
		if q.Code == code {
			if q.Expires.IsZero() {
				return "none"
			}
			return q.Expires.String()
		}
	}
	return ""
}

func TestAwardQualification(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db) // G1: RIF until 2027-06-30, MED expired; G2: MED without expiry
		ctx := sqldbtest.System()
		if err := db.SaveQualification(ctx, &muster.Qualification{Code: "CMD", Name: "Company commander"}); err != nil {
			t.Fatal(err)
		}
		// Today is 2026-11-23; the exercise ended on the 18th.
		e := createExercise(t, db, ctx, "GOM", "2026-11-16", "2026-11-18")
		in := []muster.ParticipantsInput{
			{ServiceNumbers: []string{"G1"}, Role: muster.RoleTrainee, Track: "command staff"},
			{ServiceNumbers: []string{"G2"}, Role: muster.RoleInstructor},
		}
		for _, p := range in {
			if err := db.AddParticipants(ctx, e.ID, p); err != nil {
				t.Fatal(err)
			}
		}
		var marks []muster.Mark
		for _, day := range []string{"2026-11-16", "2026-11-17", "2026-11-18"} {
			marks = append(marks, muster.Mark{ServiceNumber: "G1", Date: date(t, day), Present: true, Hours: 8},
				muster.Mark{ServiceNumber: "G2", Date: date(t, day), Present: day != "2026-11-18", Hours: map[bool]float64{true: 8}[day != "2026-11-18"]})
		}
		if _, err := db.MarkAttendance(ctx, e.ID, marks); err != nil {
			t.Fatal(err)
		}
		commander := sqldbtest.As(t, db, muster.RoleCommander, "GOM")

		// Refusals change nothing.
		running := createExercise(t, db, ctx, "GOM", "2026-11-20", "2026-11-23")
		_, err := db.AwardQualification(commander, running.ID, muster.AwardInput{Qualification: "RIF"})
		wantCode(t, err, muster.ECONFLICT)
		_, err = db.AwardQualification(commander, e.ID, muster.AwardInput{Qualification: "XYZ"})
		wantCode(t, err, muster.EUNPROCESSABLE)
		if d := muster.ErrorDetails(err); len(d) != 1 || d[0].Field != "qualification" {
			t.Fatalf("unknown qualification details = %+v", d)
		}
		_, err = db.AwardQualification(commander, e.ID, muster.AwardInput{Qualification: "RIF", MinDays: 4})
		wantCode(t, err, muster.EINVALID)
		_, err = db.AwardQualification(commander, e.ID, muster.AwardInput{Qualification: "RIF", Track: "cooking"})
		wantCode(t, err, muster.EINVALID)
		_, err = db.AwardQualification(sqldbtest.As(t, db, muster.RoleCommander, "BRE"), e.ID, muster.AwardInput{Qualification: "RIF"})
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.AwardQualification(sqldbtest.As(t, db, muster.RoleClerk, "GOM"), e.ID, muster.AwardInput{Qualification: "RIF"})
		wantCode(t, err, muster.EFORBIDDEN)
		if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action IN ('member.award', 'exercise.award')`); n != "0" {
			t.Fatalf("%s award audit entries after refusals", n)
		}

		// Every day needed by default: G2 missed one; G1's expired MED is renewed.
		res, err := db.AwardQualification(commander, e.ID, muster.AwardInput{Qualification: "MED", ValidMonths: 12})
		if err != nil || res.Awarded != 0 || res.Renewed != 1 || len(res.Skipped) != 1 ||
			res.Skipped[0].ServiceNumber != "G2" || res.Skipped[0].Reason != "present on 2 of the 3 days needed" {
			t.Fatalf("MED award = %+v, %v", res, err)
		}
		if got := expiryOf(t, db, "G1", "MED"); got != "2027-11-18" {
			t.Fatalf("G1 MED expires %s, want 2027-11-18", got)
		}

		// Two days suffice: G2 gains RIF; G1's later RIF is not shortened.
		rif := muster.AwardInput{Qualification: "RIF", ValidMonths: 6, MinDays: 2}
		res, err = db.AwardQualification(commander, e.ID, rif)
		if err != nil || res.Awarded != 1 || res.Renewed != 0 || len(res.Skipped) != 1 ||
			!strings.Contains(res.Skipped[0].Reason, "already holds RIF until 2027-06-30") {
			t.Fatalf("RIF award = %+v, %v", res, err)
		}
		if g1, g2 := expiryOf(t, db, "G1", "RIF"), expiryOf(t, db, "G2", "RIF"); g1 != "2027-06-30" || g2 != "2027-05-18" {
			t.Fatalf("RIF expiries G1 %s, G2 %s", g1, g2)
		}
		audits := count(t, db, `SELECT count(*) FROM audit_log`)
		if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'member.award' AND entity_key = 'G2' AND before_json NOT LIKE '%"RIF"%' AND after_json LIKE '%"RIF"%'`); n != "1" {
			t.Fatalf("%s member.award audit entries of G2 with before and after", n)
		}

		// Repeating the award changes nothing.
		res, err = db.AwardQualification(commander, e.ID, rif)
		if err != nil || res.Awarded != 0 || res.Renewed != 0 || len(res.Skipped) != 2 {
			t.Fatalf("repeated RIF award = %+v, %v", res, err)
		}
		if n := count(t, db, `SELECT count(*) FROM audit_log`); n != audits {
			t.Fatalf("audit log grew from %s to %s on a repeated award", audits, n)
		}

		// Track and role filters: only the command staff trainee; the
		// catalogue's CMD does not expire.
		res, err = db.AwardQualification(commander, e.ID, muster.AwardInput{Qualification: "CMD", Track: "command staff", Roles: []muster.ParticipantRole{"trainee"}})
		if err != nil || res.Awarded != 1 || len(res.Skipped) != 0 {
			t.Fatalf("CMD award = %+v, %v", res, err)
		}
		if g1, g2 := expiryOf(t, db, "G1", "CMD"), expiryOf(t, db, "G2", "CMD"); g1 != "none" || g2 != "" {
			t.Fatalf("CMD G1 %q, G2 %q", g1, g2)
		}
		res, err = db.AwardQualification(commander, e.ID, muster.AwardInput{Qualification: "MED", Roles: []muster.ParticipantRole{"staff"}})
		if err != nil || res.Awarded+res.Renewed+len(res.Skipped) != 0 {
			t.Fatalf("award to no staff = %+v, %v", res, err)
		}

		awards, err := db.Awards(sqldbtest.As(t, db, muster.RoleViewer, "GOM"), e.ID)
		if err != nil || len(awards) != 3 || awards[0].Qualification != "CMD" || !awards[0].Expires.IsZero() ||
			awards[1].Qualification != "RIF" || awards[1].MinDays != 2 || awards[1].Expires.String() != "2027-05-18" ||
			awards[2].Qualification != "MED" || awards[2].MinDays != 3 || len(awards[2].Result.Skipped) != 1 {
			t.Fatalf("awards = %+v, %v", awards, err)
		}
		_, err = db.Awards(sqldbtest.As(t, db, muster.RoleViewer, "BRE"), e.ID)
		wantCode(t, err, muster.EFORBIDDEN)
	})
}
