package sqldb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// answeredCallUp seeds G3 (GOM-MOZ-1, with a phone and an e-mail address)
// and calls up everyone by SMS, e-mail and paper; G1 answers yes, G3 late,
// G2 no, B1 nothing.
func answeredCallUp(t *testing.T, db *sqldb.DB) *muster.CallUp {
	t.Helper()
	ctx := sqldbtest.System()
	g3 := &muster.Member{ServiceNumber: "G3", FamilyName: "Петров", GivenName: "Иван", BirthDate: muster.DateOf(sqldbtest.Now.AddDate(-30, 0, 0)),
		Unit: "GOM-MOZ-1", Status: muster.StatusActive, Phone: "+375291112233", Email: "petrov@example.org"}
	if err := db.CreateMember(ctx, g3); err != nil {
		t.Fatal(err)
	}
	c := newCallUp("TD")
	c.Filter.Status = []muster.MemberStatus{muster.StatusActive, muster.StatusReserve}
	c.Channels = []muster.Channel{muster.ChannelSMS, muster.ChannelEmail, muster.ChannelPaper}
	createCallUp(t, db, ctx, c)
	_, tokens := notices(t, db, c.ID)
	answer(t, db, tokens["G1"], muster.Answer{Answer: muster.AnswerYes})
	answer(t, db, tokens["G3"], muster.Answer{Answer: muster.AnswerLate, ETAMinutes: 30})
	answer(t, db, tokens["G2"], muster.Answer{Answer: muster.AnswerNo, Reason: "ill"})
	return c
}

// followUps lists the call-up's deliveries other than notices as
// "SN channel purpose status", in order.
func followUps(t *testing.T, db *sqldb.DB, id int64) string {
	t.Helper()
	return count(t, db, `SELECT COALESCE(string_agg(x, ', '), '') FROM (SELECT m.service_number || ' ' || d.channel || ' ' || d.purpose || ' ' || d.status AS x
		FROM deliveries d JOIN members m ON m.id = d.member_id WHERE d.callup_id = $1 AND d.purpose <> 'notice'
		ORDER BY m.service_number, d.purpose, d.channel) s`, id)
}

func TestSelect(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		c := answeredCallUp(t, db)
		ctx := sqldbtest.System()

		// Refused, and nothing changes: no answer, answered no, unknown, not targeted.
		for _, sn := range []string{"B1", "G2", "X9"} {
			_, err := db.Select(ctx, c.ID, []string{"G1", sn})
			wantCode(t, err, muster.EUNPROCESSABLE)
			if !strings.Contains(muster.ErrorMessage(err), sn+": ") || len(muster.ErrorDetails(err)) != 1 {
				t.Errorf("%s: error %q %v does not name it alone", sn, muster.ErrorMessage(err), muster.ErrorDetails(err))
			}
		}
		_, err := db.Select(ctx, c.ID, nil)
		wantCode(t, err, muster.EINVALID)
		_, err = db.Select(sqldbtest.As(t, db, muster.RoleClerk, "TD"), c.ID, []string{"G1"})
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.Select(sqldbtest.As(t, db, muster.RoleCommander, "BRE"), c.ID, []string{"G1"})
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.Select(ctx, 999, []string{"G1"})
		wantCode(t, err, muster.ENOTFOUND)
		if got := followUps(t, db, c.ID); got != "" {
			t.Fatalf("a refused selection queued %s", got)
		}

		sel, err := db.Select(sqldbtest.As(t, db, muster.RoleCommander, "TD"), c.ID, []string{"G1", "G1"})
		if err != nil {
			t.Fatal(err)
		}
		want := muster.Selection{CallUp: c.ID, Selected: 1, Standby: 1, Deliveries: 3,
			SelectionSummary: muster.SelectionSummary{TotalSelected: 1, TotalStandby: 1, YesOrLate: 2}}
		if *sel != want {
			t.Errorf("selection %+v, want %+v", *sel, want)
		}
		// G1 has only a phone; G3 a phone and an e-mail address; no paper.
		if got := followUps(t, db, c.ID); got != "G1 sms selected pending, G3 email standby pending, G3 sms standby pending" {
			t.Errorf("deliveries after the first selection: %s", got)
		}

		// Again: G1 gets nothing more, G3 is selected now, nobody is left to stand by.
		sel, err = db.Select(ctx, c.ID, []string{"G1", "G3"})
		if err != nil {
			t.Fatal(err)
		}
		want = muster.Selection{CallUp: c.ID, Selected: 1, Standby: 0, Deliveries: 2,
			SelectionSummary: muster.SelectionSummary{TotalSelected: 2, TotalStandby: 0, YesOrLate: 2}}
		if *sel != want {
			t.Errorf("second selection %+v, want %+v", *sel, want)
		}
		if got := followUps(t, db, c.ID); got != "G1 sms selected pending, G3 email selected pending, G3 sms selected pending, G3 email standby pending, G3 sms standby pending" {
			t.Errorf("deliveries after the second selection: %s", got)
		}
		if n := count(t, db, `SELECT CAST(count(*) AS TEXT) FROM audit_log WHERE action = 'callup.select'`); n != "2" {
			t.Errorf("%s audit entries, want 2", n)
		}

		cands, err := db.Candidates(ctx, c.ID, muster.CandidateFilter{Q: "petr"})
		if err != nil || len(cands) != 1 || cands[0].ServiceNumber != "G3" || !cands[0].Selected || cands[0].Answer != muster.AnswerLate || cands[0].ETAMinutes != 30 {
			t.Errorf("candidates petr: %+v, %v", cands, err)
		}
		cands, err = db.Candidates(ctx, c.ID, muster.CandidateFilter{After: "G1", Limit: 1})
		if err != nil || len(cands) != 1 || cands[0].ServiceNumber != "G3" {
			t.Errorf("candidates after G1: %+v, %v", cands, err)
		}
		_, err = db.Candidates(sqldbtest.As(t, db, muster.RoleClerk, "BRE"), c.ID, muster.CandidateFilter{})
		wantCode(t, err, muster.EFORBIDDEN)
	})
}

func TestSelectDrill(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		c := newCallUp("GOM")
		c.Drill = true
		createCallUp(t, db, sqldbtest.System(), c)
		_, tokens := notices(t, db, c.ID)
		answer(t, db, tokens["G1"], muster.Answer{Answer: muster.AnswerYes})
		if _, err := db.Select(sqldbtest.System(), c.ID, []string{"G1"}); err != nil {
			t.Fatal(err)
		}
		if got := followUps(t, db, c.ID); got != "G1 sms selected drill" {
			t.Errorf("drill deliveries: %s", got)
		}
	})
}

func TestNoShows(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		c := answeredCallUp(t, db)
		ctx := sqldbtest.System()
		list := func(unit string) (string, error) {
			var out []string
			err := db.NoShows(ctx, c.ID, unit, func(n *muster.NoShow) error {
				out = append(out, n.ServiceNumber+":"+string(n.Answer)+":"+n.Unit)
				return nil
			})
			return strings.Join(out, " "), err
		}
		_, err := list("")
		wantCode(t, err, muster.ECONFLICT)

		if _, err := db.Select(ctx, c.ID, []string{"G3"}); err != nil {
			t.Fatal(err)
		}
		if err := db.CheckIn(ctx, c.ID, "G1"); err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return c.ReportBy.Add(time.Minute) }
		got, err := list("")
		if want := "G3:late:GOM-MOZ-1 B1::BRE-PIN G2:no:GOM-MOZ-1"; err != nil || got != want {
			t.Errorf("no-shows %q, %v; want %q", got, err, want)
		}
		got, err = list("GOM")
		if want := "G3:late:GOM-MOZ-1 G2:no:GOM-MOZ-1"; err != nil || got != want {
			t.Errorf("no-shows of GOM %q, %v; want %q", got, err, want)
		}
		err = db.NoShows(sqldbtest.As(t, db, muster.RoleCommander, "GOM"), c.ID, "", func(*muster.NoShow) error { return nil })
		wantCode(t, err, muster.EFORBIDDEN)
	})
}

// TestSelectConcurrently selects the same member from several goroutines
// at once: the member gets one "selected" message, however they interleave.
func TestSelectConcurrently(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		c := answeredCallUp(t, db)
		errs := make(chan error, 8)
		for range 8 {
			go func() {
				_, err := db.Select(sqldbtest.System(), c.ID, []string{"G1"})
				errs <- err
			}()
		}
		for range 8 {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
		if got := followUps(t, db, c.ID); got != "G1 sms selected pending, G3 email standby pending, G3 sms standby pending" {
			t.Errorf("deliveries: %s", got)
		}
	})
}
