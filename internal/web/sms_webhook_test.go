package web

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/smsreply"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

const smsKey = "gateway-secret"

// smsCase is one webhook request and what it must get: the status, and
// for an inbound SMS the reply, or for an error its code.
type smsCase struct {
	name, path, auth, body string
	status                 int
	reply, code            string
	addr                   string // the client address; "" for 192.0.2.50
	// confirmed: the answer is stored and confirmed by a queued delivery,
	// so nothing is to be sent at once (reply "").
	confirmed bool
}

func (e *callUpEnv) runSMS(cases []smsCase) {
	t := e.t
	t.Helper()
	for _, c := range cases {
		req := httptest.NewRequest("POST", c.path, strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/json")
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		req.RemoteAddr = "192.0.2.50:4000"
		if c.addr != "" {
			req.RemoteAddr = c.addr + ":4000"
		}
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != c.status {
			t.Errorf("%s: %d, want %d\n%s", c.name, rec.Code, c.status, rec.Body)
			continue
		}
		var body smsReply
		json.Unmarshal(rec.Body.Bytes(), &body)
		if c.reply != "" && body.Reply != c.reply {
			t.Errorf("%s: reply %q, want %q", c.name, body.Reply, c.reply)
		}
		if c.confirmed && (body.Reply != "" || !strings.Contains(rec.Body.String(), `"reply":""`)) {
			t.Errorf("%s: %s, want an empty reply: the confirmation is queued", c.name, rec.Body)
		}
		if c.code != "" {
			var eb errorBody
			if json.Unmarshal(rec.Body.Bytes(), &eb); eb.Error.Code != c.code {
				t.Errorf("%s: error %s, want code %q", c.name, rec.Body, c.code)
			}
		}
	}
}

func TestSMSWebhooks(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newCallUpEnv(t, db)
		e.s.SMS = SMSHooks{Key: smsKey, Receipts: db}
		id := e.createCallUp(callUpBody(set("channels", []string{"sms"}), set("drill", false)))
		ctx := context.Background()
		sms, err := db.ClaimDue(ctx, muster.ChannelSMS, sqldbtest.Now, 10, time.Minute)
		if err != nil || len(sms) != 1 { // G1 alone has a phone
			t.Fatalf("claimed %d: %v", len(sms), err)
		}
		if err := db.MarkSent(ctx, sms[0].ID, "gw-7"); err != nil {
			t.Fatal(err)
		}
		bearer := "Bearer " + smsKey
		e.runSMS([]smsCase{
			{name: "receipt no key", path: "/sms/receipt", body: `{"id":"gw-7","status":"delivered"}`, status: 401, code: muster.EUNAUTHORIZED, addr: "192.0.2.60"},
			{name: "receipt bad key", path: "/sms/receipt", auth: "Bearer nope", body: `{"id":"gw-7","status":"delivered"}`, status: 401, code: muster.EUNAUTHORIZED, addr: "192.0.2.60"},
			{name: "inbound bad key", path: "/sms/inbound", auth: "Basic " + smsKey, body: `{"from":"+375291234567","text":"1"}`, status: 401, addr: "192.0.2.60"},
			{name: "receipt unknown id", path: "/sms/receipt", auth: bearer, body: `{"id":"gw-0","status":"delivered"}`, status: 404, code: muster.ENOTFOUND},
			{name: "receipt bad status", path: "/sms/receipt", auth: bearer, body: `{"id":"gw-7","status":"read"}`, status: 400, code: muster.EINVALID},
			{name: "receipt no id", path: "/sms/receipt", auth: bearer, body: `{"status":"delivered"}`, status: 400, code: muster.EINVALID},
			{name: "receipt not JSON", path: "/sms/receipt", auth: bearer, body: `id=gw-7`, status: 400, code: muster.EINVALID},
			{name: "receipt delivered", path: "/sms/receipt", auth: bearer, body: `{"id":"gw-7","status":"delivered"}`, status: 200},
			{name: "receipt repeated", path: "/sms/receipt", auth: bearer, body: `{"id":"gw-7","status":"delivered"}`, status: 200},
			{name: "receipt, scheme in lower case", path: "/sms/receipt", auth: "bearer " + smsKey, body: `{"id":"gw-7","status":"delivered"}`, status: 200},
			{name: "inbound not understood", path: "/sms/inbound", auth: bearer, body: `{"from":"+375291234567","text":"maybe"}`, status: 200, reply: smsreply.Usage},
			{name: "inbound stranger", path: "/sms/inbound", auth: bearer, body: `{"from":"+375299999999","text":"1"}`, status: 200, reply: smsreply.Stranger},
			{name: "inbound unknown field", path: "/sms/inbound", auth: bearer, body: `{"from":"+375291234567","text":"1","to":"x"}`, status: 400, code: muster.EINVALID},
			{name: "inbound late", path: "/sms/inbound", auth: bearer, body: `{"from":"+375291234567","text":"2 45"}`, status: 200, confirmed: true},
			{name: "inbound without plus", path: "/sms/inbound", auth: bearer, body: `{"from":"375291234567","text":"да"}`, status: 200, confirmed: true},
		})
		// The confirmations wait in the queue for the dispatcher.
		var texts []string
		queued, err := db.ClaimDue(ctx, muster.ChannelSMS, sqldbtest.Now, 10, time.Minute)
		for _, d := range queued {
			if d.Purpose == muster.PurposeConfirmation && d.Address == "+375291234567" {
				texts = append(texts, d.Text)
			}
		}
		if err != nil || len(texts) != 2 || texts[0] != "Answer recorded for Exercise Winter Oak: coming late, 45 min." ||
			texts[1] != "Answer recorded for Exercise Winter Oak: coming." {
			t.Errorf("queued confirmations %q, %v", texts, err)
		}
		rd := e.readiness(id)
		if rd.Delivered != 1 || rd.Yes != 1 || rd.Late != 0 {
			t.Errorf("readiness after the webhooks: %+v", rd)
		}
		page, err := db.AnswerPage(ctx, strings.TrimPrefix(e.responsePath(id, "G1"), "/r/"))
		if err != nil || page.Last == nil || page.Last.Via != "sms" || page.Last.Answer != muster.AnswerYes {
			t.Errorf("G1's last answer %+v, %v", page, err)
		}

		// A failure receipt fails the delivery.
		e.createCallUp(callUpBody(set("channels", []string{"sms"}), set("drill", false)))
		sms, _ = db.ClaimDue(ctx, muster.ChannelSMS, sqldbtest.Now, 10, time.Minute)
		if len(sms) != 1 || db.MarkSent(ctx, sms[0].ID, "42") != nil {
			t.Fatalf("second call-up: %d deliveries", len(sms))
		}
		e.runSMS([]smsCase{
			{name: "receipt failed, numeric id", path: "/sms/receipt", auth: bearer, body: `{"id":42,"status":"failed","reason":"absent subscriber"}`, status: 200},
		})
		// No longer sent: a delivered receipt finds nothing to mark.
		if err := db.MarkDelivered(ctx, muster.ChannelSMS, "42"); muster.ErrorCode(err) != muster.ENOTFOUND {
			t.Errorf("the failed delivery took a delivered receipt: %v", err)
		}

		// Without a key, the webhooks refuse everything.
		e.s.SMS.Key = ""
		e.runSMS([]smsCase{
			{name: "no key configured", path: "/sms/inbound", auth: "Bearer ", body: `{"from":"+375291234567","text":"1"}`, status: 401, addr: "192.0.2.70"},
		})
		// Repeated bad keys from one address are rate-limited.
		e.s.SMS.Key = smsKey
		var last int
		for range answerBurst + 1 {
			req := httptest.NewRequest("POST", "/sms/inbound", strings.NewReader(`{"from":"+375291234567","text":"1"}`))
			req.Header.Set("Authorization", "Bearer guess")
			req.RemoteAddr = "203.0.113.9:5000"
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, req)
			last = rec.Code
		}
		if last != 429 {
			t.Errorf("after %d bad keys: %d, want 429", answerBurst+1, last)
		}
	})
}
