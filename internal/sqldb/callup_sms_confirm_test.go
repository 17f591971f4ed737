package sqldb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// confirmations returns "status address body" of the call-up's
// confirmation deliveries, oldest first.
func confirmations(t *testing.T, db *sqldb.DB, id int64) []string {
	t.Helper()
	s := query(t, db, `SELECT COALESCE(string_agg(status || ' ' || channel || ' ' || address || ' ' || body, '|' ORDER BY id), '')
		FROM deliveries WHERE callup_id = $1 AND purpose = 'confirmation'`, id)
	if s == "" {
		return nil
	}
	return strings.Split(s, "|")
}

// TestSMSAnswerQueuesConfirmation: an answer by SMS is committed with its
// confirmation SMS as a delivery, which the dispatcher claims like any
// other, with its own text; a drill's waits as a drill delivery; a reply
// that stores no answer queues nothing.
func TestSMSAnswerQueuesConfirmation(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		sqldbtest.Seed(t, db)
		c := createCallUp(t, db, sqldbtest.System(), newCallUp("GOM-MOZ-1"))
		if _, err := db.AnswerBySMS(ctx, g1Phone, "2 45"); err != nil {
			t.Fatal(err)
		}
		want := "pending sms " + g1Phone + " Answer recorded for Exercise Autumn: coming late, 45 min."
		if got := confirmations(t, db, c.ID); len(got) != 1 || got[0] != want {
			t.Fatalf("confirmations %q, want %q", got, want)
		}
		var conf []muster.Delivery
		for _, d := range claim(t, db, muster.ChannelSMS, sqldbtest.Now, 10) {
			if d.Purpose == muster.PurposeConfirmation {
				conf = append(conf, d)
			}
		}
		if len(conf) != 1 || conf[0].Address != g1Phone || conf[0].ServiceNumber != "G1" ||
			conf[0].Text != "Answer recorded for Exercise Autumn: coming late, 45 min." {
			t.Fatalf("claimed confirmations %+v", conf)
		}

		// Refused replies queue nothing.
		_, err := db.AnswerBySMS(ctx, g1Phone, "maybe")
		wantCode(t, err, muster.EINVALID)
		db.Now = func() time.Time { return c.ReportBy.Add(24*time.Hour + time.Second) }
		_, err = db.AnswerBySMS(ctx, g1Phone, "1")
		wantCode(t, err, muster.ENOTFOUND)
		if got := confirmations(t, db, c.ID); len(got) != 1 {
			t.Fatalf("confirmations after refused replies: %q", got)
		}

		// A drill's confirmation goes through the drill's steps only.
		db.Now = func() time.Time { return sqldbtest.Now.Add(time.Minute) }
		drill := newCallUp("GOM-MOZ-1")
		drill.Drill = true
		createCallUp(t, db, sqldbtest.System(), drill)
		if _, err := db.AnswerBySMS(ctx, g1Phone, "1"); err != nil {
			t.Fatal(err)
		}
		if got := confirmations(t, db, drill.ID); len(got) != 1 || got[0] != "drill sms "+g1Phone+" Answer recorded for Exercise Autumn: coming." {
			t.Fatalf("the drill's confirmations %q", got)
		}
		if rd, err := db.Readiness(sqldbtest.System(), drill.ID, "", 0); err != nil || rd.Yes != 1 {
			t.Errorf("the drill's readiness %+v, %v: want the answer counted", rd, err)
		}
	})
}
