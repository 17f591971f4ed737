package sqldb_test

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// device returns a subscription as a browser makes one: a fresh P-256 key
// and auth secret for the endpoint.
func device(t *testing.T, endpoint string) *muster.PushSubscription {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	return &muster.PushSubscription{Endpoint: endpoint, P256dh: k.PublicKey().Bytes(), Auth: auth}
}

func memberID(t *testing.T, db *sqldb.DB, serviceNumber string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(count(t, db, `SELECT id FROM members WHERE service_number = $1`, serviceNumber), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func endpoints(t *testing.T, db *sqldb.DB, serviceNumber string) []string {
	t.Helper()
	subs, err := db.PushSubscriptions(context.Background(), memberID(t, db, serviceNumber))
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	for _, s := range subs {
		list = append(list, s.Endpoint)
	}
	return list
}

func TestPushSubscriptions(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		sqldbtest.Seed(t, db)
		_, tokens := everyone(t, db) // G1, G2, B1
		const a, b, c = "https://push.example/a", "https://push.example/b", "https://push.example/c"
		for _, s := range []struct{ who, endpoint string }{{"G1", a}, {"G1", b}, {"G2", c}} {
			if err := db.SubscribePush(ctx, tokens[s.who], device(t, s.endpoint)); err != nil {
				t.Fatalf("subscribe %s %s: %v", s.who, s.endpoint, err)
			}
		}
		if got := fmt.Sprint(endpoints(t, db, "G1")); got != "["+b+" "+a+"]" {
			t.Errorf("G1's devices, newest first: %s", got)
		}

		// Bad input and forged tokens change nothing.
		http := device(t, "http://push.example/x")
		short := device(t, "https://push.example/y")
		short.Auth = short.Auth[:8]
		notOnCurve := device(t, "https://push.example/z")
		notOnCurve.P256dh[64] ^= 1
		forged := []byte(tokens["G1"])
		forged[len(forged)-1] ^= 1
		for _, tc := range []struct {
			name  string
			token string
			s     *muster.PushSubscription
			code  string
		}{
			{"http endpoint", tokens["G1"], http, muster.EINVALID},
			{"short auth", tokens["G1"], short, muster.EINVALID},
			{"key not on the curve", tokens["G1"], notOnCurve, muster.EINVALID},
			{"forged token", string(forged), device(t, "https://push.example/f"), muster.EUNAUTHORIZED},
		} {
			if err := db.SubscribePush(ctx, tc.token, tc.s); muster.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
			}
		}
		if n := count(t, db, `SELECT count(*) FROM push_subscriptions`); n != "3" {
			t.Errorf("%s subscriptions after bad ones, want 3", n)
		}

		// A call-up on push queues one delivery per subscribed member.
		call := newCallUp("TD")
		call.Filter.Status = []muster.MemberStatus{muster.StatusActive, muster.StatusReserve}
		call.Channels = []muster.Channel{muster.ChannelPush}
		createCallUp(t, db, sqldbtest.System(), call)
		got := count(t, db, `SELECT string_agg(m.service_number, ',') FROM (SELECT m.service_number FROM deliveries d
			JOIN members m ON m.id = d.member_id WHERE d.callup_id = $1 AND d.channel = 'push' ORDER BY m.service_number) m`, call.ID)
		if got != "G1,G2" {
			t.Errorf("push deliveries for %q, want G1,G2 (B1 has no device)", got)
		}

		// An endpoint subscribed again moves to the new member.
		if err := db.SubscribePush(ctx, tokens["B1"], device(t, a)); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(endpoints(t, db, "G1"), endpoints(t, db, "B1")); got != "["+b+"] ["+a+"]" {
			t.Errorf("after %s moved to B1: G1, B1 have %s", a, got)
		}

		// Unsubscribing takes the member's own endpoint only.
		if err := db.UnsubscribePush(ctx, tokens["G1"], c); err != nil {
			t.Errorf("G1 unsubscribing G2's endpoint: %v", err)
		}
		if got := endpoints(t, db, "G2"); len(got) != 1 {
			t.Errorf("G1 unsubscribed G2's endpoint: G2 has %v", got)
		}
		if err := db.UnsubscribePush(ctx, tokens["G2"], c); err != nil {
			t.Fatal(err)
		}
		if err := db.DeletePushSubscription(ctx, b); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT count(*) FROM push_subscriptions`); n != "1" {
			t.Errorf("%s subscriptions left, want B1's one", n)
		}

		// A member keeps the ten newest devices.
		for i := range 12 {
			db.Now = func() time.Time { return sqldbtest.Now.Add(time.Duration(i) * time.Second) }
			if err := db.SubscribePush(ctx, tokens["G2"], device(t, fmt.Sprintf("https://push.example/g2/%02d", i))); err != nil {
				t.Fatal(err)
			}
		}
		if list := endpoints(t, db, "G2"); len(list) != 10 || list[0] != "https://push.example/g2/11" || list[9] != "https://push.example/g2/02" {
			t.Errorf("G2 keeps %v", list)
		}
	})
}

func TestVAPIDKeyIsKept(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		k1, err := db.VAPIDKey(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		k2, err := db.VAPIDKey(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !k1.Equal(k2) {
			t.Error("a second VAPIDKey differs from the first")
		}
	})
}
