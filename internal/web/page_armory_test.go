package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestArmoryPages receives an item on the armory page, issues it on the
// item page, and finds it under "Kit held" on the member's page; a viewer
// sees the pages without the forms and cannot post them.
func TestArmoryPages(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		if err := db.CreateItemType(sqldbtest.System(), &muster.ItemType{Code: "R-168", Name: "R-168 radio", Kind: muster.Serialised}); err != nil {
			t.Fatal(err)
		}
		c := e.signedIn("armorer", muster.RoleArmorer, "GOM-MOZ")
		wantPage(t, c.get("/units/GOM-MOZ-1"), http.StatusOK, `href="/units/GOM-MOZ-1/armory"`)
		wantPage(t, c.get("/units/GOM-MOZ-1/armory"), http.StatusOK, "Armory GOM-MOZ-1", "No items in this armory", `id="receive-form"`)
		rec := c.post("/units/GOM-MOZ-1/armory/items", c.withToken(url.Values{"serial": {"RAD-7"}, "type": {"R-168"}}))
		wantPage(t, c.follow(rec), http.StatusOK, "Item RAD-7 received.", `href="/items/RAD-7"`, "in_store")
		rec = c.post("/units/GOM-MOZ-1/armory/items", c.withToken(url.Values{"serial": {"RAD-7"}, "type": {"R-168"}}))
		wantPage(t, c.follow(rec), http.StatusOK, "The item was not received.", "exists already")

		rec = c.post("/items/RAD-7/movements", c.withToken(url.Values{"kind": {"issue"}, "service_number": {"G1"}, "note": {"for the exercise"}}))
		wantPage(t, c.follow(rec), http.StatusOK, "RAD-7: issue recorded", `<dd id="item-status">issued</dd>`, "Иванов Пётр", "for the exercise")
		rec = c.post("/items/RAD-7/movements", c.withToken(url.Values{"kind": {"issue"}, "service_number": {"G2"}}))
		wantPage(t, c.follow(rec), http.StatusOK, "Nothing was recorded.", "The item is issued")
		wantPage(t, c.get("/members/G1"), http.StatusOK, "Kit held", `href="/items/RAD-7"`, "R-168 radio")
		wantPage(t, c.get("/members/G2"), http.StatusOK, "No items issued.")

		v := e.signedIn("viewer", muster.RoleViewer, "GOM")
		wantPage(t, v.get("/items/RAD-7"), http.StatusOK, "RAD-7", "!"+`id="move-form"`)
		wantPage(t, v.post("/items/RAD-7/movements", v.withToken(url.Values{"kind": {"return"}})), http.StatusForbidden)
		wantPage(t, e.signedIn("other", muster.RoleArmorer, "BRE").get("/units/GOM-MOZ-1/armory"), http.StatusForbidden)
	})
}
