package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/muster-force/muster"
)

// SMSGateway sends notices through an HTTP SMS gateway: it POSTs
// {"to": "+375…", "text": "…"} as JSON to URL with the key as a bearer
// token, and the gateway answers {"id": "…"}, the id its delivery receipts
// name. Each request carries an Idempotency-Key unique to the delivery, so
// a gateway that honours it drops the second copy of a message muster
// sends again after a crash between the gateway's answer and MarkSent.
type SMSGateway struct {
	URL    string
	Key    string
	Client *http.Client // http.DefaultClient when nil
	// Location is the time zone of the report-by time in the text.
	Location *time.Location
}

var _ Channel = (*SMSGateway)(nil)

// Name returns muster.ChannelSMS.
func (g *SMSGateway) Name() muster.Channel { return muster.ChannelSMS }

// Send posts the notice. 408, 425, 429, 5xx and network errors are
// temporary; any other refusal is permanent.
func (g *SMSGateway) Send(ctx context.Context, d muster.Delivery) (string, error) {
	if !muster.ValidPhone(d.Address) {
		return "", Permanent(fmt.Errorf("sms: %q is not an E.164 phone number", d.Address))
	}
	body, err := json.Marshal(struct {
		To   string `json:"to"`
		Text string `json:"text"`
	}{d.Address, SMSText(d, g.Location)})
	if err != nil {
		return "", Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL, bytes.NewReader(body))
	if err != nil {
		return "", Permanent(fmt.Errorf("sms gateway: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+g.Key)
	req.Header.Set("Idempotency-Key", "muster-delivery-"+strconv.FormatInt(d.ID, 10))
	client := g.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("sms gateway: %w", err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		err := fmt.Errorf("sms gateway: %s: %.200s", resp.Status, strings.TrimSpace(string(answer)))
		switch c := resp.StatusCode; {
		case c == 408 || c == 425 || c == 429 || c >= 500:
			return "", err
		default:
			return "", Permanent(err)
		}
	}
	var out struct {
		ID json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(answer, &out); err != nil || len(out.ID) == 0 {
		// The gateway took the message: sending it again would duplicate
		// it. Without an id no receipt can find it; it stays sent.
		return "", nil
	}
	var id string
	if json.Unmarshal(out.ID, &id) != nil {
		id = string(out.ID) // a numeric id
	}
	return id, nil
}
