package sqldb_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// addStaff creates a user of the role over the unit with the contact data.
func addStaff(t *testing.T, db *sqldb.DB, login string, role muster.Role, unit string, c muster.UserContact) *muster.User {
	t.Helper()
	u := &muster.User{Login: login, Name: "Staff " + login, Role: role, Unit: unit}
	if err := db.CreateUser(sqldbtest.System(), u, "correct horse battery staple"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetUserContact(sqldbtest.System(), login, c); err != nil {
		t.Fatal(err)
	}
	return u
}

// staffDeliveries claims the due deliveries of the purpose on the channel.
func staffDeliveries(t *testing.T, db *sqldb.DB, ch muster.Channel, now time.Time, purpose muster.DeliveryPurpose) []muster.Delivery {
	t.Helper()
	var out []muster.Delivery
	for _, d := range claim(t, db, ch, now, 100) {
		if d.Purpose == purpose {
			out = append(out, d)
		}
	}
	return out
}

// TestExpiryDigestMessages runs a day's reminders over GOM-MOZ (S14,
// E60) and BRE-PIN (B20): the commander of GOM-MOZ, with an e-mail, is
// sent one digest of GOM-MOZ's reminders only; the commander of BRE, with
// a phone, one of BRE's only; the GOM commander, without contact data,
// none, though their dashboard digest is recorded. A second run the same
// day sends nothing.
func TestExpiryDigestMessages(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		seedExpiring(t, db)
		ctx := sqldbtest.System()
		b20 := muster.Member{ServiceNumber: "B20", FamilyName: "Бор", GivenName: "Ян", BirthDate: date(t, "1990-01-01"), Unit: "BRE-PIN",
			Status: muster.StatusActive, Qualifications: []muster.MemberQualification{{Code: "MED", Expires: muster.DateOf(sqldbtest.Now).AddDays(20)}}}
		if err := db.CreateMember(ctx, &b20); err != nil {
			t.Fatal(err)
		}
		moz := addStaff(t, db, "cmd-moz", muster.RoleCommander, "GOM-MOZ", muster.UserContact{Email: "moz@example.org", Phone: "+375297770001"})
		if _, err := db.SetUserContact(ctx, "cmd-bre", muster.UserContact{Phone: "+375297770002"}); err != nil {
			t.Fatal(err)
		}
		addStaff(t, db, "clerk-moz", muster.RoleClerk, "GOM-MOZ", muster.UserContact{Email: "clerk@example.org"})

		o := muster.ExpiryOptions{Channels: []muster.Channel{muster.ChannelSMS, muster.ChannelEmail}}
		run, err := db.RunExpiryReminders(ctx, sqldbtest.Now, o)
		if err != nil {
			t.Fatal(err)
		}
		if run.Reminders != 3 || run.Digests != 3 || run.DigestDeliveries != 2 {
			t.Fatalf("run = %+v, want 3 reminders, 3 digests, 2 of them sent", *run)
		}
		mails := staffDeliveries(t, db, muster.ChannelEmail, sqldbtest.Now, muster.PurposeDigest)
		if len(mails) != 1 {
			t.Fatalf("%d digest e-mails, want 1 (to cmd-moz)", len(mails))
		}
		m := mails[0]
		if m.Address != "moz@example.org" || m.UserID != moz.ID || m.MemberID != 0 || m.Name != "Staff cmd-moz" || m.Page != "/" || m.Token != "" || m.Digest == nil {
			t.Fatalf("digest e-mail = %+v", m)
		}
		var soonest []string
		for _, r := range m.Digest.Soonest {
			soonest = append(soonest, r.ServiceNumber+" "+r.Qualification+" "+r.ExpiresOn.String())
		}
		sameList(t, "GOM-MOZ's soonest", soonest, []string{"S14 MED 2026-12-03", "E60 RIF 2027-01-12"})
		var lines []string
		for _, l := range m.Digest.Lines {
			lines = append(lines, l.Unit+" "+l.Qualification)
		}
		sameList(t, "GOM-MOZ's lines", lines, []string{"GOM-MOZ MED", "GOM-MOZ-1 RIF"})
		if m.Digest.Unit != "GOM-MOZ" || m.Digest.Reminders != 2 || m.Digest.MoreLines != 0 {
			t.Errorf("GOM-MOZ's digest = %+v", *m.Digest)
		}

		texts := staffDeliveries(t, db, muster.ChannelSMS, sqldbtest.Now, muster.PurposeDigest)
		if len(texts) != 1 || texts[0].Address != "+375297770002" || texts[0].Digest == nil || texts[0].Digest.Unit != "BRE" ||
			texts[0].Digest.Reminders != 1 || len(texts[0].Digest.Soonest) != 1 || texts[0].Digest.Soonest[0].ServiceNumber != "B20" {
			t.Fatalf("digest SMS = %+v, want one to cmd-bre of B20 alone", texts)
		}

		// The same day again: nothing; the dashboard keeps its digest.
		if run, err := db.RunExpiryReminders(ctx, sqldbtest.Now.Add(2*time.Hour), o); err != nil || run.Ran {
			t.Fatalf("second run = %+v, %v", run, err)
		}
		if n := count(t, db, `SELECT count(*) FROM deliveries WHERE purpose = 'digest'`); n != "2" {
			t.Errorf("%s digest deliveries after the second run, want 2", n)
		}
		if d, err := db.FindExpiryDigest(asUser(t, db, moz), 10); err != nil || len(d.Reminders) != 2 {
			t.Errorf("cmd-moz's dashboard digest = %+v, %v", d, err)
		}
	})
}

// TestCheckEscalationMessages closes a campaign over GOM-MOZ with every
// item unconfirmed: the commander of GOM and the armorer of GOM-MOZ, who
// have contact data, are told once; a commander of BRE, a clerk of
// GOM-MOZ, a commander below the campaign's unit and an armorer without
// contact data are not.
func TestCheckEscalationMessages(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		seedCheck(t, db)
		gom := addStaff(t, db, "cmd-gom", muster.RoleCommander, "GOM", muster.UserContact{Email: "gom@example.org"})
		arm := addStaff(t, db, "arm-moz", muster.RoleArmorer, "GOM-MOZ", muster.UserContact{Phone: "+375297770003"})
		addStaff(t, db, "arm-quiet", muster.RoleArmorer, "GOM-MOZ", muster.UserContact{})
		addStaff(t, db, "cmd-bre", muster.RoleCommander, "BRE", muster.UserContact{Email: "bre@example.org"})
		addStaff(t, db, "clerk-moz", muster.RoleClerk, "GOM-MOZ", muster.UserContact{Email: "clerk@example.org"})
		addStaff(t, db, "cmd-moz1", muster.RoleCommander, "GOM-MOZ-1", muster.UserContact{Email: "moz1@example.org"})
		deadline := sqldbtest.Now.Add(72 * time.Hour)
		c, err := db.CreateArmoryCheck(sqldbtest.As(t, db, muster.RoleArmorer, "GOM-MOZ"), muster.ArmoryCheckInput{Unit: "GOM-MOZ", Deadline: deadline})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := db.ApplyDueChecks(sqldbtest.System(), deadline); err != nil {
				t.Fatal(err)
			}
		}
		mails := staffDeliveries(t, db, muster.ChannelEmail, deadline, muster.PurposeEscalated)
		texts := staffDeliveries(t, db, muster.ChannelSMS, deadline, muster.PurposeEscalated)
		if len(mails) != 1 || mails[0].UserID != gom.ID || len(texts) != 1 || texts[0].UserID != arm.ID {
			t.Fatalf("escalation e-mails %+v and SMS %+v, want one each to cmd-gom and arm-moz", mails, texts)
		}
		for _, d := range append(mails, texts...) {
			e := d.Escalation
			if e == nil || e.Check != c.ID || e.Unit != "GOM-MOZ" || !e.Deadline.Equal(deadline) || e.Escalated != 4 ||
				d.Page != "/armory-checks/"+strconv.FormatInt(c.ID, 10) || d.Purpose.Priority() != muster.PriorityArmory {
				t.Errorf("escalation %+v: %+v, want check %d of GOM-MOZ with 4 escalated", d, e, c.ID)
			}
		}
	})
}
