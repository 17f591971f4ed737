package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// BenchmarkStationScan measures, server side, one scan at the issue
// station as its script sends it: the whole handler (session, form token,
// the issue in its own durable transaction, the JSON answer), an item
// issued per scan ("issue"), or refused because it is out ("refused").
// It reports the median and the 99th percentile; the target is 50 ms.
//
//	go test ./internal/web -run '^$' -bench StationScan -benchtime 2000x
func BenchmarkStationScan(b *testing.B) {
	for _, dialect := range sqldbtest.Dialects {
		for _, refused := range []bool{false, true} {
			name := dialect + "/issue"
			if refused {
				name = dialect + "/refused"
			}
			b.Run(name, func(b *testing.B) { benchStationScan(b, dialect, refused) })
		}
	}
}

func benchStationScan(b *testing.B, dialect string, refused bool) {
	db := sqldbtest.Open(b, dialect)
	sqldbtest.Seed(b, db)
	sys := sqldbtest.System()
	if err := db.CreateItemType(sys, &muster.ItemType{Code: "RIFLE", Name: "AK-74M", Kind: muster.Serialised}); err != nil {
		b.Fatal(err)
	}
	const pool = 1000 // items; returned to store, outside the timer, when all are out
	items := make([]*muster.Item, pool)
	returns := make([]muster.ItemMove, pool)
	for i := range items {
		items[i] = &muster.Item{Serial: fmt.Sprintf("R%05d", i), Type: "RIFLE", Armory: "GOM-MOZ-1"}
		returns[i] = muster.ItemMove{Serial: items[i].Serial, Movement: muster.Movement{Kind: muster.MoveReturn}}
	}
	if err := db.CreateItems(sys, items); err != nil {
		b.Fatal(err)
	}
	s, err := NewServer(Services{Units: db, Members: db, Access: db, Armory: db, Station: db, Ping: db.Ping},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	s.Now = func() time.Time { return sqldbtest.Now }
	if err := db.CreateUser(sys, &muster.User{Login: "armorer", Name: "Armorer", Role: muster.RoleArmorer, Unit: "GOM-MOZ"}, uiPassword); err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	send := func(form url.Values, cookie *http.Cookie, accept string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
		if cookie != nil {
			req = httptest.NewRequest(http.MethodPost, "/units/GOM-MOZ-1/armory/station", strings.NewReader(form.Encode()))
			req.AddCookie(cookie)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", accept)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	login := send(url.Values{"login": {"armorer"}, "password": {uiPassword}}, nil, "text/html")
	var session *http.Cookie
	for _, c := range login.Result().Cookies() {
		if c.Name == sessionCookie {
			session = c
		}
	}
	if session == nil {
		b.Fatalf("sign in: %d", login.Code)
	}
	form := url.Values{formTokenField: {tokenFor(session.Value)}, "member": {"G1"}, "since": {"0"}}
	if refused {
		if _, err := db.MoveItem(sys, items[0].Serial, muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "G2"}); err != nil {
			b.Fatal(err)
		}
	}
	want := http.StatusOK
	if refused {
		want = http.StatusConflict
	}
	took := make([]time.Duration, 0, b.N)
	next := 0
	for b.Loop() {
		if !refused && next == pool {
			b.StopTimer()
			if err := db.MoveItems(sys, returns); err != nil {
				b.Fatal(err)
			}
			next = 0
			b.StartTimer()
		}
		form.Set("code", items[next%pool].Serial)
		if !refused {
			next++
		}
		t0 := time.Now()
		rec := send(form, session, "application/json")
		took = append(took, time.Since(t0))
		if rec.Code != want {
			b.Fatalf("scan: %d %s", rec.Code, rec.Body)
		}
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}
