package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/notify"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestDispatcherSendsReceipt issues a rifle to G1, who has a phone, and
// finds the receipt sent once by SMS through the dispatcher, with a link
// to the member's armory page that opens it.
func TestDispatcherSendsReceipt(t *testing.T) {
	g := startGateway(t)
	db := sqldbtest.Open(t, "sqlite")
	sqldbtest.Seed(t, db)
	ctx := sqldbtest.System()
	if err := db.CreateItemType(ctx, &muster.ItemType{Code: "RIFLE", Name: "AK-74M", Kind: muster.Serialised}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateItem(ctx, &muster.Item{Serial: "R1", Type: "RIFLE", Armory: "GOM-MOZ-1"}); err != nil {
		t.Fatal(err)
	}
	armorer := sqldbtest.As(t, db, muster.RoleArmorer, "GOM-MOZ")
	if _, err := db.MoveItem(armorer, "R1", muster.Movement{Kind: muster.MoveIssue, ServiceNumber: "G1"}); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: sqldbtest.Now}
	stop := start(t, dispatcher(db, clk, &notify.SMSGateway{URL: g.URL, Key: g.Key}))
	deadline := time.Now().Add(60 * time.Second)
	for len(g.Requests()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no SMS after 60 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	reqs := g.Requests()
	if len(reqs) != 1 || reqs[0].To != "+375291234567" {
		t.Fatalf("SMS = %+v", reqs)
	}
	text := reqs[0].Text
	_, token, ok := strings.Cut(text, "https://m.example/k/")
	if !ok || !strings.HasPrefix(text, "Armory receipt: AK-74M R1 was issued to you from armory GOM-MOZ-1") {
		t.Fatalf("SMS text = %q", text)
	}
	k, err := db.KitPage(t.Context(), strings.TrimSpace(token))
	if err != nil || k.ServiceNumber != "G1" || len(k.Items) != 1 {
		t.Fatalf("the receipt's link opens %+v (%v)", k, err)
	}
}
