package sqldb_test

import (
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// seedCheck adds to seedArmory R4 in store in GOM-MOZ and has the
// armorer of GOM-MOZ issue R1 and R5 to G1, then R2 to G2: the campaign
// over GOM-MOZ counts R1, R2, R4, R5.
func seedCheck(t *testing.T, db *sqldb.DB) {
	t.Helper()
	sqldbtest.Seed(t, db)
	seedArmory(t, db)
	ctx := sqldbtest.System()
	for _, it := range []muster.Item{{Serial: "R4", Type: "RIFLE", Armory: "GOM-MOZ"}, {Serial: "R5", Type: "RIFLE", Armory: "GOM-MOZ-1"}} {
		if err := db.CreateItem(ctx, &it); err != nil {
			t.Fatal(err)
		}
	}
	armorer := sqldbtest.As(t, db, muster.RoleArmorer, "GOM-MOZ")
	for _, issue := range [][2]string{{"R1", "G1"}, {"R5", "G1"}, {"R2", "G2"}} {
		move(t, db, armorer, issue[0], muster.Movement{Kind: muster.MoveIssue, ServiceNumber: issue[1]})
	}
}

// wantProgress checks a campaign's counts.
func wantProgress(t *testing.T, db *sqldb.DB, id int64, items, confirmed, discrepancies, open, escalated int) {
	t.Helper()
	c, err := db.FindArmoryCheck(sqldbtest.System(), id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Items != items || c.Confirmed != confirmed || c.Discrepancies != discrepancies || c.Open != open || c.Escalated != escalated {
		t.Fatalf("progress = %d items, %d confirmed, %d discrepancies (%d open, %d escalated); want %d, %d, %d (%d, %d)",
			c.Items, c.Confirmed, c.Discrepancies, c.Open, c.Escalated, items, confirmed, discrepancies, open, escalated)
	}
}

func TestArmoryCheckCampaign(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		seedCheck(t, db)
		armorer := sqldbtest.As(t, db, muster.RoleArmorer, "GOM-MOZ")
		deadline := sqldbtest.Now.Add(72 * time.Hour)

		_, err := db.CreateArmoryCheck(armorer, muster.ArmoryCheckInput{Unit: "BRE-PIN", Deadline: deadline})
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.CreateArmoryCheck(sqldbtest.As(t, db, muster.RoleViewer, "TD"), muster.ArmoryCheckInput{Unit: "GOM-MOZ", Deadline: deadline})
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.CreateArmoryCheck(armorer, muster.ArmoryCheckInput{Unit: "GOM-MOZ", Deadline: sqldbtest.Now})
		wantCode(t, err, muster.EUNPROCESSABLE)
		_, err = db.CreateArmoryCheck(armorer, muster.ArmoryCheckInput{Unit: "NOPE", Deadline: deadline})
		wantCode(t, err, muster.EUNPROCESSABLE)
		if n := count(t, db, `SELECT count(*) FROM armory_checks`); n != "0" {
			t.Fatalf("%s campaigns after refusals", n)
		}

		c, err := db.CreateArmoryCheck(armorer, muster.ArmoryCheckInput{Unit: "GOM-MOZ", Deadline: deadline, Note: "autumn check"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Unit != "GOM-MOZ" || c.Items != 4 || c.Confirmed != 0 || !c.Deadline.Equal(deadline) || c.ClosedAt != nil {
			t.Fatalf("created = %+v", c)
		}

		// The holder G1 confirms R1 twice: counted once. G2 says R1 is with
		// them and R2 is missing; the armorer scans R4 and an unknown X9.
		confirm := func(sn string, serials, missing []string) *muster.CheckResult {
			t.Helper()
			r, err := db.ConfirmAtStation(armorer, c.ID, muster.CheckConfirmation{ServiceNumber: sn, Serials: serials, Missing: missing})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		if r := confirm("G1", []string{"R1", " R1 "}, nil); len(r.Confirmed) != 1 || len(r.Discrepancies) != 0 {
			t.Fatalf("G1 confirms R1: %+v", r)
		}
		confirm("G1", []string{"R1"}, nil)
		r := confirm("G2", []string{"R1"}, []string{"R2"})
		if len(r.Confirmed) != 0 || len(r.Discrepancies) != 2 || r.Discrepancies[0].Kind != muster.DiscrepancyWrongHolder ||
			r.Discrepancies[1].Kind != muster.DiscrepancyMissing || r.Discrepancies[0].Member != "G2" {
			t.Fatalf("G2 = %+v", r)
		}
		confirm("G2", []string{"R1"}, nil) // the same report again adds nothing
		r = confirm("", []string{"R4", "X9"}, nil)
		if len(r.Confirmed) != 1 || r.Confirmed[0] != "R4" || len(r.Discrepancies) != 1 || r.Discrepancies[0].Kind != muster.DiscrepancyUnknown {
			t.Fatalf("store scan = %+v", r)
		}
		wantProgress(t, db, c.ID, 4, 2, 3, 3, 0)

		bre := sqldbtest.As(t, db, muster.RoleArmorer, "BRE-PIN")
		for ctx, want := range map[*muster.Actor]int{muster.ActorFrom(armorer): 1, muster.ActorFrom(bre): 0} {
			list, err := db.FindArmoryChecks(muster.NewContextWithActor(t.Context(), ctx))
			if err != nil || len(list) != want {
				t.Fatalf("checks seen by %s = %d (%v), want %d", ctx.Unit, len(list), err, want)
			}
		}
		_, err = db.ConfirmAtStation(bre, c.ID, muster.CheckConfirmation{Serials: []string{"R4"}})
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.FindArmoryCheck(bre, c.ID)
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.ConfirmAtStation(armorer, c.ID, muster.CheckConfirmation{Serials: []string{"bad serial!"}})
		wantCode(t, err, muster.EUNPROCESSABLE)
		_, err = db.ConfirmAtStation(armorer, c.ID, muster.CheckConfirmation{ServiceNumber: "NOBODY", Serials: []string{"R4"}})
		wantCode(t, err, muster.EUNPROCESSABLE)
		_, err = db.FindArmoryCheck(armorer, c.ID+1)
		wantCode(t, err, muster.ENOTFOUND)

		// The deadline: nothing before it, once at it. R5 was never
		// confirmed and becomes a discrepancy; all four open are escalated.
		if n, err := db.ApplyDueChecks(sqldbtest.System(), deadline.Add(-time.Second)); err != nil || n != 0 {
			t.Fatalf("before the deadline: %d closed (%v)", n, err)
		}
		if n, err := db.ApplyDueChecks(sqldbtest.System(), deadline); err != nil || n != 1 {
			t.Fatalf("at the deadline: %d closed (%v)", n, err)
		}
		if n, err := db.ApplyDueChecks(sqldbtest.System(), deadline.Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("again: %d closed (%v)", n, err)
		}
		wantProgress(t, db, c.ID, 4, 2, 4, 4, 4)
		list, err := db.FindDiscrepancies(armorer, c.ID)
		if err != nil || len(list) != 4 || list[3].Kind != muster.DiscrepancyUnconfirmed || list[3].Serial != "R5" || list[3].Member != "G1" || !list[3].Escalated {
			t.Fatalf("discrepancies = %+v (%v)", list, err)
		}
		db.Now = func() time.Time { return deadline.Add(time.Minute) }
		_, err = db.ConfirmAtStation(armorer, c.ID, muster.CheckConfirmation{ServiceNumber: "G1", Serials: []string{"R5"}})
		wantCode(t, err, muster.ECONFLICT)

		// Resolution, with a note, once.
		_, err = db.ResolveDiscrepancy(armorer, c.ID, list[0].ID, " ")
		wantCode(t, err, muster.EUNPROCESSABLE)
		_, err = db.ResolveDiscrepancy(bre, c.ID, list[0].ID, "seen")
		wantCode(t, err, muster.EFORBIDDEN)
		d, err := db.ResolveDiscrepancy(armorer, c.ID, list[0].ID, "G2 misread the serial; R1 is with G1")
		if err != nil || d.Open || d.ResolvedAt == nil || d.ResolvedBy != "user:armorer@GOM-MOZ" {
			t.Fatalf("resolved = %+v (%v)", d, err)
		}
		_, err = db.ResolveDiscrepancy(armorer, c.ID, list[0].ID, "again")
		wantCode(t, err, muster.ECONFLICT)
		_, err = db.ResolveDiscrepancy(armorer, c.ID, 9999, "none")
		wantCode(t, err, muster.ENOTFOUND)
		wantProgress(t, db, c.ID, 4, 2, 4, 3, 3)
		// The open discrepancies report over the subtree: the three still
		// open, all escalated; none over another district.
		rep, err := db.OpenDiscrepancies(armorer, "GOM-MOZ")
		if err != nil || len(rep.Discrepancies) != 3 || rep.Discrepancies[0].Unit != "GOM-MOZ" || !rep.Discrepancies[0].Escalated ||
			!rep.Discrepancies[0].Deadline.Equal(deadline) {
			t.Fatalf("open discrepancies = %+v (%v)", rep, err)
		}
		for _, o := range rep.Discrepancies {
			if o.ID == list[0].ID || !o.Open {
				t.Fatalf("report lists %+v, resolved", o)
			}
		}
		_, err = db.OpenDiscrepancies(bre, "GOM-MOZ")
		wantCode(t, err, muster.EFORBIDDEN)
		if rep, err := db.OpenDiscrepancies(bre, "BRE-PIN"); err != nil || len(rep.Discrepancies) != 0 {
			t.Fatalf("BRE-PIN's open discrepancies = %+v (%v)", rep, err)
		}
		if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action LIKE 'armory_check.%'`); n != "8" {
			t.Fatalf("%s audit entries, want 8 (create, 5 confirmations, escalate, resolve)", n)
		}
	})
}

func TestArmoryKitPage(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		seedCheck(t, db)
		armorer := sqldbtest.As(t, db, muster.RoleArmorer, "GOM-MOZ")
		_, err := db.KitLink(sqldbtest.As(t, db, muster.RoleArmorer, "BRE-PIN"), "G1")
		wantCode(t, err, muster.EFORBIDDEN)
		for _, role := range []muster.Role{muster.RoleViewer, muster.RoleClerk} { // the link is the member's credential
			_, err = db.KitLink(sqldbtest.As(t, db, role, "GOM-MOZ"), "G1")
			wantCode(t, err, muster.EFORBIDDEN)
		}
		token, err := db.KitLink(armorer, "G1")
		if err != nil {
			t.Fatal(err)
		}
		k, err := db.KitPage(t.Context(), token)
		if err != nil {
			t.Fatal(err)
		}
		if k.ServiceNumber != "G1" || len(k.Items) != 2 || k.Items[0].Serial != "R1" || k.Items[0].Armory != "GOM-MOZ-1" ||
			!k.Items[0].IssuedAt.Equal(sqldbtest.Now) || k.Items[0].Seq == 0 || len(k.Checks) != 0 {
			t.Fatalf("kit = %+v, items %+v", k, k.Items)
		}

		// Tokens of one kind do not open the other's page.
		answer, err := db.AnswerTokenForTest(t.Context(), 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.KitPage(t.Context(), answer)
		wantCode(t, err, muster.EUNAUTHORIZED)
		_, err = db.AnswerPage(t.Context(), token)
		wantCode(t, err, muster.EUNAUTHORIZED)
		altered := token[:len(token)-1] + "a"
		if altered == token {
			altered = token[:len(token)-1] + "e"
		}
		_, err = db.KitPage(t.Context(), altered)
		wantCode(t, err, muster.EUNAUTHORIZED)

		deadline := sqldbtest.Now.Add(24 * time.Hour)
		c, err := db.CreateArmoryCheck(armorer, muster.ArmoryCheckInput{Unit: "GOM-MOZ", Deadline: deadline})
		if err != nil {
			t.Fatal(err)
		}
		r, err := db.ConfirmKit(t.Context(), token, c.ID, muster.CheckConfirmation{ServiceNumber: "G2", Serials: []string{"R1"}, Missing: []string{"R5"}})
		if err != nil || len(r.Confirmed) != 1 || len(r.Discrepancies) != 1 || r.Discrepancies[0].Member != "G1" {
			t.Fatalf("confirm = %+v (%v)", r, err) // the token's member counts, not the body's
		}
		k, err = db.KitPage(t.Context(), token)
		if err != nil || len(k.Checks) != 1 || len(k.Checks[0].Items) != 2 || !k.Checks[0].Items[0].Confirmed || !k.Checks[0].Items[1].Flagged {
			t.Fatalf("kit during the check = %+v (%v)", k.Checks, err)
		}
		_, err = db.ConfirmKit(t.Context(), answer, c.ID, muster.CheckConfirmation{Serials: []string{"R5"}})
		wantCode(t, err, muster.EUNAUTHORIZED)
		_, err = db.ConfirmKit(t.Context(), token, c.ID+7, muster.CheckConfirmation{Serials: []string{"R5"}})
		wantCode(t, err, muster.ENOTFOUND)
		if n := count(t, db, `SELECT actor FROM audit_log WHERE action = 'armory_check.confirm'`); n != "system:member:G1" {
			t.Fatalf("confirmation audited as %q", n)
		}
		db.Now = func() time.Time { return deadline }
		k, err = db.KitPage(t.Context(), token)
		if err != nil || len(k.Checks) != 0 {
			t.Fatalf("kit after the deadline = %+v (%v)", k.Checks, err)
		}
	})
}
