package notify_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/notify"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// tokensOf returns each targeted member's response token, by service number.
func tokensOf(t *testing.T, db *sqldb.DB, id int64) map[string]string {
	t.Helper()
	tokens := map[string]string{}
	err := db.Notices(sqldbtest.System(), id, "https://m.example", func(n muster.Notice) error {
		tokens[n.ServiceNumber] = n.ResponseURL[strings.LastIndex(n.ResponseURL, "/")+1:]
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tokens
}

// TestWebPushThroughDispatcher sends an emergency call-up by push to three
// members' browsers at a real push service peer, which decrypts each
// message and checks its VAPID signature: G1's device takes it; M001's
// answers 410, so its subscription is deleted and the delivery fails;
// M002's answers 429 with Retry-After, and takes the retry. A drill then
// sends nothing.
func TestWebPushThroughDispatcher(t *testing.T) {
	push := startPushService(t, sqldbtest.Now)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		first := callUp(t, db, 2, false, muster.ChannelPaper) // G1, M001, M002
		tokens := tokensOf(t, db, first.ID)
		devices := map[string]*muster.PushSubscription{}
		for _, who := range []string{"G1", "M001", "M002"} {
			devices[who] = push.Subscribe(t)
			if err := db.SubscribePush(ctx, tokens[who], devices[who]); err != nil {
				t.Fatalf("subscribe %s: %v", who, err)
			}
		}
		push.Script(t, devices["M001"], http.StatusGone, "")
		push.Script(t, devices["M002"], http.StatusTooManyRequests, "120")
		c := &muster.CallUp{Title: "Паводок <Припять>", Kind: muster.CallUpEmergency, Unit: "GOM-MOZ-1",
			Message: "Прибыть немедленно.", AssemblyPoint: "Мозырь, арсенал", ReportBy: sqldbtest.Now.Add(6 * time.Hour),
			Channels: []muster.Channel{muster.ChannelPush}}
		if err := db.CreateCallUp(sqldbtest.System(), c); err != nil {
			t.Fatal(err)
		}
		clk := &clock{t: sqldbtest.Now}
		channel := &notify.WebPush{Subscriptions: db, Key: key, Subject: "mailto:ops@force.example", Client: push.Client, Now: clk.Now}
		stop := start(t, dispatcher(db, clk, channel))
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			s := statuses(t, db, c.ID)[muster.ChannelPush]
			if s[muster.DeliverySent] == 1 && s[muster.DeliveryFailed] == 1 && s[muster.DeliveryPending] == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("push deliveries %v after 30 s, want one sent, one failed, one waiting", s)
			}
		}
		stop()
		// M002's retry waits for the push service's Retry-After (120 s),
		// longer than the dispatcher's backoff (at most 10 s).
		if early, err := db.ClaimDue(ctx, muster.ChannelPush, sqldbtest.Now.Add(100*time.Second), 10, time.Minute); err != nil || len(early) != 0 {
			t.Fatalf("claimable 100 s on: %+v, %v; want none before Retry-After", early, err)
		}
		due, err := db.ClaimDue(ctx, muster.ChannelPush, sqldbtest.Now.Add(121*time.Second), 10, time.Minute)
		if err != nil || len(due) != 1 || due[0].ServiceNumber != "M002" {
			t.Fatalf("claimable 121 s on: %+v, %v; want M002's", due, err)
		}
		if err := db.Release(ctx, []int64{due[0].ID}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(3 * time.Minute)
		start(t, dispatcher(db, clk, channel))
		got := waitIdle(t, db, c.ID, nil) // M002's, released, is due at once
		if want := map[muster.DeliveryStatus]int{muster.DeliverySent: 2, muster.DeliveryFailed: 1}; fmt.Sprint(got[muster.ChannelPush]) != fmt.Sprint(want) {
			t.Errorf("push deliveries %v, want %v", got[muster.ChannelPush], want)
		}
		if r, err := db.Readiness(sqldbtest.System(), c.ID, "", 0); err != nil || r.Delivered != 2 {
			t.Errorf("readiness %+v, %v: want 2 delivered (push counts on send)", r, err)
		}
		if left := endpointsOf(t, db, "M001"); len(left) != 0 {
			t.Errorf("M001's gone subscription is kept: %v", left)
		}

		byDevice := map[string][]pushRecord{}
		for _, m := range push.Messages(t) {
			byDevice[m.ID] = append(byDevice[m.ID], m)
		}
		g1 := byDevice[deviceID(devices["G1"])]
		if len(g1) != 1 || g1[0].Status != 201 {
			t.Fatalf("G1's device got %+v, want one message accepted", g1)
		}
		var msg struct{ Title, Body, URL, Tag string }
		if err := json.Unmarshal([]byte(g1[0].Payload), &msg); err != nil {
			t.Fatalf("payload %q: %v", g1[0].Payload, err)
		}
		d := muster.Delivery{Title: c.Title, Message: c.Message, AssemblyPoint: c.AssemblyPoint, ReportBy: c.ReportBy, Purpose: muster.PurposeNotice}
		want := struct{ Title, Body, URL, Tag string }{notify.EmailSubject(d), notify.PushText(d, nil),
			"https://m.example/r/" + tokensOf(t, db, c.ID)["G1"], "muster-callup-" + strconv.FormatInt(c.ID, 10)}
		if msg != want {
			t.Errorf("G1's decrypted payload\n%+v\nwant\n%+v", msg, want)
		}
		if m := g1[0]; m.Urgency != "high" || m.TTL != "21600" || m.Topic != want.Tag ||
			m.Claims.Aud != push.URL || m.Claims.Sub != "mailto:ops@force.example" || m.Claims.Exp != sqldbtest.Now.Add(12*time.Hour).Unix() {
			t.Errorf("G1's message: urgency %q, TTL %q, topic %q, claims %+v", m.Urgency, m.TTL, m.Topic, m.Claims)
		}
		if m := byDevice[deviceID(devices["M001"])]; len(m) != 1 || m[0].Status != 410 || m[0].Error != "" {
			t.Errorf("M001's device got %+v, want one valid message answered 410", m)
		}
		if m := byDevice[deviceID(devices["M002"])]; len(m) != 2 || m[0].Status != 429 || m[1].Status != 201 {
			t.Errorf("M002's device got %+v, want 429 then 201", m)
		}

		// A drill goes through every step and sends nothing.
		before := len(push.Messages(t))
		drill := *c
		drill.ID, drill.Drill = 0, true
		if err := db.CreateCallUp(sqldbtest.System(), &drill); err != nil {
			t.Fatal(err)
		}
		if got := waitIdle(t, db, drill.ID, nil); got[muster.ChannelPush][muster.DeliveryDrillSent] != 2 {
			t.Errorf("drill push deliveries %v, want 2 drill-sent", got[muster.ChannelPush])
		}
		if after := len(push.Messages(t)); after != before {
			t.Errorf("a drill sent %d push messages", after-before)
		}
	})
}

func deviceID(s *muster.PushSubscription) string {
	return s.Endpoint[strings.LastIndex(s.Endpoint, "/")+1:]
}

func endpointsOf(t *testing.T, db *sqldb.DB, serviceNumber string) []muster.PushSubscription {
	t.Helper()
	m, err := db.FindMember(sqldbtest.System(), serviceNumber)
	if err != nil {
		t.Fatal(err)
	}
	subs, err := db.PushSubscriptions(context.Background(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	return subs
}

// TestWebPushPublicAddressesOnly sends with the channel's own client, which
// refuses the push service on a loopback address: a subscription must not
// make muster post into its own network. The delivery fails for good and
// the service gets nothing.
func TestWebPushPublicAddressesOnly(t *testing.T) {
	push := startPushService(t, sqldbtest.Now)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	db := sqldbtest.Open(t, "sqlite")
	c := callUp(t, db, 0, false, muster.ChannelPaper) // G1
	if err := db.SubscribePush(context.Background(), tokensOf(t, db, c.ID)["G1"], push.Subscribe(t)); err != nil {
		t.Fatal(err)
	}
	g1, err := db.FindMember(sqldbtest.System(), "G1")
	if err != nil {
		t.Fatal(err)
	}
	channel := &notify.WebPush{Subscriptions: db, Key: key, Subject: "mailto:ops@force.example"}
	_, err = channel.Send(context.Background(), muster.Delivery{ID: 1, CallUpID: c.ID, MemberID: g1.ID, Title: c.Title,
		Kind: c.Kind, Message: c.Message, ReportBy: c.ReportBy, ResponseURL: "https://m.example/r/x"})
	if !notify.IsPermanent(err) || !strings.Contains(err.Error(), "not at a public address") {
		t.Errorf("push to 127.0.0.1: %v, want a permanent error naming the private address", err)
	}
	if got := push.Messages(t); len(got) != 0 {
		t.Errorf("the push service on loopback got %d messages", len(got))
	}
}
