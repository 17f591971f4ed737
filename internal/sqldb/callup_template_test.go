package sqldb_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

func newTemplate(name, unit string) *muster.CallUpTemplate {
	return &muster.CallUpTemplate{Name: name, Unit: unit, ReportWithin: 6 * time.Hour,
		CallUp: json.RawMessage(`{"title":"Flood","kind":"civil","unit":"` + unit + `","message":"Sandbags.","channels":["sms"]}`)}
}

func TestCallUpTemplates(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		moz := sqldbtest.As(t, db, muster.RoleCommander, "GOM-MOZ")
		bre := sqldbtest.As(t, db, muster.RoleCommander, "BRE")

		wantCode(t, db.CreateCallUpTemplate(sqldbtest.As(t, db, muster.RoleClerk, "TD"), newTemplate("flood", "GOM-MOZ")), muster.EFORBIDDEN)
		wantCode(t, db.CreateCallUpTemplate(moz, newTemplate("flood", "TD")), muster.EFORBIDDEN)
		wantCode(t, db.CreateCallUpTemplate(moz, newTemplate("flood", "NOPE")), muster.EINVALID)
		bad := newTemplate("-flood", "GOM-MOZ")
		bad.ReportWithin = 0
		err := db.CreateCallUpTemplate(moz, bad)
		wantCode(t, err, muster.EINVALID)
		if ds := muster.ErrorDetails(err); len(ds) != 2 || ds[0].Field != "name" || ds[1].Field != "report_within" {
			t.Errorf("details %v", ds)
		}

		tpl := newTemplate("flood", "GOM-MOZ")
		if err := db.CreateCallUpTemplate(moz, tpl); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.CreateCallUpTemplate(sqldbtest.System(), newTemplate("flood", "BRE")), muster.ECONFLICT)
		got, err := db.FindCallUpTemplate(moz, "flood")
		if err != nil || got.Unit != "GOM-MOZ" || got.ReportWithin != 6*time.Hour || string(got.CallUp) != string(tpl.CallUp) || got.CreatedBy != "user:commander@GOM-MOZ" {
			t.Fatalf("found %+v, %v", got, err)
		}
		_, err = db.FindCallUpTemplate(bre, "flood")
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.FindCallUpTemplate(moz, "drought")
		wantCode(t, err, muster.ENOTFOUND)
		if list, err := db.FindCallUpTemplates(bre); err != nil || len(list) != 0 {
			t.Errorf("BRE sees %d templates, %v", len(list), err)
		}
		if list, err := db.FindCallUpTemplates(sqldbtest.As(t, db, muster.RoleViewer, "GOM")); err != nil || len(list) != 1 {
			t.Errorf("GOM sees %d templates, %v", len(list), err)
		}

		// Moving it out of one's subtree is refused, and changes nothing.
		wantCode(t, db.ReplaceCallUpTemplate(moz, newTemplate("flood", "BRE")), muster.EFORBIDDEN)
		wantCode(t, db.ReplaceCallUpTemplate(bre, newTemplate("flood", "BRE")), muster.EFORBIDDEN)
		wantCode(t, db.ReplaceCallUpTemplate(moz, newTemplate("drought", "GOM-MOZ")), muster.ENOTFOUND)
		moved := newTemplate("flood", "GOM-MOZ-1")
		moved.ReportWithin = 90 * time.Minute
		if err := db.ReplaceCallUpTemplate(moz, moved); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FindCallUpTemplate(moz, "flood"); got.Unit != "GOM-MOZ-1" || got.ReportWithin != 90*time.Minute || !got.CreatedAt.Equal(sqldbtest.Now) {
			t.Errorf("replaced: %+v", got)
		}
		wantCode(t, db.DeleteCallUpTemplate(bre, "flood"), muster.EFORBIDDEN)
		if err := db.DeleteCallUpTemplate(moz, "flood"); err != nil {
			t.Fatal(err)
		}
		_, err = db.FindCallUpTemplate(moz, "flood")
		wantCode(t, err, muster.ENOTFOUND)
		if n := count(t, db, `SELECT CAST(count(*) AS TEXT) FROM audit_log WHERE entity = 'callup_template'`); n != "3" {
			t.Errorf("%s audit entries, want 3", n)
		}
	})
}

func TestUnavailability(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		clerk := sqldbtest.As(t, db, muster.RoleClerk, "GOM-MOZ")
		abroad := &muster.Unavailability{ServiceNumber: "G1", From: sqldbtest.Now, To: sqldbtest.Now.Add(48 * time.Hour), Reason: " abroad "}

		wantCode(t, db.AddUnavailability(sqldbtest.As(t, db, muster.RoleClerk, "BRE"), abroad), muster.EFORBIDDEN)
		wantCode(t, db.AddUnavailability(sqldbtest.As(t, db, muster.RoleViewer, "TD"), abroad), muster.EFORBIDDEN)
		wantCode(t, db.AddUnavailability(clerk, &muster.Unavailability{ServiceNumber: "G1", From: sqldbtest.Now, To: sqldbtest.Now, Reason: "x"}), muster.EINVALID)
		wantCode(t, db.AddUnavailability(clerk, &muster.Unavailability{ServiceNumber: "X9", From: sqldbtest.Now, To: sqldbtest.Now.Add(time.Hour), Reason: "x"}), muster.ENOTFOUND)
		if err := db.AddUnavailability(clerk, abroad); err != nil || abroad.ID == 0 || abroad.Reason != "abroad" {
			t.Fatalf("add: %+v, %v", abroad, err)
		}
		list, err := db.MemberUnavailability(sqldbtest.As(t, db, muster.RoleViewer, "GOM"), "G1")
		if err != nil || len(list) != 1 || !list[0].To.Equal(abroad.To) || list[0].Reason != "abroad" || list[0].CreatedBy != "user:clerk@GOM-MOZ" {
			t.Fatalf("list %+v, %v", list, err)
		}
		_, err = db.MemberUnavailability(sqldbtest.As(t, db, muster.RoleViewer, "BRE"), "G1")
		wantCode(t, err, muster.EFORBIDDEN)

		// The filter: G1 is away at a report-by within the period, back at its end.
		for _, tc := range []struct {
			available bool
			reportBy  time.Duration
			want      int
		}{{false, 24 * time.Hour, 2}, {true, 24 * time.Hour, 1}, {true, 48 * time.Hour, 2}} {
			c := newCallUp("GOM")
			c.Filter = muster.CallUpFilter{Status: []muster.MemberStatus{muster.StatusActive, muster.StatusReserve}, Available: tc.available}
			c.ReportBy = sqldbtest.Now.Add(tc.reportBy)
			createCallUp(t, db, sqldbtest.System(), c)
			if c.Targeted != tc.want {
				t.Errorf("available %v, report by +%s: targeted %d, want %d", tc.available, tc.reportBy, c.Targeted, tc.want)
			}
		}

		wantCode(t, db.DeleteUnavailability(sqldbtest.As(t, db, muster.RoleClerk, "BRE"), "G1", abroad.ID), muster.EFORBIDDEN)
		wantCode(t, db.DeleteUnavailability(clerk, "G2", abroad.ID), muster.ENOTFOUND)
		if err := db.DeleteUnavailability(clerk, "G1", abroad.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.MemberUnavailability(clerk, "G1"); len(list) != 0 {
			t.Errorf("left %d periods", len(list))
		}
	})
}
