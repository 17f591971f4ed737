package notify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/muster-force/muster"
)

// WebPush sends notices as web push messages (RFC 8030): each encrypted
// to the browser's keys (RFC 8291) and signed with muster's VAPID key (RFC
// 8292). A push delivery is one per member; Send reaches every device the
// member has subscribed, read when it is sent, so that a device added after
// the call-up was made gets it and a device gone is not tried.
type WebPush struct {
	Subscriptions muster.PushSubscriptionStore
	Key           *ecdsa.PrivateKey // the VAPID key
	// Subject is the contact that push services may use: a mailto: or
	// https: URL (RFC 8292, 2.1).
	Subject string
	// Client sends the pushes. When nil, a client that connects only to
	// public addresses, with no proxy: an endpoint is whatever the holder
	// of a response token posts, and must not make muster post into its
	// own network. Set one to reach a push service on a private network.
	Client *http.Client
	// Location is the time zone of the report-by time in the text.
	Location *time.Location
	// Now dates the VAPID claims and the TTL; time.Now when nil.
	Now func() time.Time

	once   sync.Once
	public *http.Client // the client when Client is nil
}

var _ Channel = (*WebPush)(nil)

// Name returns muster.ChannelPush.
func (p *WebPush) Name() muster.Channel { return muster.ChannelPush }

// The longest a push service is asked to keep a message for a device that
// is offline, and the least.
const (
	maxPushTTL = 7 * 24 * time.Hour
	minPushTTL = time.Hour
	// maxRetryAfter bounds the wait a push service may ask for.
	maxRetryAfter = time.Hour
)

// pushMessage is the JSON the service worker (static/push-sw.js) shows.
type pushMessage struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	URL   string `json:"url"`
	Tag   string `json:"tag"` // one notification per call-up: a reminder replaces the notice
}

// Send pushes the notice to each of the member's devices. It succeeds when
// one push service accepted it (201), and returns that message's
// location. A device whose service answers 404 or 410 is gone: its
// subscription is deleted. When none accepted, the error is temporary if
// one device may still take it (429, 5xx, a network error; Retry-After is
// honoured), and permanent otherwise (gone, 413, other refusals).
func (p *WebPush) Send(ctx context.Context, d muster.Delivery) (string, error) {
	subs, err := p.Subscriptions.PushSubscriptions(ctx, d.MemberID)
	if err != nil {
		return "", err
	}
	if len(subs) == 0 {
		return "", Permanent(errors.New("push: the member has no push subscription left"))
	}
	// Not HTML-escaped: "<" as \u003c would take six bytes of the 3993.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(pushMessage{Title: EmailSubject(d), Body: PushText(d, p.Location), URL: d.ResponseURL,
		Tag: "muster-callup-" + strconv.FormatInt(d.CallUpID, 10)}); err != nil {
		return "", Permanent(err)
	}
	payload := bytes.TrimSpace(buf.Bytes())
	var errs []error
	for _, s := range subs {
		location, err := p.push(ctx, d, s, payload)
		if err == nil {
			return location, nil
		}
		errs = append(errs, err)
	}
	err = errors.Join(errs...)
	for _, e := range errs {
		if !IsPermanent(e) {
			return "", &RetryAfterError{Err: err, After: retryAfter(e)}
		}
	}
	return "", Permanent(err)
}

// push sends the message to one device.
func (p *WebPush) push(ctx context.Context, d muster.Delivery, s muster.PushSubscription, payload []byte) (string, error) {
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	host := pushHost(s.Endpoint)
	body, err := encryptPush(payload, s.P256dh, s.Auth)
	if err != nil {
		return "", Permanent(fmt.Errorf("push to %s: %w", host, err))
	}
	auth, err := vapidHeader(p.Key, p.Subject, s.Endpoint, now())
	if err != nil {
		return "", Permanent(fmt.Errorf("push to %s: %w", host, err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.Endpoint, bytes.NewReader(body))
	if err != nil {
		return "", Permanent(fmt.Errorf("push to %s: %w", host, err))
	}
	ttl := min(max(d.ReportBy.Sub(now()), minPushTTL), maxPushTTL)
	h := req.Header
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Encoding", "aes128gcm")
	h.Set("Authorization", auth)
	h.Set("TTL", strconv.Itoa(int(ttl.Seconds())))
	h.Set("Urgency", pushUrgency(d.Kind))
	h.Set("Topic", "muster-callup-"+strconv.FormatInt(d.CallUpID, 10))
	client := p.Client
	if client == nil {
		p.once.Do(func() { p.public = publicClient() })
		client = p.public
	}
	resp, err := client.Do(req)
	if errors.Is(err, errNotPublic) {
		return "", Permanent(fmt.Errorf("push to %s: %w", host, errNotPublic))
	} else if err != nil {
		return "", fmt.Errorf("push to %s: %w", host, err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	switch code := resp.StatusCode; {
	case code == http.StatusCreated || code == http.StatusOK || code == http.StatusAccepted:
		return resp.Header.Get("Location"), nil
	case code == http.StatusNotFound || code == http.StatusGone:
		if err := p.Subscriptions.DeletePushSubscription(ctx, s.Endpoint); err != nil {
			return "", fmt.Errorf("push to %s: the subscription is gone, and deleting it failed: %w", host, err)
		}
		return "", Permanent(fmt.Errorf("push to %s: the subscription is gone (%d); deleted", host, code))
	case code == http.StatusTooManyRequests || code >= 500:
		return "", &RetryAfterError{Err: fmt.Errorf("push to %s: %s", host, resp.Status), After: parseRetryAfter(resp.Header.Get("Retry-After"), now())}
	default: // 413 (too large), 400, 401, 403: sending again cannot help
		return "", Permanent(fmt.Errorf("push to %s: refused: %s", host, resp.Status))
	}
}

// errNotPublic refuses a connection to a loopback, private, link-local
// or unspecified address.
var errNotPublic = errors.New("the push service is not at a public address")

// publicClient returns a client that connects only to public addresses,
// checked on the address dialled (after DNS), with no proxy.
func publicClient() *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip, err := netip.ParseAddr(host)
		if err != nil {
			return err
		}
		ip = ip.Unmap()
		if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() || ip.IsMulticast() {
			return errNotPublic
		}
		return nil
	}}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil
	transport.DialContext = dialer.DialContext
	return &http.Client{Transport: transport}
}

// pushUrgency is "high" for the call-ups that cannot wait (RFC 8030, 5.3):
// push services then wake a phone that saves its battery.
func pushUrgency(k muster.CallUpKind) string {
	if k == muster.CallUpEmergency || k == muster.CallUpMobilisation {
		return "high"
	}
	return "normal"
}

// pushHost names a push service in errors and logs without its endpoint's
// path, which is the device's credential.
func pushHost(endpoint string) string {
	rest, ok := strings.CutPrefix(endpoint, "https://")
	if !ok {
		rest, _ = strings.CutPrefix(endpoint, "http://")
	}
	host, _, _ := strings.Cut(rest, "/")
	return host
}

// parseRetryAfter reads a Retry-After header, seconds or an HTTP date,
// bounded by maxRetryAfter; 0 when absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	var d time.Duration
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}

// PushText returns the body of a push notification: what is asked, the
// message cut to a few lines, and where and when to report. The title is
// the e-mail's subject; a click opens the response link.
func PushText(d muster.Delivery, loc *time.Location) string {
	if d.Purpose.Staff() {
		return staffSMS(d)
	}
	if d.Purpose.Armory() {
		return armoryPushText(d)
	}
	if d.Purpose == muster.PurposeExpiry {
		return expiryPush(d)
	}
	var b strings.Builder
	if lead := leads[d.Purpose]; lead != "" {
		b.WriteString(strings.TrimSpace(lead) + "\n")
	}
	msg := []rune(d.Message)
	if len(msg) > 300 {
		msg = append(msg[:299], '…')
	}
	b.WriteString(string(msg))
	b.WriteString("\n")
	if d.AssemblyPoint != "" {
		b.WriteString(d.AssemblyPoint + ", ")
	}
	b.WriteString("by " + reportBy(d.ReportBy, loc, "Mon 2 Jan 15:04"))
	return b.String()
}
