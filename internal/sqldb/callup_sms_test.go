package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/smsreply"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// g1Phone is G1's phone in the seed.
const g1Phone = "+375291234567"

func TestAnswerBySMS(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		sqldbtest.Seed(t, db)
		older, _ := everyone(t, db)
		db.Now = func() time.Time { return sqldbtest.Now.Add(time.Minute) }
		c, tokens := everyone(t, db) // the most recent

		wantCode(t, func() error { _, err := db.AnswerBySMS(ctx, g1Phone, "maybe"); return err }(), muster.EINVALID)
		if _, err := db.AnswerBySMS(ctx, g1Phone, "maybe"); muster.ErrorMessage(err) != smsreply.Usage {
			t.Errorf("a reply not understood: %q, want the usage", muster.ErrorMessage(err))
		}
		for _, phone := range []string{"+375299999999", "375291234567", "", "G1"} {
			_, err := db.AnswerBySMS(ctx, phone, "1")
			wantCode(t, err, muster.ENOTFOUND)
		}
		if n := count(t, db, `SELECT CAST(count(*) AS TEXT) FROM callup_answers`); n != "0" {
			t.Fatalf("%s answers stored by refused replies", n)
		}

		got, err := db.AnswerBySMS(ctx, g1Phone, "2 45")
		if err != nil {
			t.Fatal(err)
		}
		if got.CallUp.ID != c.ID || got.ServiceNumber != "G1" || got.Name != "Иванов Пётр" || got.Last == nil ||
			got.Last.Answer != muster.AnswerLate || got.Last.ETAMinutes != 45 || got.Last.Via != "sms" || !got.Last.At.Equal(db.Now()) {
			t.Fatalf("answer by SMS %+v (last %+v)", got, got.Last)
		}
		page, err := db.AnswerPage(ctx, tokens["G1"])
		if err != nil || page.Last == nil || page.Last.Answer != muster.AnswerLate || page.Last.Via != "sms" {
			t.Fatalf("G1's page after the SMS: %+v, %v", page, err)
		}
		if rd, err := db.Readiness(sqldbtest.System(), c.ID, "", 0); err != nil || rd.Late != 1 {
			t.Errorf("readiness %+v, %v", rd, err)
		}
		if rd, _ := db.Readiness(sqldbtest.System(), older.ID, "", 0); rd.Late+rd.Yes+rd.No != 0 {
			t.Errorf("the older call-up got the answer: %+v", rd)
		}
		if got, err := db.AnswerBySMS(ctx, g1Phone, "нет, ночная смена"); err != nil || got.Last.Answer != muster.AnswerNo || got.Last.Reason == "" {
			t.Errorf("a no with a reason: %+v, %v", got, err)
		}

		// Closed for answers 24 hours after the report-by time.
		db.Now = func() time.Time { return c.ReportBy.Add(24*time.Hour + time.Second) }
		_, err = db.AnswerBySMS(ctx, g1Phone, "1")
		wantCode(t, err, muster.ENOTFOUND)

		// Two members sharing a phone: the reply is refused, not guessed.
		db.Now = func() time.Time { return sqldbtest.Now.Add(2 * time.Minute) }
		birth, _ := muster.ParseDate("1992-01-02")
		if err := db.CreateMember(sqldbtest.System(), &muster.Member{ServiceNumber: "G3", FamilyName: "Иванова", GivenName: "Мария",
			BirthDate: birth, Unit: "GOM-MOZ-1", Status: muster.StatusActive, Phone: g1Phone}); err != nil {
			t.Fatal(err)
		}
		everyone(t, db)
		_, err = db.AnswerBySMS(ctx, g1Phone, "1")
		wantCode(t, err, muster.ECONFLICT)
	})
}

func TestMarkUndelivered(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		sqldbtest.Seed(t, db)
		addReachable(t, db, 2)
		c := deliveryCallUp(t, db, false)
		sms := claim(t, db, muster.ChannelSMS, sqldbtest.Now, 10)
		if len(sms) != 3 {
			t.Fatalf("claimed %d", len(sms))
		}
		for i, id := range []string{"gw-1", "gw-2"} {
			if err := db.MarkSent(ctx, sms[i].ID, id); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, db.MarkUndelivered(ctx, muster.ChannelSMS, "", "x"), muster.EINVALID)
		wantCode(t, db.MarkUndelivered(ctx, muster.ChannelSMS, "gw-unknown", "x"), muster.ENOTFOUND)
		wantCode(t, db.MarkUndelivered(ctx, muster.ChannelEmail, "gw-1", "x"), muster.ENOTFOUND)
		for range 2 { // a repeated receipt changes nothing
			if err := db.MarkUndelivered(ctx, muster.ChannelSMS, "gw-1", "absent subscriber"); err != nil {
				t.Fatal(err)
			}
		}
		if got := query(t, db, `SELECT status || ':' || last_error FROM deliveries WHERE provider_id = $1`, "gw-1"); got != "failed:absent subscriber" {
			t.Errorf("gw-1 is %q", got)
		}
		// A failure after a delivery does not undo it.
		if err := db.MarkDelivered(ctx, muster.ChannelSMS, "gw-2"); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkUndelivered(ctx, muster.ChannelSMS, "gw-2", ""); err != nil {
			t.Fatal(err)
		}
		if got := query(t, db, `SELECT status FROM deliveries WHERE provider_id = $1`, "gw-2"); got != "delivered" {
			t.Errorf("gw-2 is %q", got)
		}
		if got := query(t, db, `SELECT CAST(sum(delivered) AS TEXT) FROM callup_members WHERE callup_id = $1`, c.ID); got != "1" {
			t.Errorf("reached %s, want 1", got)
		}
	})
}
