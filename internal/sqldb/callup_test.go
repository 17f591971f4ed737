package sqldb_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/answertoken"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// newCallUp returns a valid call-up of the unit's active members by SMS
// and paper, reporting a day after the test clock.
func newCallUp(unit string) *muster.CallUp {
	return &muster.CallUp{Title: "Exercise Autumn", Kind: muster.CallUpExercise, Unit: unit,
		Message: "Report with your kit.", AssemblyPoint: "Mozyr armoury", ReportBy: sqldbtest.Now.Add(24 * time.Hour),
		Channels: []muster.Channel{muster.ChannelSMS, muster.ChannelPaper}}
}

func createCallUp(t *testing.T, db *sqldb.DB, ctx context.Context, c *muster.CallUp) *muster.CallUp {
	t.Helper()
	if err := db.CreateCallUp(ctx, c); err != nil {
		t.Fatalf("create call-up: %v", err)
	}
	return c
}

// notices returns the call-up's notices as "SERVICE_NUMBER channel" and
// each member's response token.
func notices(t *testing.T, db *sqldb.DB, id int64) (list []string, tokens map[string]string) {
	t.Helper()
	tokens = map[string]string{}
	err := db.Notices(sqldbtest.System(), id, "https://muster.example/", func(n muster.Notice) error {
		list = append(list, n.ServiceNumber+" "+string(n.Channel))
		token, ok := strings.CutPrefix(n.ResponseURL, "https://muster.example/r/")
		if !ok || len(token) != answertoken.Len || n.Name == "" {
			t.Fatalf("notice %+v", n)
		}
		if prev := tokens[n.ServiceNumber]; prev != "" && prev != token {
			t.Fatalf("two tokens for %s", n.ServiceNumber)
		}
		tokens[n.ServiceNumber] = token
		return nil
	})
	if err != nil {
		t.Fatalf("notices: %v", err)
	}
	return list, tokens
}

func count(t *testing.T, db *sqldb.DB, query string, args ...any) string {
	t.Helper()
	s, err := db.QueryString(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return s
}

func TestCreateCallUpTargets(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		both := []muster.MemberStatus{muster.StatusActive, muster.StatusReserve}
		for _, tc := range []struct {
			name   string
			unit   string
			filter muster.CallUpFilter
			want   int
		}{
			{"whole force, active by default", "TD", muster.CallUpFilter{}, 2},          // G1, B1
			{"region, active and reserve", "GOM", muster.CallUpFilter{Status: both}, 2}, // G1, G2
			{"district subtree", "GOM-MOZ", muster.CallUpFilter{Status: both}, 2},
			{"other region", "BRE", muster.CallUpFilter{Status: both}, 1},
			{"valid RIF", "TD", muster.CallUpFilter{Status: both, Qualifications: []string{"RIF"}}, 1},             // G1
			{"MED: G1's has expired", "TD", muster.CallUpFilter{Status: both, Qualifications: []string{"MED"}}, 1}, // G2
			{"RIF and MED", "TD", muster.CallUpFilter{Status: both, Qualifications: []string{"RIF", "MED"}}, 0},
			{"discharged", "TD", muster.CallUpFilter{Status: []muster.MemberStatus{muster.StatusDischarged}}, 0},
		} {
			c := newCallUp(tc.unit)
			c.Filter = tc.filter
			createCallUp(t, db, ctx, c)
			if c.Targeted != tc.want || c.ID == 0 || c.CreatedBy != "system:test" || !c.CreatedAt.Equal(sqldbtest.Now) {
				t.Errorf("%s: targeted %d (want %d), id %d, by %q at %s", tc.name, c.Targeted, tc.want, c.ID, c.CreatedBy, c.CreatedAt)
			}
			got, err := db.FindCallUp(ctx, c.ID)
			if err != nil || got.Targeted != tc.want || got.Unit != tc.unit || len(got.Filter.Status) == 0 || !got.ReportBy.Equal(c.ReportBy) {
				t.Errorf("%s: found %+v, %v", tc.name, got, err)
			}
			if n := count(t, db, `SELECT CAST(count(*) AS TEXT) FROM callup_members WHERE callup_id = $1`, c.ID); n != strconv.Itoa(tc.want) {
				t.Errorf("%s: %s callup_members rows, want %d", tc.name, n, tc.want)
			}
		}
		c, _ := db.FindCallUp(ctx, 1)
		if len(c.Filter.Status) != 1 || c.Filter.Status[0] != muster.StatusActive {
			t.Errorf("default filter %+v, want active", c.Filter)
		}
		if list, err := db.FindCallUps(ctx); err != nil || len(list) != 8 || list[0].ID != 8 {
			t.Errorf("FindCallUps: %d, %v", len(list), err)
		}
		if n := count(t, db, `SELECT CAST(count(*) AS TEXT) FROM audit_log WHERE action = 'callup.create'`); n != "8" {
			t.Errorf("%s audit entries, want 8", n)
		}

		bad := newCallUp("TD")
		bad.Filter.Qualifications = []string{"PILOT"}
		wantCode(t, db.CreateCallUp(ctx, bad), muster.EINVALID)
		wantCode(t, db.CreateCallUp(ctx, newCallUp("NOPE")), muster.EINVALID)
		past := newCallUp("TD")
		past.ReportBy = sqldbtest.Now.Add(-time.Hour)
		wantCode(t, db.CreateCallUp(ctx, past), muster.EINVALID)
		_, err := db.FindCallUp(ctx, 999)
		wantCode(t, err, muster.ENOTFOUND)
	})
}

func TestCallUpDeliveries(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		c := newCallUp("TD")
		c.Filter.Status = []muster.MemberStatus{muster.StatusActive, muster.StatusReserve}
		c.Channels = []muster.Channel{muster.ChannelPush, muster.ChannelSMS, muster.ChannelEmail, muster.ChannelPaper}
		createCallUp(t, db, ctx, c)
		// Only G1 has a phone, nobody an e-mail address, nobody a push subscription.
		list, tokens := notices(t, db, c.ID)
		if got := strings.Join(list, ", "); got != "B1 paper, G1 paper, G1 sms, G2 paper" {
			t.Errorf("notices: %s", got)
		}
		if got := count(t, db, `SELECT address FROM deliveries WHERE callup_id = $1 AND channel = 'sms'`, c.ID); got != "+375291234567" {
			t.Errorf("sms address %q", got)
		}
		if got := count(t, db, `SELECT CAST(count(*) AS TEXT) FROM deliveries WHERE callup_id = $1 AND status = 'pending' AND next_at <> ''`, c.ID); got != "4" {
			t.Errorf("%s pending deliveries, want 4", got)
		}
		page, err := db.AnswerPage(context.Background(), tokens["G2"])
		if err != nil || page.ServiceNumber != "G2" || page.Name != "Kowalski Jan" || page.CallUp.ID != c.ID || page.Last != nil || page.CheckedIn {
			t.Fatalf("answer page %+v, %v", page, err)
		}

		drill := newCallUp("GOM")
		drill.Drill = true
		createCallUp(t, db, ctx, drill)
		if got := count(t, db, `SELECT CAST(count(*) AS TEXT) || ' ' || min(status) || ' ' || max(status) FROM deliveries WHERE callup_id = $1`, drill.ID); got != "2 drill drill" {
			t.Errorf("drill deliveries: %s", got)
		}
		if d, _ := db.FindCallUp(ctx, drill.ID); !d.Drill {
			t.Error("drill flag lost")
		}
	})
}
