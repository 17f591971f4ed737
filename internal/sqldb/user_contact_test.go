package sqldb_test

import (
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestSetUserContact: a user sets their own contact data, a commander of
// another region may not, bad data changes nothing, and each change is
// audited with the contact before and after.
func TestSetUserContact(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		u := addStaff(t, db, "cmd-gom", muster.RoleCommander, "GOM", muster.UserContact{})
		self := asUser(t, db, u)
		got, err := db.SetUserContact(self, "cmd-gom", muster.UserContact{Email: "gom@example.org"})
		if err != nil || got.Email != "gom@example.org" || got.Phone != "" {
			t.Fatalf("self: %+v, %v", got, err)
		}
		if me, err := db.FindCurrentUser(self); err != nil || me.Email != "gom@example.org" {
			t.Fatalf("current user: %+v, %v", me, err)
		}
		bre, err := db.FindUnit(sqldbtest.System(), "BRE")
		if err != nil {
			t.Fatal(err)
		}
		breAdmin := muster.NewContextWithActor(t.Context(), &muster.Actor{Kind: "token", ID: 99, Name: "bre", Role: muster.RoleAdmin, Unit: "BRE", UnitID: bre.ID})
		_, err = db.SetUserContact(breAdmin, "cmd-gom", muster.UserContact{Email: "x@example.org"})
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.SetUserContact(self, "cmd-gom", muster.UserContact{Email: "gom@example.org", Phone: "+0123"})
		wantCode(t, err, muster.EINVALID)
		_, err = db.FindCurrentUser(sqldbtest.System())
		wantCode(t, err, muster.EFORBIDDEN)
		if me, _ := db.FindCurrentUser(self); me.Email != "gom@example.org" || me.Phone != "" {
			t.Fatalf("after refusals: %+v", me)
		}
		entry := count(t, db, `SELECT after_json FROM audit_log WHERE action = 'user.contact' AND entity_key = 'cmd-gom' AND actor = 'user:cmd-gom'`)
		if !strings.Contains(entry, `"email":"gom@example.org"`) {
			t.Errorf("audit entry %s", entry)
		}
		if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'user.contact'`); n != "2" {
			t.Errorf("%s contact entries, want 2 (addStaff's and the user's)", n)
		}
	})
}
