package notify_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/mail"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/notify"
	"github.com/muster-force/muster/internal/pgtest"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex // protects t
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// countingStore counts the deliveries a dispatcher claims.
type countingStore struct {
	muster.DeliveryStore
	claimed atomic.Int64
}

func (s *countingStore) ClaimDue(ctx context.Context, ch muster.Channel, now time.Time, limit int, lease time.Duration) ([]muster.Delivery, error) {
	list, err := s.DeliveryStore.ClaimDue(ctx, ch, now, limit, lease)
	s.claimed.Add(int64(len(list)))
	return list, err
}

// openTwo opens the same new database twice, as two muster processes
// would, both with the test clock of sqldbtest.
func openTwo(t *testing.T, dialect string) (*sqldb.DB, *sqldb.DB) {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "muster.db")
	if dialect == "postgres" {
		dsn = pgtest.URL(t)
	}
	var dbs [2]*sqldb.DB
	for i := range dbs {
		db, err := sqldb.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		db.Now = func() time.Time { return sqldbtest.Now }
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		dbs[i] = db
	}
	return dbs[0], dbs[1]
}

// callUp seeds the force, adds n members of GOM-MOZ-1 with a phone
// (+3752900000NN) and an e-mail address (mNNN@example.org), and calls up
// GOM-MOZ-1's active members (n and the seed's G1, who has only a phone).
func callUp(t *testing.T, db *sqldb.DB, n int, drill bool, channels ...muster.Channel) *muster.CallUp {
	t.Helper()
	ctx := sqldbtest.System()
	sqldbtest.Seed(t, db)
	birth, _ := muster.ParseDate("1990-05-17")
	for i := 1; i <= n; i++ {
		m := muster.Member{ServiceNumber: fmt.Sprintf("M%03d", i), FamilyName: "Тестов", GivenName: fmt.Sprintf("Номер %d", i),
			BirthDate: birth, Unit: "GOM-MOZ-1", Status: muster.StatusActive, Phone: phone(i), Email: fmt.Sprintf("m%03d@example.org", i)}
		if err := db.CreateMember(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	c := &muster.CallUp{Title: "Учения «Осень»", Kind: muster.CallUpExercise, Unit: "GOM-MOZ-1",
		Message: "Прибыть с экипировкой.", AssemblyPoint: "Мозырь, арсенал", ReportBy: sqldbtest.Now.Add(24 * time.Hour),
		Channels: channels, Drill: drill}
	if err := db.CreateCallUp(ctx, c); err != nil {
		t.Fatal(err)
	}
	return c
}

func phone(i int) string { return fmt.Sprintf("+3752900%05d", i) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func dispatcher(db *sqldb.DB, clk *clock, channels ...notify.Channel) *notify.Dispatcher {
	return &notify.Dispatcher{Store: db, Channels: channels, BaseURL: "https://m.example/", Workers: 8,
		Poll: 10 * time.Millisecond, Lease: time.Minute, Backoff: notify.Backoff{Base: time.Second, Max: 10 * time.Second},
		ReceiptWindow: 5 * time.Second,
		Now:           clk.Now, Logger: quiet}
}

// start runs the dispatcher until the returned stop is called (or the test ends).
func start(t *testing.T, d *notify.Dispatcher) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Error("Run did not return within 30 s of its context ending")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func statuses(t *testing.T, db *sqldb.DB, id int64) map[muster.Channel]map[muster.DeliveryStatus]int {
	t.Helper()
	s, err := db.DeliveryStatuses(sqldbtest.System(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// waitIdle waits until none of the call-up's deliveries is waiting or being
// sent (an unknown one waits for its receipt or a resend), calling tick (which may move the clock) between looks.
func waitIdle(t *testing.T, db *sqldb.DB, id int64, tick func()) map[muster.Channel]map[muster.DeliveryStatus]int {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := statuses(t, db, id)
		busy := 0
		for _, byStatus := range s {
			busy += byStatus[muster.DeliveryPending] + byStatus[muster.DeliverySending] + byStatus[muster.DeliveryDrill] + byStatus[muster.DeliveryUnknown]
		}
		if busy == 0 {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries still busy after 60 s: %v", s)
		}
		if tick != nil {
			tick()
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// once fails the test unless each of want was received exactly once, and nothing else.
func once(t *testing.T, what string, got []string, want []string) {
	t.Helper()
	n := map[string]int{}
	for _, g := range got {
		n[g]++
	}
	for _, w := range want {
		if n[w] != 1 {
			t.Errorf("%s %s: received %d times, want once", what, w, n[w])
		}
		delete(n, w)
	}
	for g, k := range n {
		t.Errorf("%s %s: received %d times, want never", what, g, k)
	}
}

// phones and emails list the addresses of callUp's members.
func phones(n int) []string {
	list := []string{"+375291234567"} // G1
	for i := 1; i <= n; i++ {
		list = append(list, phone(i))
	}
	return list
}

func emails(n int) []string {
	var list []string
	for i := 1; i <= n; i++ {
		list = append(list, fmt.Sprintf("m%03d@example.org", i))
	}
	return list
}

func sentTo(g *gateway) []string {
	var list []string
	for _, r := range g.Requests() {
		list = append(list, r.To)
	}
	return list
}

func mailedTo(t *testing.T, s *smtpSink) []string {
	var list []string
	for _, m := range s.Mails(t) {
		list = append(list, m.To...)
	}
	return list
}

func channels(g *gateway, s *smtpSink) []notify.Channel {
	return []notify.Channel{&notify.SMSGateway{URL: g.URL, Key: g.Key},
		&notify.Email{Addr: s.Addr, From: mail.Address{Name: "Muster", Address: "muster@force.example"}}}
}

// TestDispatcherSendsEachOnce sends 201 deliveries over SMS and e-mail with
// two dispatchers on two connections to one database (two processes), at
// a rate, and finds each sent exactly once.
func TestDispatcherSendsEachOnce(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			sink := startSMTP(t)
			g := startGateway(t)
			db, db2 := openTwo(t, dialect)
			const n = 100
			c := callUp(t, db, n, false, muster.ChannelSMS, muster.ChannelEmail)
			clk := &clock{t: sqldbtest.Now}
			rates := map[muster.Channel]float64{muster.ChannelSMS: 300, muster.ChannelEmail: 300}
			counted := []*countingStore{{DeliveryStore: db}, {DeliveryStore: db2}}
			for _, store := range counted {
				d := dispatcher(db, clk, channels(g, sink)...)
				d.Store, d.Rate, d.BatchSize = store, rates, 20
				start(t, d)
			}
			s := waitIdle(t, db, c.ID, nil)
			if s[muster.ChannelSMS][muster.DeliverySent] != n+1 || s[muster.ChannelEmail][muster.DeliverySent] != n {
				t.Errorf("statuses %v, want %d SMS and %d e-mails sent", s, n+1, n)
			}
			once(t, "SMS to", sentTo(g), phones(n))
			once(t, "e-mail to", mailedTo(t, sink), emails(n))
			if a, b := counted[0].claimed.Load(), counted[1].claimed.Load(); a == 0 || b == 0 || a+b != 2*n+1 {
				t.Errorf("the dispatchers claimed %d and %d deliveries, want both some, %d in all", a, b, 2*n+1)
			}
			// Two dispatchers at 300 a second each: at most 600 a second.
			reqs := g.Requests()
			if took, least := reqs[len(reqs)-1].At.Sub(reqs[0].At), time.Duration(float64(n)/600*0.9*float64(time.Second)); took < least {
				t.Errorf("%d SMS in %s: faster than the rates allow (%s)", n+1, took, least)
			}
			// E-mail counts as reached when sent; SMS on its receipt.
			r, err := db.Readiness(sqldbtest.System(), c.ID, "", 0)
			if err != nil || r.Delivered != n {
				t.Fatalf("reached %d (%v), want %d", r.Delivered, err, n)
			}
			for i, req := range reqs {
				if req.To == "+375291234567" {
					if err := db.MarkDelivered(context.Background(), muster.ChannelSMS, fmt.Sprintf("gw-%d", i+1)); err != nil {
						t.Fatal(err)
					}
				}
			}
			if r, _ := db.Readiness(sqldbtest.System(), c.ID, "", 0); r.Delivered != n+1 {
				t.Errorf("after G1's receipt: reached %d, want %d", r.Delivered, n+1)
			}
		})
	}
}

// TestDispatcherResumes stops a dispatcher mid-way, abandons a claim as a
// process killed after claiming would, and lets a new dispatcher finish:
// everyone is sent to exactly once.
func TestDispatcherResumes(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sink := startSMTP(t)
		g := startGateway(t)
		const n = 100
		c := callUp(t, db, n, false, muster.ChannelSMS, muster.ChannelEmail)
		clk := &clock{t: sqldbtest.Now}
		first := dispatcher(db, clk, channels(g, sink)...)
		first.Rate = map[muster.Channel]float64{muster.ChannelSMS: 200, muster.ChannelEmail: 200}
		stop := start(t, first)
		for len(g.Requests()) < 30 {
			time.Sleep(5 * time.Millisecond)
		}
		first.Stop() // returns once the sends under way are marked
		stop()
		s := statuses(t, db, c.ID)
		if s[muster.ChannelSMS][muster.DeliverySending] != 0 || s[muster.ChannelEmail][muster.DeliverySending] != 0 {
			t.Fatalf("after Stop: %v, want nothing left sending", s)
		}
		if s[muster.ChannelSMS][muster.DeliveryPending] == 0 {
			t.Fatalf("after Stop: %v, want SMS left to send", s)
		}
		stopped := len(g.Requests())
		if s[muster.ChannelSMS][muster.DeliverySent] != stopped {
			t.Fatalf("%d SMS sent at the gateway, %d marked sent", stopped, s[muster.ChannelSMS][muster.DeliverySent])
		}
		// A process claims and dies.
		if got, err := db.ClaimDue(context.Background(), muster.ChannelSMS, clk.Now(), 5, time.Minute); err != nil || len(got) != 5 {
			t.Fatalf("claim: %d, %v", len(got), err)
		}
		time.Sleep(50 * time.Millisecond)
		if len(g.Requests()) != stopped {
			t.Fatal("the gateway got SMS after Stop returned")
		}
		clk.Advance(2 * time.Minute) // past the dead claim's lease
		start(t, dispatcher(db, clk, channels(g, sink)...))
		s = waitIdle(t, db, c.ID, nil)
		if s[muster.ChannelSMS][muster.DeliverySent] != n+1 || s[muster.ChannelEmail][muster.DeliverySent] != n {
			t.Errorf("statuses %v", s)
		}
		once(t, "SMS to", sentTo(g), phones(n))
		once(t, "e-mail to", mailedTo(t, sink), emails(n))
	})
}

// TestDispatcherRetries: temporary failures come back after a backoff
// (by the test clock); permanent ones and the last attempt fail for good.
func TestDispatcherRetries(t *testing.T) {
	db := sqldbtest.Open(t, "sqlite")
	g := startGateway(t)
	c := callUp(t, db, 3, false, muster.ChannelSMS)
	g.FailNext(phone(1), 503, 429)      // then sent
	g.FailNext(phone(2), 400)           // refused: failed
	g.FailNext(phone(3), 503, 503, 503) // the last attempt fails
	clk := &clock{t: sqldbtest.Now}
	d := dispatcher(db, clk, &notify.SMSGateway{URL: g.URL, Key: g.Key})
	d.MaxAttempts = 3
	start(t, d)
	s := waitIdle(t, db, c.ID, func() { clk.Advance(5 * time.Second) })
	if s[muster.ChannelSMS][muster.DeliverySent] != 2 || s[muster.ChannelSMS][muster.DeliveryFailed] != 2 {
		t.Errorf("statuses %v, want 2 sent (G1, M001) and 2 failed", s)
	}
	n := map[string]int{}
	for _, to := range sentTo(g) {
		n[to]++
	}
	if n[phone(1)] != 3 || n[phone(2)] != 1 || n[phone(3)] != 3 || n["+375291234567"] != 1 {
		t.Errorf("requests per number %v", n)
	}
}

// TestDrillSendsNothing: a drill goes through claim and mark, reaches every
// member in the counts, and nothing leaves muster.
func TestDrillSendsNothing(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		g := startGateway(t)
		c := callUp(t, db, 20, true, muster.ChannelSMS, muster.ChannelEmail)
		clk := &clock{t: sqldbtest.Now}
		start(t, dispatcher(db, clk, &notify.SMSGateway{URL: g.URL, Key: g.Key},
			&notify.Email{Addr: "127.0.0.1:1", From: mail.Address{Address: "muster@force.example"}}))
		s := waitIdle(t, db, c.ID, nil)
		if s[muster.ChannelSMS][muster.DeliveryDrillSent] != 21 || s[muster.ChannelEmail][muster.DeliveryDrillSent] != 20 {
			t.Errorf("statuses %v", s)
		}
		if got := g.Requests(); len(got) != 0 {
			t.Errorf("a drill sent %d SMS", len(got))
		}
		if r, err := db.Readiness(sqldbtest.System(), c.ID, "", 0); err != nil || r.Delivered != r.Targeted || r.Targeted != 21 {
			t.Errorf("readiness %+v, %v", r, err)
		}
	})
}

// lostMark forgets the first MarkSent for one address, as a process killed between
// the provider's accepting a message and MarkSent would.
type lostMark struct {
	muster.DeliveryStore
	address string
	ids     sync.Map    // delivery ids claimed for address
	lost    atomic.Bool // the one MarkSent is lost
}

func (s *lostMark) ClaimDue(ctx context.Context, ch muster.Channel, now time.Time, limit int, lease time.Duration) ([]muster.Delivery, error) {
	list, err := s.DeliveryStore.ClaimDue(ctx, ch, now, limit, lease)
	for _, d := range list {
		if d.Address == s.address {
			s.ids.Store(d.ID, true)
		}
	}
	return list, err
}

func (s *lostMark) MarkSent(ctx context.Context, id int64, providerID string) error {
	if _, ok := s.ids.Load(id); ok && s.lost.CompareAndSwap(false, true) {
		return nil // the process "died" before it could write
	}
	return s.DeliveryStore.MarkSent(ctx, id, providerID)
}

// TestAtLeastOnceWindow pins down the one duplicate the design allows: a
// send whose MarkSent never lands is sent again after its lease, with the
// same Idempotency-Key, so that a gateway that honours it drops the copy.
func TestAtLeastOnceWindow(t *testing.T) {
	db := sqldbtest.Open(t, "sqlite")
	g := startGateway(t)
	c := callUp(t, db, 2, false, muster.ChannelSMS)
	clk := &clock{t: sqldbtest.Now}
	d := dispatcher(db, clk, &notify.SMSGateway{URL: g.URL, Key: g.Key})
	d.Store = &lostMark{DeliveryStore: db, address: phone(1)}
	start(t, d)
	waitIdle(t, db, c.ID, func() { clk.Advance(10 * time.Second) })
	var keys []string
	for _, r := range g.Requests() {
		if r.To == phone(1) {
			keys = append(keys, r.IdempotencyKey)
		}
	}
	if len(keys) != 2 || keys[0] != keys[1] || keys[0] == "" {
		t.Fatalf("requests for the lost mark carry keys %q, want the same key twice", keys)
	}
	if n := len(g.Requests()); n != 4 {
		t.Errorf("%d requests, want 4 (G1, M001 twice, M002)", n)
	}
}
