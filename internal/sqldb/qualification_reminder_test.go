package sqldb_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// seedExpiring adds to Seed members whose qualifications expire soon,
// counted from sqldbtest.Now (2026-11-23): E60 (e-mail only) holds RIF
// until 2027-01-12, 50 days on; S14 (phone and e-mail) holds MED until
// 2026-12-03, 10 days on; D10, discharged, holds RIF until then too. And
// commanders of GOM (holding them all) and of BRE (holding none).
func seedExpiring(t *testing.T, db *sqldb.DB) (gom, bre *muster.User) {
	t.Helper()
	sqldbtest.Seed(t, db)
	ctx := sqldbtest.System()
	birth := date(t, "1991-03-02")
	for _, m := range []muster.Member{
		{ServiceNumber: "E60", FamilyName: "Лях", GivenName: "Олег", BirthDate: birth, Unit: "GOM-MOZ-1", Status: muster.StatusActive,
			Email: "e60@example.org", Qualifications: []muster.MemberQualification{{Code: "RIF", Expires: date(t, "2027-01-12")}}},
		{ServiceNumber: "S14", FamilyName: "Гук", GivenName: "Ира", BirthDate: birth, Unit: "GOM-MOZ", Status: muster.StatusReserve,
			Phone: "+375291110014", Email: "s14@example.org", Qualifications: []muster.MemberQualification{{Code: "MED", Expires: date(t, "2026-12-03")}}},
		{ServiceNumber: "D10", FamilyName: "Дуб", GivenName: "Ян", BirthDate: birth, Unit: "GOM-MOZ-1", Status: muster.StatusDischarged,
			Phone: "+375291110010", Qualifications: []muster.MemberQualification{{Code: "RIF", Expires: date(t, "2026-12-03")}}},
	} {
		if err := db.CreateMember(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	gom = &muster.User{Login: "cmd-gom", Name: "GOM commander", Role: muster.RoleCommander, Unit: "GOM"}
	bre = &muster.User{Login: "cmd-bre", Name: "BRE commander", Role: muster.RoleCommander, Unit: "BRE"}
	for _, u := range []*muster.User{gom, bre} {
		if err := db.CreateUser(ctx, u, "correct horse battery staple"); err != nil {
			t.Fatal(err)
		}
	}
	return gom, bre
}

// asUser returns a context acting as the stored user u.
func asUser(t *testing.T, db *sqldb.DB, u *muster.User) context.Context {
	t.Helper()
	unit, err := db.FindUnit(sqldbtest.System(), u.Unit)
	if err != nil {
		t.Fatal(err)
	}
	a := &muster.Actor{Kind: "user", ID: u.ID, Name: u.Login, Role: u.Role, Unit: u.Unit, UnitID: unit.ID}
	return muster.NewContextWithActor(context.Background(), a)
}

// sameList fails the test unless got equals want.
func sameList(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// expiryDeliveries returns the queued expiry deliveries as
// "SERVICE_NUMBER channel address".
func expiryDeliveries(t *testing.T, db *sqldb.DB, now time.Time) []string {
	t.Helper()
	var out []string
	for _, ch := range []muster.Channel{muster.ChannelPush, muster.ChannelSMS, muster.ChannelEmail} {
		list, err := db.ClaimDue(sqldbtest.System(), ch, now, 100, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range list {
			if d.Purpose != muster.PurposeExpiry || d.CallUpID != 0 || d.Token != "" {
				t.Errorf("delivery %+v: want an expiry reminder without call-up or token", d)
			}
			out = append(out, d.ServiceNumber+" "+string(d.Channel)+" "+d.Address+" "+d.Qualification+" "+d.Title+" "+d.ExpiresOn.String())
			if err := db.MarkSent(sqldbtest.System(), d.ID, "p"+d.ServiceNumber); err != nil {
				t.Fatal(err)
			}
		}
	}
	return out
}

func TestExpiryReminders(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		gom, bre := seedExpiring(t, db)
		ctx := sqldbtest.System()
		now := sqldbtest.Now
		run, err := db.RunExpiryReminders(ctx, now, muster.ExpiryOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := muster.ExpiryRun{Day: date(t, "2026-11-23"), Ran: true, Reminders: 2, Deliveries: 2, Digests: 1}
		if *run != want {
			t.Fatalf("first run = %+v, want %+v", *run, want)
		}
		// S14 has a phone and an e-mail: SMS comes first. D10 is discharged.
		sameList(t, "deliveries", expiryDeliveries(t, db, now), []string{
			"S14 sms +375291110014 MED Combat medic 2026-12-03",
			"E60 email e60@example.org RIF Rifleman 2027-01-12",
		})

		// A second run the same day, say by another process, does nothing.
		run, err = db.RunExpiryReminders(ctx, now.Add(time.Hour), muster.ExpiryOptions{})
		if err != nil || run.Ran {
			t.Fatalf("second run the same day = %+v, %v; want not ran", run, err)
		}
		// The next day, nothing is due again.
		run, err = db.RunExpiryReminders(ctx, now.AddDate(0, 0, 1), muster.ExpiryOptions{})
		if err != nil || !run.Ran || run.Reminders != 0 || run.Digests != 0 {
			t.Fatalf("next day = %+v, %v; want ran with nothing", run, err)
		}

		// The GOM commander's digest lists both; the BRE one has none.
		d, err := db.FindExpiryDigest(asUser(t, db, gom), 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range d.Reminders {
			got = append(got, r.ServiceNumber+" "+r.Unit+" "+r.Qualification+" "+r.ExpiresOn.String()+" "+strconv.Itoa(r.LeadDays))
		}
		sameList(t, "GOM digest of "+d.Day.String(), got, []string{"S14 GOM-MOZ MED 2026-12-03 14", "E60 GOM-MOZ-1 RIF 2027-01-12 60"})
		if _, err := db.FindExpiryDigest(asUser(t, db, bre), 10); muster.ErrorCode(err) != muster.ENOTFOUND {
			t.Fatalf("BRE digest: %v, want ENOTFOUND", err)
		}

		// S14 renews MED, but only to 2026-12-05: a new expiry date is
		// reminded again. E60's 14-day reminder comes on 2026-12-29.
		renewed := []muster.MemberQualification{{Code: "MED", Expires: date(t, "2026-12-05")}}
		if _, err := db.UpdateMember(ctx, "S14", muster.MemberUpdate{Qualifications: &renewed}); err != nil {
			t.Fatal(err)
		}
		day3 := now.AddDate(0, 0, 2)
		if run, err = db.RunExpiryReminders(ctx, day3, muster.ExpiryOptions{}); err != nil || run.Reminders != 1 {
			t.Fatalf("after the renewal = %+v, %v; want 1 reminder", run, err)
		}
		sameList(t, "after the renewal", expiryDeliveries(t, db, day3), []string{"S14 sms +375291110014 MED Combat medic 2026-12-05"})
		dec29 := time.Date(2026, 12, 29, 6, 0, 0, 0, time.UTC)
		if run, err = db.RunExpiryReminders(ctx, dec29, muster.ExpiryOptions{Channels: []muster.Channel{muster.ChannelSMS}}); err != nil || run.Reminders != 1 || run.Deliveries != 0 {
			t.Fatalf("on 2026-12-29 with SMS only = %+v, %v; want E60's reminder and no delivery (no phone)", run, err)
		}
	})
}

func TestExpiryRemindersRefuseBadLeads(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		seedExpiring(t, db)
		for _, o := range []muster.ExpiryOptions{{Leads: []int{0}}, {Leads: []int{14, 14}}, {Leads: []int{400}}, {Channels: []muster.Channel{muster.ChannelPaper}}} {
			if _, err := db.RunExpiryReminders(sqldbtest.System(), sqldbtest.Now, o); muster.ErrorCode(err) != muster.EINVALID {
				t.Errorf("%+v: %v, want EINVALID", o, err)
			}
		}
		// Nothing was claimed: a good run still does the day.
		if run, err := db.RunExpiryReminders(sqldbtest.System(), sqldbtest.Now, muster.ExpiryOptions{}); err != nil || !run.Ran {
			t.Fatalf("run after refusals = %+v, %v", run, err)
		}
	})
}
