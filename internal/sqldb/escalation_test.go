package sqldb_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// addMembers adds active members prefix1, prefix2, … to the unit, each
// with a phone and an e-mail address and the qualifications (valid for a
// year).
func addMembers(t testing.TB, db *sqldb.DB, unit, prefix string, n int, quals ...string) {
	t.Helper()
	birth, _ := muster.ParseDate("1990-05-17")
	valid := muster.DateOf(sqldbtest.Now.AddDate(1, 0, 0))
	for i := 1; i <= n; i++ {
		m := muster.Member{ServiceNumber: fmt.Sprintf("%s%d", prefix, i), FamilyName: "Тестов", GivenName: prefix,
			BirthDate: birth, Unit: unit, Status: muster.StatusActive,
			Phone: fmt.Sprintf("+3752%d%06d", len(prefix), i), Email: fmt.Sprintf("%s%d@example.org", prefix, i)}
		for _, q := range quals {
			m.Qualifications = append(m.Qualifications, muster.MemberQualification{Code: q, Expires: valid})
		}
		if err := db.CreateMember(sqldbtest.System(), &m); err != nil {
			t.Fatalf("member %s: %v", m.ServiceNumber, err)
		}
	}
}

// escalationCallUp returns a call-up of GOM-MOZ-1's active members by SMS
// then e-mail.
func escalationCallUp() *muster.CallUp {
	c := newCallUp("GOM-MOZ-1")
	c.Channels = []muster.Channel{muster.ChannelSMS, muster.ChannelEmail}
	return c
}

// deliveryStates returns "SERVICE_NUMBER channel purpose status" for each
// of the call-up's deliveries, sorted.
func deliveryStates(t *testing.T, db *sqldb.DB, id int64) []string {
	t.Helper()
	s := query(t, db, `SELECT COALESCE(string_agg(m.service_number || ' ' || d.channel || ' ' || d.purpose || ' ' || d.status, ','), '')
		FROM deliveries d JOIN members m ON m.id = d.member_id WHERE d.callup_id = $1`, id)
	list := splitNonEmpty(s)
	slices.Sort(list)
	return list
}

func splitNonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func answerAs(t *testing.T, db *sqldb.DB, token string, kind muster.AnswerKind) {
	t.Helper()
	a := &muster.Answer{Answer: kind}
	if kind == muster.AnswerLate {
		a.ETAMinutes = 30
	}
	if err := db.SaveAnswer(sqldbtest.System(), token, a); err != nil {
		t.Fatalf("answer: %v", err)
	}
}

func serviceNumbers(t *testing.T, db *sqldb.DB, list []muster.Delivery) []string {
	t.Helper()
	var out []string
	for _, d := range list {
		out = append(out, d.ServiceNumber+" "+string(d.Purpose))
	}
	slices.Sort(out)
	return out
}

func TestFallbackToNextChannel(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db) // G1 active with a phone, no e-mail
		addMembers(t, db, "GOM-MOZ-1", "F", 3)
		now := sqldbtest.Now
		clock := now
		db.Now = func() time.Time { return clock }
		c := escalationCallUp()
		c.Escalation.FallbackAfter = muster.Duration(15 * time.Minute)
		createCallUp(t, db, sqldbtest.System(), c)
		want := []string{"F1 email notice held", "F1 sms notice pending", "F2 email notice held", "F2 sms notice pending",
			"F3 email notice held", "F3 sms notice pending", "G1 sms notice pending"}
		if got := deliveryStates(t, db, c.ID); !slices.Equal(got, want) {
			t.Fatalf("at creation: %v, want %v", got, want)
		}
		if got := claim(t, db, muster.ChannelEmail, now, 10); len(got) != 0 {
			t.Fatalf("claimed %d held e-mails before they are due", len(got))
		}
		_, tokens := notices(t, db, c.ID)
		answerAs(t, db, tokens["F1"], muster.AnswerYes)
		sms := claim(t, db, muster.ChannelSMS, now, 10)
		if len(sms) != 4 {
			t.Fatalf("claimed %d SMS, want 4", len(sms))
		}
		for _, d := range sms {
			var err error
			if d.ServiceNumber == "F2" {
				err = db.MarkFailed(sqldbtest.System(), d.ID, errors.New("unknown subscriber"), time.Time{})
			} else {
				err = db.MarkSent(sqldbtest.System(), d.ID, "sms-"+d.ServiceNumber)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		// F2's SMS failed for good: its e-mail goes at once.
		email := claim(t, db, muster.ChannelEmail, now, 10)
		if got := serviceNumbers(t, db, email); !slices.Equal(got, []string{"F2 notice"}) {
			t.Fatalf("after the failure, e-mail claimed %v, want F2's", got)
		}
		if err := db.MarkSent(sqldbtest.System(), email[0].ID, "mail-F2"); err != nil {
			t.Fatal(err)
		}
		// Fifteen minutes on: F3 has not answered, F1 has.
		clock = now.Add(15 * time.Minute)
		email = claim(t, db, muster.ChannelEmail, clock, 10)
		if got := serviceNumbers(t, db, email); !slices.Equal(got, []string{"F3 notice"}) {
			t.Fatalf("after fallback_after, e-mail claimed %v, want F3's", got)
		}
		if err := db.MarkSent(sqldbtest.System(), email[0].ID, "mail-F3"); err != nil {
			t.Fatal(err)
		}
		if got := claim(t, db, muster.ChannelEmail, clock.Add(time.Hour), 10); len(got) != 0 {
			t.Fatalf("claimed %d e-mails again", len(got))
		}
		want = []string{"F1 email notice skipped", "F1 sms notice sent", "F2 email notice sent", "F2 sms notice failed",
			"F3 email notice sent", "F3 sms notice sent", "G1 sms notice sent"}
		if got := deliveryStates(t, db, c.ID); !slices.Equal(got, want) {
			t.Fatalf("at the end: %v, want %v", got, want)
		}
	})
}

func TestFallbackFirstReachableChannelGoesAtOnce(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		addMembers(t, db, "GOM-MOZ-1", "F", 1)
		c := escalationCallUp()
		c.Channels = []muster.Channel{muster.ChannelEmail, muster.ChannelSMS}
		c.Escalation.FallbackAfter = muster.Duration(time.Hour)
		createCallUp(t, db, sqldbtest.System(), c)
		// G1 has no e-mail address: SMS is the first channel that reaches G1.
		want := []string{"F1 email notice pending", "F1 sms notice held", "G1 sms notice pending"}
		if got := deliveryStates(t, db, c.ID); !slices.Equal(got, want) {
			t.Fatalf("%v, want %v", got, want)
		}
	})
}

func TestHeldClaimedOnceByConcurrentDispatchers(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		addMembers(t, db, "GOM-MOZ-1", "F", 20)
		c := escalationCallUp()
		c.Escalation.FallbackAfter = muster.Duration(time.Minute)
		createCallUp(t, db, sqldbtest.System(), c)
		due := sqldbtest.Now.Add(time.Minute)
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					list, err := db.ClaimDue(sqldbtest.System(), muster.ChannelEmail, due, 3, time.Minute)
					if err != nil {
						t.Error(err)
						return
					}
					if len(list) == 0 {
						return
					}
					mu.Lock()
					for _, d := range list {
						seen[d.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != 20 {
			t.Errorf("claimed %d held e-mails, want 20", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("delivery %d claimed %d times", id, n)
			}
		}
	})
}

func TestRemindersOnlyToNonRespondersOnce(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		addMembers(t, db, "GOM-MOZ-1", "R", 3)
		now := sqldbtest.Now
		c := escalationCallUp()
		c.Escalation.Reminders = []muster.Duration{muster.Duration(30 * time.Minute), muster.Duration(2 * time.Hour)}
		createCallUp(t, db, sqldbtest.System(), c)
		_, tokens := notices(t, db, c.ID)
		answerAs(t, db, tokens["R1"], muster.AnswerNo)
		if n, err := db.ApplyDueTimers(sqldbtest.System(), now.Add(29*time.Minute)); err != nil || n != 0 {
			t.Fatalf("before the first reminder: applied %d, %v", n, err)
		}
		// Two escalators tick at once: the reminder is queued once.
		var wg sync.WaitGroup
		applied := make([]int, 2)
		for i := range applied {
			wg.Go(func() {
				n, err := db.ApplyDueTimers(sqldbtest.System(), now.Add(30*time.Minute))
				if err != nil {
					t.Error(err)
				}
				applied[i] = n
			})
		}
		wg.Wait()
		if applied[0]+applied[1] != 1 {
			t.Fatalf("applied %v, want one timer in all", applied)
		}
		reminders := `SELECT CAST(count(*) AS TEXT) FROM deliveries WHERE callup_id = $1 AND purpose = 'reminder'`
		// R2, R3 by SMS and e-mail, G1 by SMS (no e-mail address); not R1.
		if n := query(t, db, reminders, c.ID); n != "5" {
			t.Fatalf("%s reminders queued, want 5", n)
		}
		// R2 answers before the reminders are sent: R2 gets none.
		answerAs(t, db, tokens["R2"], muster.AnswerYes)
		got := serviceNumbers(t, db, claim(t, db, muster.ChannelEmail, now.Add(31*time.Minute), 10))
		if want := []string{"R1 notice", "R2 notice", "R3 notice", "R3 reminder"}; !slices.Equal(got, want) {
			t.Fatalf("e-mail claimed %v, want %v", got, want)
		}
		if n, err := db.ApplyDueTimers(sqldbtest.System(), now.Add(31*time.Minute)); err != nil || n != 0 {
			t.Fatalf("ticking again: applied %d, %v", n, err)
		}
		if n := query(t, db, reminders, c.ID); n != "5" {
			t.Fatalf("%s reminders after ticking again, want 5", n)
		}
		if n := query(t, db, `SELECT CAST(count(*) AS TEXT) FROM audit_log WHERE action = 'callup.reminder' AND actor = 'system:escalator'`); n != "1" {
			t.Fatalf("%s audit entries of the reminder, want 1", n)
		}
	})
}

// realertForce adds to the seed: in GOM-MOZ-1 M1 holding MED and N1
// without it; in GOM-REC (the pool, a district of GOM, the call-ups'
// unit) the reservists P1, P2 holding MED and Q1 holding RIF only.
func realertForce(t *testing.T, db *sqldb.DB) {
	sqldbtest.Seed(t, db)
	addMembers(t, db, "GOM-MOZ-1", "M", 1, "MED")
	addMembers(t, db, "GOM-MOZ-1", "N", 1)
	addReservists(t, db, "P", 2, "MED", "RIF")
	addReservists(t, db, "Q", 1, "RIF")
}

// addReservists adds, as addMembers, reservists to GOM-REC, a district of
// GOM made on first use.
func addReservists(t testing.TB, db *sqldb.DB, prefix string, n int, quals ...string) {
	t.Helper()
	sys := sqldbtest.System()
	if _, err := db.FindUnit(sys, "GOM-REC"); muster.ErrorCode(err) == muster.ENOTFOUND {
		u := muster.Unit{Code: "GOM-REC", Name: "Резерв", Parent: "GOM", Kind: muster.UnitDistrict}
		if err := db.CreateUnit(sys, &u); err != nil {
			t.Fatal(err)
		}
	}
	addMembers(t, db, "GOM-REC", prefix, n, quals...)
	reserve := muster.StatusReserve
	for i := 1; i <= n; i++ {
		if _, err := db.UpdateMember(sys, fmt.Sprintf("%s%d", prefix, i), muster.MemberUpdate{Status: &reserve}); err != nil {
			t.Fatal(err)
		}
	}
}

// reservePool re-alerts GOM-REC's reservists after d.
func reservePool(d time.Duration) *muster.Realert {
	return &muster.Realert{After: muster.Duration(d), Unit: "GOM-REC", Filter: muster.CallUpFilter{Status: []muster.MemberStatus{muster.StatusReserve}}}
}

// shortOfMED builds realertForce and calls up GOM needing needed MED
// holders, re-alerting GOM-REC's reservists an hour later.
func shortOfMED(t *testing.T, db *sqldb.DB, needed int) *muster.CallUp {
	t.Helper()
	realertForce(t, db)
	c := escalationCallUp()
	c.Unit = "GOM"
	c.Requirements = []muster.Requirement{{Qualification: "MED", Needed: needed}}
	c.Escalation.Realert = reservePool(time.Hour)
	return createCallUp(t, db, sqldbtest.System(), c)
}

func TestRealertAddsShortQualificationHolders(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		realertForce(t, db)
		now := sqldbtest.Now
		c := escalationCallUp()
		c.Unit = "GOM"
		c.Requirements = []muster.Requirement{{Qualification: "MED", Needed: 2}, {Qualification: "RIF", Needed: 1}}
		// GOM's riflemen are the pool: G1, targeted already, is not added
		// again; G2 (reserve, MED without RIF) is not in it.
		c.Escalation.Realert = &muster.Realert{After: muster.Duration(time.Hour), Unit: "GOM",
			Filter: muster.CallUpFilter{Status: []muster.MemberStatus{muster.StatusActive, muster.StatusReserve}, Qualifications: []string{"RIF"}}}
		createCallUp(t, db, sqldbtest.System(), c)
		if c.Targeted != 3 { // G1, M1, N1
			t.Fatalf("targeted %d, want 3", c.Targeted)
		}
		_, tokens := notices(t, db, c.ID)
		answerAs(t, db, tokens["M1"], muster.AnswerYes)
		answerAs(t, db, tokens["G1"], muster.AnswerLate) // G1's RIF is valid, its MED expired
		r, err := db.Readiness(sqldbtest.System(), c.ID, "", 1)
		if err != nil {
			t.Fatal(err)
		}
		want := []muster.QualificationReadiness{
			{Qualification: "MED", Needed: 2, Targeted: 1, Yes: 1},
			{Qualification: "RIF", Needed: 1, Targeted: 1, Late: 1},
		}
		if got := derefAll(r.Qualifications); !slices.Equal(got, want) {
			t.Fatalf("before the re-alert: %+v, want %+v", got, want)
		}
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				if _, err := db.ApplyDueTimers(sqldbtest.System(), now.Add(time.Hour)); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		// MED is short (1 of 2); RIF is not. P1 and P2 hold MED; Q1 holds RIF only.
		added := query(t, db, `SELECT COALESCE(string_agg(m.service_number || ':' || CAST(cm.wave AS TEXT), ','), '')
			FROM callup_members cm JOIN members m ON m.id = cm.member_id WHERE cm.callup_id = $1 AND cm.added_at <> ''`, c.ID)
		if got := splitNonEmpty(added); len(got) != 2 || !slices.Contains(got, "P1:1") || !slices.Contains(got, "P2:1") {
			t.Fatalf("added %v, want P1 and P2 in wave 1", got)
		}
		r, err = db.Readiness(sqldbtest.System(), c.ID, "", 1)
		if err != nil {
			t.Fatal(err)
		}
		want = []muster.QualificationReadiness{
			{Qualification: "MED", Needed: 2, Targeted: 3, Yes: 1, NoAnswer: 2},
			{Qualification: "RIF", Needed: 1, Targeted: 3, Late: 1, NoAnswer: 2},
		}
		if got := derefAll(r.Qualifications); !slices.Equal(got, want) || r.Targeted != 5 {
			t.Fatalf("after the re-alert: targeted %d, %+v, want 5, %+v", r.Targeted, got, want)
		}
		found, err := db.FindCallUp(sqldbtest.System(), c.ID)
		if err != nil || found.Targeted != 5 || found.Escalation.Realert == nil || found.Escalation.Realert.Unit != "GOM" {
			t.Fatalf("found %+v, %v", found, err)
		}
		// Their notices are queued; a subtree's readiness counts its own members.
		if got := deliveryStates(t, db, c.ID); !slices.Contains(got, "P1 sms notice pending") || !slices.Contains(got, "P2 email notice pending") {
			t.Fatalf("deliveries %v lack the new members' notices", got)
		}
		sub, err := db.Readiness(sqldbtest.System(), c.ID, "GOM-MOZ-1", 0)
		if err != nil {
			t.Fatal(err)
		}
		if sub.Qualifications[0].Targeted != 1 || sub.Targeted != 3 {
			t.Fatalf("MED in GOM-MOZ-1: %+v, want 1 targeted", *sub.Qualifications[0])
		}
		if n := query(t, db, `SELECT CAST(count(*) AS TEXT) FROM audit_log WHERE action = 'callup.realert'`); n != "1" {
			t.Fatalf("%s audit entries of the re-alert, want 1", n)
		}
	})
}

func TestRealertNotShortAddsNobody(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		c := shortOfMED(t, db, 1)
		_, tokens := notices(t, db, c.ID)
		answerAs(t, db, tokens["M1"], muster.AnswerYes)
		if n, err := db.ApplyDueTimers(sqldbtest.System(), sqldbtest.Now.Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("applied %d, %v", n, err)
		}
		if n := query(t, db, `SELECT CAST(targeted AS TEXT) FROM callups WHERE id = $1`, c.ID); n != "3" {
			t.Fatalf("targeted %s after a re-alert that was not needed, want 3", n)
		}
	})
}

// TestRealertPoolMovedOutAddsNobody: a pool's unit moved out of the
// call-up's unit after its creation adds none of its members: what a
// call-up holds stays inside its unit.
func TestRealertPoolMovedOutAddsNobody(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		c := shortOfMED(t, db, 5)
		bre := "BRE"
		if _, err := db.UpdateUnit(sqldbtest.System(), "GOM-REC", muster.UnitUpdate{Parent: &bre}); err != nil {
			t.Fatal(err)
		}
		if n, err := db.ApplyDueTimers(sqldbtest.System(), sqldbtest.Now.Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("applied %d, %v", n, err)
		}
		if n := query(t, db, `SELECT CAST(count(*) AS TEXT) FROM callup_members WHERE callup_id = $1 AND wave > 0`, c.ID); n != "0" {
			t.Fatalf("the re-alert added %s members of a pool now in BRE", n)
		}
	})
}

func TestEscalationValidationChangesNothing(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		realertForce(t, db)
		commander := sqldbtest.As(t, db, muster.RoleCommander, "GOM")
		for _, tc := range []struct {
			name  string
			edit  func(c *muster.CallUp)
			code  string
			field string
		}{
			{"unknown qualification", func(c *muster.CallUp) {
				c.Requirements = []muster.Requirement{{Qualification: "PILOT", Needed: 1}}
			}, muster.EINVALID, "requirements[0].qualification"},
			{"repeated qualification", func(c *muster.CallUp) {
				c.Requirements = []muster.Requirement{{Qualification: "MED", Needed: 1}, {Qualification: "MED", Needed: 2}}
			}, muster.EINVALID, "requirements[1].qualification"},
			{"needed 0", func(c *muster.CallUp) {
				c.Requirements = []muster.Requirement{{Qualification: "MED"}}
			}, muster.EINVALID, "requirements[0].needed"},
			{"negative fallback", func(c *muster.CallUp) {
				c.Escalation.FallbackAfter = muster.Duration(-time.Minute)
			}, muster.EINVALID, "escalation.fallback_after"},
			{"unknown pool unit", func(c *muster.CallUp) {
				c.Requirements = []muster.Requirement{{Qualification: "MED", Needed: 1}}
				c.Escalation.Realert = &muster.Realert{After: muster.Duration(time.Hour), Unit: "NOPE"}
			}, muster.EINVALID, "escalation.realert.unit"},
			{"pool outside the creator's subtree", func(c *muster.CallUp) {
				c.Requirements = []muster.Requirement{{Qualification: "MED", Needed: 1}}
				c.Escalation.Realert = &muster.Realert{After: muster.Duration(time.Hour), Unit: "BRE-PIN"}
			}, muster.EINVALID, "escalation.realert.unit"},
			// In the creator's subtree, but not in GOM-MOZ-1: its members
			// would be shown to staff of GOM-MOZ-1 who may not see them.
			{"pool outside the call-up's unit", func(c *muster.CallUp) {
				c.Requirements = []muster.Requirement{{Qualification: "MED", Needed: 1}}
				c.Escalation.Realert = reservePool(time.Hour)
			}, muster.EINVALID, "escalation.realert.unit"},
		} {
			c := escalationCallUp()
			c.Escalation.Reminders = []muster.Duration{muster.Duration(time.Hour)}
			tc.edit(c)
			err := db.CreateCallUp(commander, c)
			if muster.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
				continue
			}
			if d := muster.ErrorDetails(err); tc.field != "" && (len(d) == 0 || d[0].Field != tc.field) {
				t.Errorf("%s: details %+v, want field %s", tc.name, d, tc.field)
			}
		}
		for _, table := range []string{"callups", "callup_members", "deliveries", "escalation_timers"} {
			if n := query(t, db, `SELECT CAST(count(*) AS TEXT) FROM `+table); n != "0" {
				t.Errorf("%s rows in %s after rejected call-ups", n, table)
			}
		}
	})
}

func derefAll(list []*muster.QualificationReadiness) []muster.QualificationReadiness {
	out := make([]muster.QualificationReadiness, len(list))
	for i, q := range list {
		out[i] = *q
	}
	return out
}

// TestTimersAfterReportByDoNothing: a reminder and a re-alert whose time
// comes after the report-by time are applied once, queue nothing and add
// nobody, and say why.
func TestTimersAfterReportByDoNothing(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		realertForce(t, db)
		c := escalationCallUp()
		c.Unit = "GOM"
		c.Requirements = []muster.Requirement{{Qualification: "MED", Needed: 5}}
		c.Escalation.Reminders = []muster.Duration{muster.Duration(48 * time.Hour)}
		c.Escalation.Realert = reservePool(30 * time.Hour)
		createCallUp(t, db, sqldbtest.System(), c)
		before := deliveryStates(t, db, c.ID)
		if n, err := db.ApplyDueTimers(sqldbtest.System(), sqldbtest.Now.Add(49*time.Hour)); err != nil || n != 2 {
			t.Fatalf("applied %d timers, %v; want 2", n, err)
		}
		if after := deliveryStates(t, db, c.ID); !slices.Equal(after, before) {
			t.Errorf("deliveries changed after report-by:\n%v\nwant\n%v", after, before)
		}
		if n := query(t, db, `SELECT CAST(count(*) AS TEXT) FROM callup_members WHERE callup_id = $1 AND wave > 0`, c.ID); n != "0" {
			t.Errorf("a re-alert after report-by added %s members", n)
		}
		if n := query(t, db, `SELECT CAST(count(*) AS TEXT) FROM escalation_timers WHERE callup_id = $1 AND result LIKE '%report-by time has passed%'`, c.ID); n != "2" {
			t.Errorf("%s timers say why they did nothing, want 2", n)
		}
	})
}
