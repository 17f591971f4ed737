package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// newArmoryServer is a test server with the armory and the extra tokens
// armorer-gom (armorer of GOM-MOZ) and armorer-bre (of BRE-PIN).
func newArmoryServer(t *testing.T, db *sqldb.DB) *testServer {
	t.Helper()
	srv := newTestServer(t, db)
	srv.Armory = db
	for secret, unit := range map[string]string{"armorer-gom": "GOM-MOZ", "armorer-bre": "BRE-PIN"} {
		u, err := db.FindUnit(sqldbtest.System(), unit)
		if err != nil {
			t.Fatal(err)
		}
		srv.access.mu.Lock()
		srv.access.actors[secret] = &muster.Actor{Kind: "token", ID: int64(100 + len(srv.access.actors)), Name: secret,
			Role: muster.RoleArmorer, Unit: unit, UnitID: u.ID}
		srv.access.mu.Unlock()
	}
	return srv
}

// wantItem checks an item answer's status and holder ("" for null).
func wantItem(status muster.ItemStatus, holder string) func(t *testing.T, rec *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) {
		t.Helper()
		var it struct {
			Serial, Type, Armory string
			Status               muster.ItemStatus
			Holder               *string
		}
		decode(t, rec, &it)
		got := ""
		if it.Holder != nil {
			got = *it.Holder
		}
		if it.Status != status || got != holder || it.Serial == "" || it.Type == "" || it.Armory == "" {
			t.Errorf("item = %s", rec.Body)
		}
	}
}

func TestArmoryAPI(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := newArmoryServer(t, db)
		const admin, armorer = "admin-token", "armorer-gom"
		var created string // POST /api/v1/items's answer for AK-002
		items := func(n int) func(t *testing.T, rec *httptest.ResponseRecorder) {
			return func(t *testing.T, rec *httptest.ResponseRecorder) {
				var l struct{ Items []map[string]any }
				decode(t, rec, &l)
				if len(l.Items) != n {
					t.Errorf("%d items, want %d: %s", len(l.Items), n, rec.Body)
				}
			}
		}
		run(t, srv, []scenario{
			{name: "type", method: "POST", url: "/api/v1/item-types", token: admin, body: `{"code":"AK-74M","name":"AK-74M rifle","kind":"serialised"}`, status: 201},
			{name: "ammo type", method: "POST", url: "/api/v1/item-types", token: admin, body: `{"code":"545","name":"5.45x39","kind":"consumable"}`, status: 201},
			{name: "type twice", method: "POST", url: "/api/v1/item-types", token: admin, body: `{"code":"AK-74M","name":"x","kind":"serialised"}`, status: 409},
			{name: "type bad kind", method: "POST", url: "/api/v1/item-types", token: admin, body: `{"code":"X","name":"x","kind":"tank"}`, status: 422, field: "kind"},
			{name: "type by armorer", method: "POST", url: "/api/v1/item-types", token: armorer, body: `{"code":"X","name":"x","kind":"serialised"}`, status: 403},
			{name: "types", method: "GET", url: "/api/v1/item-types", token: "viewer-gom", status: 200},
			{name: "create", method: "POST", url: "/api/v1/items", token: armorer, body: `{"serial":"AK-001","type":"AK-74M","armory":"GOM-MOZ-1"}`, status: 201,
				check: wantItem(muster.InStore, "")},
			{name: "create 2", method: "POST", url: "/api/v1/items", token: admin, body: `{"serial":"AK-002","type":"AK-74M","armory":"BRE-PIN"}`, status: 201,
				check: func(t *testing.T, rec *httptest.ResponseRecorder) { created = rec.Body.String() }},
			{name: "get as created", method: "GET", url: "/api/v1/items/AK-002", token: admin, status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if rec.Body.String() != created || !strings.Contains(created, `"type_name":"AK-74M rifle"`) {
					t.Errorf("POST answered\n%s\nGET answers\n%s", created, rec.Body)
				}
			}},
			{name: "duplicate serial", method: "POST", url: "/api/v1/items", token: admin, body: `{"serial":"AK-001","type":"AK-74M","armory":"BRE-PIN"}`, status: 409},
			{name: "no serial", method: "POST", url: "/api/v1/items", token: admin, body: `{"type":"AK-74M","armory":"BRE-PIN"}`, status: 422, field: "serial"},
			{name: "unknown type", method: "POST", url: "/api/v1/items", token: admin, body: `{"serial":"X1","type":"T-72","armory":"BRE-PIN"}`, status: 422, field: "type"},
			{name: "unknown armory", method: "POST", url: "/api/v1/items", token: admin, body: `{"serial":"X1","type":"AK-74M","armory":"NOPE"}`, status: 422, field: "armory"},
			{name: "create out of scope", method: "POST", url: "/api/v1/items", token: armorer, body: `{"serial":"X1","type":"AK-74M","armory":"BRE-PIN"}`, status: 403},
			{name: "unknown field", method: "POST", url: "/api/v1/items", token: admin, body: `{"serial":"X1","type":"AK-74M","armory":"BRE-PIN","colour":"green"}`, status: 400},
			{name: "get", method: "GET", url: "/api/v1/items/AK-001", token: "viewer-gom", status: 200, check: wantItem(muster.InStore, "")},
			{name: "get unknown", method: "GET", url: "/api/v1/items/NOPE", token: admin, status: 404},
			{name: "get out of scope", method: "GET", url: "/api/v1/items/AK-002", token: "viewer-gom", status: 403},
			{name: "issue by clerk", method: "POST", url: "/api/v1/items/AK-001/issue", token: "clerk-gom", body: `{"service_number":"G1"}`, status: 403},
			{name: "issue by armorer of another district", method: "POST", url: "/api/v1/items/AK-001/issue", token: "armorer-bre", body: `{"service_number":"G1"}`, status: 403},
			{name: "issue to unknown member", method: "POST", url: "/api/v1/items/AK-001/issue", token: armorer, body: `{"service_number":"NOPE1"}`, status: 404},
			{name: "issue without member", method: "POST", url: "/api/v1/items/AK-001/issue", token: armorer, body: `{}`, status: 422, field: "service_number"},
			{name: "issue", method: "POST", url: "/api/v1/items/AK-001/issue", token: armorer, body: `{"service_number":"G1"}`, status: 200, check: wantItem(muster.Issued, "G1")},
			{name: "issue twice", method: "POST", url: "/api/v1/items/AK-001/issue", token: armorer, body: `{"service_number":"G2"}`, status: 409},
			{name: "member's kit", method: "GET", url: "/api/v1/members/G1/items", token: "viewer-gom", status: 200, check: items(1)},
			{name: "kit of unknown member", method: "GET", url: "/api/v1/members/NOPE1/items", token: admin, status: 404},
			{name: "kit out of scope", method: "GET", url: "/api/v1/members/B1/items", token: "viewer-gom", status: 403},
			{name: "return", method: "POST", url: "/api/v1/items/AK-001/return", token: armorer, body: `{}`, status: 200, check: wantItem(muster.InStore, "")},
			{name: "return in store", method: "POST", url: "/api/v1/items/AK-001/return", token: armorer, body: `{}`, status: 409},
			{name: "lost", method: "POST", url: "/api/v1/items/AK-001/movements", token: armorer, body: `{"kind":"lost","note":"exercise Jan"}`, status: 200, check: wantItem(muster.Lost, "")},
			{name: "issue lost", method: "POST", url: "/api/v1/items/AK-001/issue", token: armorer, body: `{"service_number":"G1"}`, status: 409},
			{name: "bad kind", method: "POST", url: "/api/v1/items/AK-001/movements", token: armorer, body: `{"kind":"lend"}`, status: 422, field: "kind"},
			{name: "transfer out of scope", method: "POST", url: "/api/v1/items/AK-002/movements", token: admin, body: `{"kind":"transfer","to_armory":"GOM-MOZ-1"}`, status: 200},
			{name: "transfer back by armorer", method: "POST", url: "/api/v1/items/AK-002/movements", token: armorer, body: `{"kind":"transfer","to_armory":"BRE-PIN"}`, status: 403},
			{name: "ledger", method: "GET", url: "/api/v1/items/AK-001/ledger", token: "viewer-gom", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				var l struct{ Entries []muster.LedgerEntry }
				decode(t, rec, &l)
				if len(l.Entries) != 4 || l.Entries[1].Member != "G1" || l.Entries[3].Kind != muster.MoveLost || l.Entries[3].PrevHash != l.Entries[2].Hash {
					t.Errorf("ledger = %s", rec.Body)
				}
			}},
			{name: "holdings", method: "GET", url: "/api/v1/armories/GOM-MOZ-1/items?limit=1", token: "viewer-gom", status: 200, check: items(1)},
			{name: "holdings in store", method: "GET", url: "/api/v1/armories/GOM-MOZ-1/items?status=in_store", token: "viewer-gom", status: 200, check: items(1)},
			{name: "holdings out of scope", method: "GET", url: "/api/v1/armories/BRE-PIN/items", token: "viewer-gom", status: 403},
			{name: "holdings bad parameter", method: "GET", url: "/api/v1/armories/GOM-MOZ-1/items?colour=green", token: admin, status: 400},
			{name: "holdings bad cursor", method: "GET", url: "/api/v1/armories/GOM-MOZ-1/items?cursor=zzz", token: admin, status: 400, code: muster.EINVALID, field: "cursor"},
			{name: "holdings cursor not base64", method: "GET", url: "/api/v1/armories/GOM-MOZ-1/items?cursor=%21%21", token: admin, status: 400, field: "cursor"},
			{name: "member's items bad cursor", method: "GET", url: "/api/v1/members/G1/items?cursor=zzz", token: admin, status: 400, code: muster.EINVALID, field: "cursor"},
			{name: "receive stock", method: "POST", url: "/api/v1/armories/GOM-MOZ-1/stock", token: armorer, body: `{"type":"545","lot":"2026-07","quantity":1200}`, status: 201},
			{name: "issue stock", method: "POST", url: "/api/v1/armories/GOM-MOZ-1/stock/issue", token: armorer, body: `{"type":"545","lot":"2026-07","quantity":120,"service_number":"G2"}`, status: 200},
			{name: "issue too much stock", method: "POST", url: "/api/v1/armories/GOM-MOZ-1/stock/issue", token: armorer, body: `{"type":"545","lot":"2026-07","quantity":5000,"service_number":"G2"}`, status: 409},
			{name: "return stock", method: "POST", url: "/api/v1/armories/GOM-MOZ-1/stock/return", token: armorer, body: `{"type":"545","lot":"2026-07","quantity":20,"service_number":"G2"}`, status: 200},
			{name: "transfer stock", method: "POST", url: "/api/v1/armories/GOM-MOZ-1/stock/transfer", token: armorer, body: `{"type":"545","lot":"2026-07","quantity":100,"to_armory":"GOM-MOZ"}`, status: 200},
			{name: "transfer stock out of scope", method: "POST", url: "/api/v1/armories/GOM-MOZ-1/stock/transfer", token: armorer, body: `{"type":"545","lot":"2026-07","quantity":1,"to_armory":"BRE-PIN"}`, status: 403},
			{name: "transfer stock nowhere", method: "POST", url: "/api/v1/armories/GOM-MOZ-1/stock/transfer", token: armorer, body: `{"type":"545","lot":"2026-07","quantity":1}`, status: 422, field: "to_armory"},
			{name: "stock", method: "GET", url: "/api/v1/armories/GOM-MOZ-1/stock", token: "viewer-gom", status: 200, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				var l struct{ Stock []muster.Stock }
				decode(t, rec, &l)
				if len(l.Stock) != 1 || l.Stock[0].Quantity != 1000 { // 1200 - 120 + 20 - 100
					t.Errorf("stock = %s", rec.Body)
				}
			}},
		})
		// Holdings page through: one item a page, then none.
		rec := request(t, srv, http.MethodGet, "/api/v1/armories/GOM-MOZ-1/items?limit=1", admin, nil)
		var page struct {
			Items      []struct{ Serial string }
			NextCursor string `json:"next_cursor"`
		}
		decode(t, rec, &page)
		rec = request(t, srv, http.MethodGet, "/api/v1/armories/GOM-MOZ-1/items?limit=1&cursor="+page.NextCursor, admin, nil)
		var next struct {
			Items      []struct{ Serial string }
			NextCursor *string `json:"next_cursor"`
		}
		decode(t, rec, &next)
		if len(page.Items) != 1 || page.NextCursor == "" || len(next.Items) != 1 || next.Items[0].Serial == page.Items[0].Serial || next.NextCursor != nil ||
			!strings.Contains(rec.Body.String(), `"next_cursor":null`) {
			t.Fatalf("pages %+v then %s", page, rec.Body)
		}
		// A member's items: one page, next_cursor null.
		rec = request(t, srv, http.MethodGet, "/api/v1/members/G1/items", admin, nil)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"next_cursor":null`) {
			t.Fatalf("G1's items: %d %s", rec.Code, rec.Body)
		}
	})
}
