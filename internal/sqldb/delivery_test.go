package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// addReachable adds n active members to GOM-MOZ-1, each with a phone and
// an e-mail address, as D001, D002, …
func addReachable(t testing.TB, db *sqldb.DB, n int) {
	t.Helper()
	birth, _ := muster.ParseDate("1990-05-17")
	for i := 1; i <= n; i++ {
		m := muster.Member{ServiceNumber: fmt.Sprintf("D%03d", i), FamilyName: "Тестов", GivenName: fmt.Sprintf("Номер %d", i),
			BirthDate: birth, Unit: "GOM-MOZ-1", Status: muster.StatusActive,
			Phone: fmt.Sprintf("+37529%07d", i), Email: fmt.Sprintf("d%03d@example.org", i)}
		if err := db.CreateMember(sqldbtest.System(), &m); err != nil {
			t.Fatalf("member %s: %v", m.ServiceNumber, err)
		}
	}
}

// deliveryCallUp creates a call-up of GOM-MOZ-1's active members by SMS,
// e-mail and paper.
func deliveryCallUp(t testing.TB, db *sqldb.DB, drill bool) *muster.CallUp {
	t.Helper()
	c := &muster.CallUp{Title: "Учения «Осень»", Kind: muster.CallUpExercise, Unit: "GOM-MOZ-1",
		Message: "Прибыть с экипировкой.", AssemblyPoint: "Мозырь, арсенал", ReportBy: sqldbtest.Now.Add(24 * time.Hour),
		Channels: []muster.Channel{muster.ChannelSMS, muster.ChannelEmail, muster.ChannelPaper}, Drill: drill}
	if err := db.CreateCallUp(sqldbtest.System(), c); err != nil {
		t.Fatalf("create call-up: %v", err)
	}
	return c
}

func query(t testing.TB, db *sqldb.DB, q string, args ...any) string {
	t.Helper()
	s, err := db.QueryString(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

func claim(t testing.TB, db *sqldb.DB, ch muster.Channel, now time.Time, limit int) []muster.Delivery {
	t.Helper()
	list, err := db.ClaimDue(context.Background(), ch, now, limit, time.Minute)
	if err != nil {
		t.Fatalf("claim %s: %v", ch, err)
	}
	return list
}

func TestClaimDueLeases(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db) // G1 in GOM-MOZ-1 has a phone, no e-mail
		addReachable(t, db, 3)
		c := deliveryCallUp(t, db, false)
		now := sqldbtest.Now
		if got := claim(t, db, muster.ChannelSMS, now.Add(-time.Second), 10); len(got) != 0 {
			t.Fatalf("claimed %d deliveries not yet due", len(got))
		}
		first := claim(t, db, muster.ChannelSMS, now, 3)
		second := claim(t, db, muster.ChannelSMS, now, 3)
		if len(first) != 3 || len(second) != 1 {
			t.Fatalf("claimed %d then %d SMS deliveries, want 3 then 1", len(first), len(second))
		}
		d := first[0]
		if d.CallUpID != c.ID || d.Channel != muster.ChannelSMS || d.Address == "" || d.Name == "" || d.ServiceNumber == "" ||
			d.Title != c.Title || d.Message != c.Message || d.AssemblyPoint != c.AssemblyPoint || !d.ReportBy.Equal(c.ReportBy) ||
			d.Kind != c.Kind || d.Drill || d.Attempts != 1 || d.Purpose != muster.PurposeNotice {
			t.Fatalf("claimed %+v", d)
		}
		page, err := db.AnswerPage(context.Background(), d.Token)
		if err != nil || page.ServiceNumber != d.ServiceNumber || page.CallUp.ID != c.ID {
			t.Fatalf("the claimed token does not answer for %s: %+v, %v", d.ServiceNumber, page, err)
		}
		if got := claim(t, db, muster.ChannelSMS, now.Add(59*time.Second), 10); len(got) != 0 {
			t.Fatalf("claimed %d deliveries under lease", len(got))
		}
		// The leases run out: a dead dispatcher's deliveries are due again.
		again := claim(t, db, muster.ChannelSMS, now.Add(61*time.Second), 10)
		if len(again) != 4 || again[0].Attempts != 2 {
			t.Fatalf("after the lease: %d deliveries (attempts %d), want 4 at attempt 2", len(again), again[0].Attempts)
		}
		// Paper is not SMS; e-mail is its own queue.
		if got := claim(t, db, muster.ChannelEmail, now, 10); len(got) != 3 {
			t.Fatalf("claimed %d e-mails, want 3", len(got))
		}
		if n := query(t, db, `SELECT CAST(count(*) AS TEXT) FROM deliveries WHERE channel = 'paper' AND status = 'pending'`); n != "4" {
			t.Fatalf("%s paper deliveries pending, want 4", n)
		}
		ids := []int64{again[0].ID, again[1].ID}
		if err := db.Release(context.Background(), ids); err != nil {
			t.Fatal(err)
		}
		back := claim(t, db, muster.ChannelSMS, now.Add(61*time.Second), 10)
		if len(back) != 2 || back[0].ID != ids[0] || back[0].Attempts != 2 {
			t.Fatalf("released deliveries: %+v", back)
		}
	})
}

func TestDeliveryMarks(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		sqldbtest.Seed(t, db)
		addReachable(t, db, 2)
		c := deliveryCallUp(t, db, false)
		now := sqldbtest.Now
		reached := func() string {
			return query(t, db, `SELECT CAST(sum(delivered) AS TEXT) FROM callup_members WHERE callup_id = $1`, c.ID)
		}
		sms := claim(t, db, muster.ChannelSMS, now, 10) // G1, D001, D002
		if len(sms) != 3 {
			t.Fatalf("claimed %d", len(sms))
		}
		// SMS: sent is not reached; the receipt is.
		if err := db.MarkSent(ctx, sms[0].ID, "gw-1"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.MarkSent(ctx, sms[0].ID, "gw-1"), muster.ECONFLICT)
		wantCode(t, db.MarkSent(ctx, 999999, "gw-x"), muster.ENOTFOUND)
		if got := reached(); got != "0" {
			t.Fatalf("reached %s after an SMS was sent, want 0", got)
		}
		wantCode(t, db.MarkDelivered(ctx, muster.ChannelEmail, "gw-1"), muster.ENOTFOUND)
		wantCode(t, db.MarkDelivered(ctx, muster.ChannelSMS, "gw-unknown"), muster.ENOTFOUND)
		for range 2 { // a repeated receipt changes nothing
			if err := db.MarkDelivered(ctx, muster.ChannelSMS, "gw-1"); err != nil {
				t.Fatal(err)
			}
		}
		if got := reached(); got != "1" {
			t.Fatalf("reached %s after a receipt, want 1", got)
		}
		// E-mail: sent is reached.
		mail := claim(t, db, muster.ChannelEmail, now, 10)
		if len(mail) != 2 {
			t.Fatalf("claimed %d e-mails", len(mail))
		}
		if err := db.MarkSent(ctx, mail[0].ID, "<1@muster>"); err != nil {
			t.Fatal(err)
		}
		if got := reached(); got != "2" {
			t.Fatalf("reached %s, want 2", got)
		}
		// A temporary failure is due again at retryAt, counted; a final one never.
		retry := now.Add(30 * time.Second)
		if err := db.MarkFailed(ctx, sms[1].ID, errors.New("gateway: 503"), retry); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkFailed(ctx, sms[2].ID, errors.New("gateway: 400 bad number"), time.Time{}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.MarkFailed(ctx, sms[2].ID, errors.New("again"), time.Time{}), muster.ECONFLICT)
		if got := claim(t, db, muster.ChannelSMS, retry.Add(-time.Microsecond), 10); len(got) != 0 {
			t.Fatalf("claimed %d before the retry time", len(got))
		}
		got := claim(t, db, muster.ChannelSMS, retry.Add(time.Hour), 10)
		if len(got) != 1 || got[0].ID != sms[1].ID || got[0].Attempts != 2 {
			t.Fatalf("at the retry time: %+v", got)
		}
		if e := query(t, db, `SELECT status || ' ' || last_error FROM deliveries WHERE id = $1`, sms[2].ID); e != "failed gateway: 400 bad number" {
			t.Fatalf("final failure stored as %q", e)
		}
	})
}

func TestDrillDeliveries(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		addReachable(t, db, 2)
		c := deliveryCallUp(t, db, true)
		got := claim(t, db, muster.ChannelSMS, sqldbtest.Now, 10)
		if len(got) != 3 || !got[0].Drill {
			t.Fatalf("claimed %+v", got)
		}
		if err := db.Release(context.Background(), []int64{got[2].ID}); err != nil {
			t.Fatal(err)
		}
		if s := query(t, db, `SELECT status FROM deliveries WHERE id = $1`, got[2].ID); s != "drill" {
			t.Fatalf("released drill delivery is %q, want drill", s)
		}
		for _, d := range got[:2] {
			if err := db.MarkDrill(context.Background(), d.ID); err != nil {
				t.Fatal(err)
			}
		}
		if n := query(t, db, `SELECT CAST(sum(delivered) AS TEXT) FROM callup_members WHERE callup_id = $1`, c.ID); n != "2" {
			t.Fatalf("drill reached %s, want 2", n)
		}
		if n := query(t, db, `SELECT CAST(count(*) AS TEXT) FROM deliveries WHERE status = 'drill-sent'`); n != "2" {
			t.Fatalf("%s drill-sent, want 2", n)
		}
	})
}

// TestClaimDueDisjoint runs claimers side by side until the queue is
// empty: each delivery is claimed exactly once. On PostgreSQL they run on
// separate connections (and a second *DB, as another process would),
// racing through FOR UPDATE SKIP LOCKED.
func TestClaimDueDisjoint(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			db := sqldbtest.Open(t, dialect)
			sqldbtest.Seed(t, db)
			addReachable(t, db, 20)
			for range 10 {
				deliveryCallUp(t, db, false)
			}
			want := query(t, db, `SELECT CAST(count(*) AS TEXT) FROM deliveries WHERE channel = 'sms'`) // 21 × 10
			dbs := []*sqldb.DB{db, db}
			if dialect == "postgres" {
				other, err := sqldb.Open(context.Background(), db.DSN())
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { other.Close() })
				dbs = append(dbs, other, other)
			}
			var mu sync.Mutex
			var all []int64
			var wg sync.WaitGroup
			for i, cdb := range dbs {
				wg.Go(func() {
					for {
						list, err := cdb.ClaimDue(context.Background(), muster.ChannelSMS, sqldbtest.Now, 3+i, time.Minute)
						if err != nil {
							t.Error(err)
							return
						}
						if len(list) == 0 {
							return
						}
						mu.Lock()
						for _, d := range list {
							all = append(all, d.ID)
						}
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			slices.Sort(all)
			if n := len(slices.Compact(slices.Clone(all))); n != len(all) || fmt.Sprint(n) != want {
				t.Fatalf("%d claims of %d distinct deliveries, want %s once each", len(all), n, want)
			}
		})
	}
}
