package sqldb_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/answertoken"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// everyone calls up G1, G2 (GOM-MOZ-1) and B1 (BRE-PIN).
func everyone(t *testing.T, db *sqldb.DB) (*muster.CallUp, map[string]string) {
	t.Helper()
	c := newCallUp("TD")
	c.Filter.Status = []muster.MemberStatus{muster.StatusActive, muster.StatusReserve}
	createCallUp(t, db, sqldbtest.System(), c)
	_, tokens := notices(t, db, c.ID)
	return c, tokens
}

func answer(t *testing.T, db *sqldb.DB, token string, a muster.Answer) {
	t.Helper()
	if err := db.SaveAnswer(context.Background(), token, &a); err != nil {
		t.Fatalf("answer %+v: %v", a, err)
	}
}

// counts renders a readiness node's numbers.
type counts struct{ targeted, delivered, yes, late, no, noAnswer, checkedIn, target, children int }

func countsOf(r *muster.Readiness) counts {
	return counts{r.Targeted, r.Delivered, r.Yes, r.Late, r.No, r.NoAnswer, r.CheckedIn, r.Target, len(r.Children)}
}

func TestCallUpAnswersAndReadiness(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		c, tokens := everyone(t, db)
		answer(t, db, tokens["G1"], muster.Answer{Answer: muster.AnswerYes})
		answer(t, db, tokens["G2"], muster.Answer{Answer: muster.AnswerLate, ETAMinutes: 45})
		answer(t, db, tokens["B1"], muster.Answer{Answer: muster.AnswerNo, Reason: "night shift"})
		// G1 changes its mind: the last answer counts, the history is kept.
		db.Now = func() time.Time { return sqldbtest.Now.Add(time.Minute) }
		answer(t, db, tokens["G1"], muster.Answer{Answer: muster.AnswerLate, ETAMinutes: 20, Via: "sms"})
		if n := count(t, db, `SELECT CAST(count(*) AS TEXT) FROM callup_answers WHERE callup_id = $1`, c.ID); n != "4" {
			t.Errorf("%s answers kept, want 4", n)
		}
		page, err := db.AnswerPage(context.Background(), tokens["G1"])
		if err != nil || page.Last == nil || page.Last.Answer != muster.AnswerLate || page.Last.ETAMinutes != 20 || page.Last.Via != "sms" ||
			!page.Last.At.Equal(sqldbtest.Now.Add(time.Minute)) {
			t.Fatalf("G1's page %+v (last %+v), %v", page, page.Last, err)
		}
		page, _ = db.AnswerPage(context.Background(), tokens["B1"])
		if page.Last.Answer != muster.AnswerNo || page.Last.Reason != "night shift" || page.Last.Via != "link" {
			t.Errorf("B1's last answer %+v", page.Last)
		}
		if err := db.CheckIn(ctx, c.ID, "G2"); err != nil {
			t.Fatal(err)
		}

		r, err := db.Readiness(ctx, c.ID, "", 3)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := countsOf(r), (counts{3, 0, 0, 2, 1, 0, 1, 150, 2}); r.Unit != "TD" || got != want {
			t.Fatalf("TD: %+v, want %+v", got, want)
		}
		bre, gom := r.Children[0], r.Children[1]
		if bre.Unit != "BRE" || gom.Unit != "GOM" {
			t.Fatalf("children %s, %s", bre.Unit, gom.Unit)
		}
		if got, want := countsOf(bre), (counts{1, 0, 0, 0, 1, 0, 0, 50, 1}); got != want {
			t.Errorf("BRE: %+v, want %+v", got, want)
		}
		company := gom.Children[0].Children[0]
		if got, want := countsOf(company), (counts{2, 0, 0, 2, 0, 0, 1, 100, 0}); company.Unit != "GOM-MOZ-1" || got != want {
			t.Errorf("%s: %+v, want %+v", company.Unit, got, want)
		}
		// A unit of the call-up's subtree, without children.
		r, err = db.Readiness(ctx, c.ID, "GOM-MOZ", 0)
		if got, want := countsOf(r), (counts{2, 0, 0, 2, 0, 0, 1, 100, 0}); err != nil || got != want {
			t.Errorf("GOM-MOZ: %+v, %v; want %+v", got, err, want)
		}
		// One level of children only.
		r, _ = db.Readiness(ctx, c.ID, "", 1)
		if len(r.Children) != 2 || len(r.Children[1].Children) != 0 {
			t.Errorf("depth 1: %d children, grandchildren %d", len(r.Children), len(r.Children[1].Children))
		}
		// A unit outside the call-up's subtree.
		gomOnly := createCallUp(t, db, ctx, newCallUp("GOM"))
		_, err = db.Readiness(ctx, gomOnly.ID, "BRE", 1)
		wantCode(t, err, muster.EINVALID)
		r, err = db.Readiness(ctx, gomOnly.ID, "", 5)
		if err != nil || r.Targeted != 1 || r.NoAnswer != 1 || r.Target != 100 {
			t.Errorf("fresh GOM call-up: %+v, %v", r, err)
		}

		// Too late: more than a day after the report-by time (B1, not
		// checked in, could answer until then).
		db.Now = func() time.Time { return c.ReportBy.Add(24*time.Hour + time.Second) }
		wantCode(t, db.SaveAnswer(context.Background(), tokens["B1"], &muster.Answer{Answer: muster.AnswerYes}), muster.ECONFLICT)
		db.Now = func() time.Time { return c.ReportBy.Add(23 * time.Hour) }
		answer(t, db, tokens["B1"], muster.Answer{Answer: muster.AnswerYes})
	})
}

func TestCallUpBadTokensWriteNothing(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		c, tokens := everyone(t, db)
		good := tokens["G1"]
		flipped := []byte(good)
		flipped[20] = map[bool]byte{true: 'b', false: 'a'}[flipped[20] == 'a'] // still the alphabet, wrong MAC
		for name, token := range map[string]string{
			"empty":     "",
			"truncated": good[:len(good)-1],
			"altered":   string(flipped),
			"forged":    answertoken.Sign(bytes.Repeat([]byte{1}, 32), c.ID, 1),
			"garbage":   "../../etc/passwd",
		} {
			err := db.SaveAnswer(context.Background(), token, &muster.Answer{Answer: muster.AnswerYes})
			if muster.ErrorCode(err) != muster.EUNAUTHORIZED {
				t.Errorf("%s: SaveAnswer error %v, want unauthorized", name, err)
			}
			_, err = db.AnswerPage(context.Background(), token)
			if muster.ErrorCode(err) != muster.EUNAUTHORIZED {
				t.Errorf("%s: AnswerPage error %v, want unauthorized", name, err)
			}
		}
		wantCode(t, db.SaveAnswer(context.Background(), good, &muster.Answer{Answer: muster.AnswerLate}), muster.EINVALID) // no ETA
		wantCode(t, db.SaveAnswer(context.Background(), good, &muster.Answer{Answer: "maybe"}), muster.EINVALID)
		if n := count(t, db, `SELECT CAST(count(*) AS TEXT) FROM callup_answers`); n != "0" {
			t.Errorf("%s answers stored", n)
		}
		if n := count(t, db, `SELECT CAST(count(*) AS TEXT) FROM callup_members WHERE answer <> '' OR answered_at <> ''`); n != "0" {
			t.Errorf("%s members marked answered", n)
		}
	})
}

// TestAnswerTokenKeyKept checks that the signing key is made once and
// survives reopening: a notice printed yesterday still works.
func TestAnswerTokenKeyKept(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		_, tokens := everyone(t, db)
		key := count(t, db, `SELECT value FROM secrets WHERE name = 'answer_token_key'`)
		if len(key) != 64 {
			t.Fatalf("stored key %q, want 64 hex digits", key)
		}
		again, err := sqldb.Open(context.Background(), db.DSN())
		if err != nil {
			t.Fatal(err)
		}
		defer again.Close()
		if page, err := again.AnswerPage(context.Background(), tokens["B1"]); err != nil || page.ServiceNumber != "B1" {
			t.Fatalf("after reopening: %+v, %v", page, err)
		}
	})
}

func TestCallUpCheckIn(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		c := createCallUp(t, db, sqldbtest.System(), newCallUp("GOM")) // active only: G1
		clerk := sqldbtest.As(t, db, muster.RoleClerk, "GOM-MOZ-1")
		if err := db.CheckIn(clerk, c.ID, "G1"); err != nil {
			t.Fatal(err)
		}
		first := count(t, db, `SELECT checked_in_at FROM callup_members WHERE callup_id = $1`, c.ID)
		db.Now = func() time.Time { return sqldbtest.Now.Add(time.Hour) }
		if err := db.CheckIn(clerk, c.ID, "G1"); err != nil {
			t.Fatalf("second check-in: %v", err)
		}
		if again := count(t, db, `SELECT checked_in_at FROM callup_members WHERE callup_id = $1`, c.ID); again != first || first == "" {
			t.Errorf("checked in at %q, then %q: the first should stand", first, again)
		}
		if n := count(t, db, `SELECT CAST(count(*) AS TEXT) FROM audit_log WHERE action = 'callup.checkin'`); n != "1" {
			t.Errorf("%s check-in audit entries, want 1", n)
		}
		wantCode(t, db.CheckIn(clerk, c.ID, "G2"), muster.ECONFLICT) // reserve: not targeted
		wantCode(t, db.CheckIn(clerk, c.ID, "NOBODY"), muster.ENOTFOUND)
		wantCode(t, db.CheckIn(clerk, 999, "G1"), muster.ENOTFOUND)
		wantCode(t, db.CheckIn(sqldbtest.As(t, db, muster.RoleViewer, "GOM"), c.ID, "G1"), muster.EFORBIDDEN)
		wantCode(t, db.CheckIn(sqldbtest.As(t, db, muster.RoleClerk, "BRE"), c.ID, "G1"), muster.EFORBIDDEN)
		r, err := db.Readiness(sqldbtest.System(), c.ID, "", 0)
		if err != nil || r.CheckedIn != 1 || r.Targeted != 1 {
			t.Errorf("readiness %+v, %v", r, err)
		}
	})
}

// TestCallUpAnswerAfterCheckIn checks that a member checked in cannot
// answer any more, by link or by SMS, alone or in a batch with others'
// answers, and that the refusal changes nothing.
func TestCallUpAnswerAfterCheckIn(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		c, tokens := everyone(t, db)
		answer(t, db, tokens["G1"], muster.Answer{Answer: muster.AnswerYes})
		if err := db.CheckIn(sqldbtest.System(), c.ID, "G1"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.SaveAnswer(context.Background(), tokens["G1"], &muster.Answer{Answer: muster.AnswerNo}), muster.ECONFLICT)
		// In batches with answers that are taken.
		errs := make(chan error, 8)
		for i := range 8 {
			go func() {
				token, a := tokens["G1"], muster.Answer{Answer: muster.AnswerNo, Reason: "changed my mind"}
				if i%2 == 1 {
					token, a = tokens["G2"], muster.Answer{Answer: muster.AnswerLate, ETAMinutes: 10 + i}
				}
				err := db.SaveAnswer(context.Background(), token, &a)
				if (i%2 == 0) != (muster.ErrorCode(err) == muster.ECONFLICT) || (i%2 == 1 && err != nil) {
					err = fmt.Errorf("answer %d: %v", i, err)
				} else {
					err = nil
				}
				errs <- err
			}()
		}
		for range 8 {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
		_, err := db.AnswerBySMS(context.Background(), "+375291234567", "3 ill")
		wantCode(t, err, muster.ECONFLICT)

		page, err := db.AnswerPage(context.Background(), tokens["G1"])
		if err != nil || !page.CheckedIn || page.Last == nil || page.Last.Answer != muster.AnswerYes {
			t.Errorf("G1's page %+v, %v: want checked in, still yes", page, err)
		}
		if n := count(t, db, `SELECT CAST(count(*) AS TEXT) FROM callup_answers WHERE member_id = (SELECT id FROM members WHERE service_number = 'G1')`); n != "1" {
			t.Errorf("G1 has %s answers kept, want 1", n)
		}
		if n := count(t, db, `SELECT CAST(count(*) AS TEXT) FROM deliveries WHERE purpose = 'confirmation'`); n != "0" {
			t.Errorf("%s confirmations queued for a refused SMS answer", n)
		}
		r, err := db.Readiness(sqldbtest.System(), c.ID, "", 0)
		if got, want := countsOf(r), (counts{3, 0, 1, 1, 0, 1, 1, 150, 0}); err != nil || got != want {
			t.Errorf("readiness %+v, %v; want %+v", got, err, want)
		}
	})
}

func TestCallUpScope(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		gomClerk := sqldbtest.As(t, db, muster.RoleClerk, "GOM")
		gomCommander := sqldbtest.As(t, db, muster.RoleCommander, "GOM")
		wantCode(t, db.CreateCallUp(gomClerk, newCallUp("GOM")), muster.EFORBIDDEN)
		wantCode(t, db.CreateCallUp(gomCommander, newCallUp("BRE")), muster.EFORBIDDEN)
		wantCode(t, db.CreateCallUp(gomCommander, newCallUp("TD")), muster.EFORBIDDEN)
		mine := createCallUp(t, db, gomCommander, newCallUp("GOM-MOZ"))
		if mine.CreatedBy != "user:commander@GOM" || mine.Targeted != 1 {
			t.Errorf("created by %q, targeted %d", mine.CreatedBy, mine.Targeted)
		}
		bre := createCallUp(t, db, sqldbtest.System(), newCallUp("BRE"))
		whole := createCallUp(t, db, sqldbtest.System(), newCallUp("TD"))
		_, err := db.Readiness(gomCommander, bre.ID, "", 1)
		wantCode(t, err, muster.EFORBIDDEN)
		// A call-up whose unit holds the actor's: the actor's own subtree
		// only, its own unit by default.
		if r, err := db.Readiness(gomCommander, whole.ID, "GOM", 1); err != nil || r.Unit != "GOM" || r.Targeted != 1 {
			t.Errorf("GOM's commander reads GOM in TD's call-up: %+v, %v", r, err)
		}
		_, err = db.Readiness(gomCommander, mine.ID, "BRE", 1)
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.FindCallUp(gomCommander, bre.ID)
		wantCode(t, err, muster.EFORBIDDEN)
		wantCode(t, db.Notices(gomCommander, bre.ID, "https://x", func(muster.Notice) error { return nil }), muster.EFORBIDDEN)
		// The response links are the members' credentials: roster.read is
		// not enough; the desk staff who check members in get them.
		noop := func(muster.Notice) error { return nil }
		wantCode(t, db.Notices(sqldbtest.As(t, db, muster.RoleViewer, "GOM"), mine.ID, "https://x", noop), muster.EFORBIDDEN)
		wantCode(t, db.Notices(sqldbtest.As(t, db, muster.RoleArmorer, "GOM"), mine.ID, "https://x", noop), muster.EFORBIDDEN)
		for _, staff := range []context.Context{gomClerk, gomCommander} {
			if err := db.Notices(staff, mine.ID, "https://x", noop); err != nil {
				t.Errorf("GOM's %s reads the notices of GOM-MOZ's call-up: %v", muster.ActorFrom(staff).Role, err)
			}
		}
		list, err := db.FindCallUps(gomCommander)
		if err != nil || len(list) != 1 || list[0].ID != mine.ID {
			t.Errorf("GOM's call-ups: %d, %v", len(list), err)
		}
		if r, err := db.Readiness(gomClerk, mine.ID, "", 2); err != nil || r.Targeted != 1 {
			t.Errorf("the GOM clerk reads GOM-MOZ's readiness: %+v, %v", r, err)
		}
		mozClerk := sqldbtest.As(t, db, muster.RoleClerk, "GOM-MOZ")
		gomCallUp := createCallUp(t, db, sqldbtest.System(), newCallUp("GOM"))
		if err := db.CheckIn(mozClerk, gomCallUp.ID, "G1"); err != nil {
			t.Fatalf("the GOM-MOZ clerk checks G1 in at GOM's call-up: %v", err)
		}
		for _, unit := range []string{"", "GOM-MOZ", "GOM-MOZ-1"} {
			want := unit
			if unit == "" {
				want = "GOM-MOZ"
			}
			r, err := db.Readiness(mozClerk, gomCallUp.ID, unit, 1)
			if err != nil || r.Unit != want || r.Targeted != 1 || r.CheckedIn != 1 {
				t.Errorf("the GOM-MOZ clerk reads %q of GOM's call-up: %+v, %v", unit, r, err)
			}
		}
		for _, unit := range []string{"GOM", "TD", "BRE-PIN"} {
			_, err = db.Readiness(mozClerk, gomCallUp.ID, unit, 1)
			wantCode(t, err, muster.EFORBIDDEN)
		}
		_, err = db.Readiness(sqldbtest.As(t, db, muster.RoleClerk, "BRE-PIN"), gomCallUp.ID, "", 1)
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.Readiness(sqldbtest.As(t, db, muster.RoleClerk, "BRE-PIN"), gomCallUp.ID, "BRE-PIN", 1)
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.FindCallUps(context.Background())
		wantCode(t, err, muster.EUNAUTHORIZED)
	})
}
