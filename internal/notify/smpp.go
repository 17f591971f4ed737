package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/smsreply"
)

// SMPP sends notices as SMS straight to an operator's SMS centre over
// SMPP 3.4, bound as a transceiver, and takes back over the same
// connection the centre's delivery receipts and the members' replies.
//
// A text in the GSM alphabet goes as GSM 7-bit, any other as UCS-2; a long
// one in concatenated parts (see smppParts), whose 8-bit reference is the
// delivery id's low byte, so a resend of a delivery reuses it. The
// provider id of a delivery is the message_id of its first part: the
// receipt of that part marks the delivery; receipts of later parts are
// acknowledged and ignored (their ids are remembered in memory; after a
// restart they are refused as unknown, and the centre gives up on them in
// time).
//
// Start binds; the connection is then kept up, with enquire_link and a
// reconnection with backoff, until Close. A Send while it is down waits
// for the reconnection until its context ends, then fails temporarily.
type SMPP struct {
	Addr       string // host:port of the SMSC
	SystemID   string
	Password   string
	SystemType string
	// Source is the sender: "+…" for a number, a name of up to 11
	// letters and digits, or "" for the SMSC's default.
	Source string
	// Rate is the most submit_sm a second, each part counting; none is no
	// limit. Window is the most requests awaiting a response (10).
	Rate   float64
	Window int
	// EnquireLink is the keep-alive interval (30 s). Timeout bounds a
	// connect, a bind, an enquire_link and a write (10 s).
	EnquireLink, Timeout time.Duration
	// ThrottlePause is the wait before submitting a part again that the
	// SMSC refused with ESME_RTHROTTLED or ESME_RMSGQFUL (1 s).
	ThrottlePause time.Duration
	// Reconnect spaces reconnection attempts (1 s doubling to 1 minute).
	Reconnect Backoff
	// Receipts applies delivery receipts; Replies stores members' replies
	// (both are *sqldb.DB). Location is the time zone of texts.
	Receipts Receipts
	Replies  smsreply.Answerer
	Location *time.Location
	Logger   *slog.Logger

	limiter *rate.Limiter

	mu        sync.Mutex // protects following fields
	conn      *smppConn  // nil while not bound
	up        chan struct{}
	lastErr   error
	closed    bool
	later     map[string]bool // message ids of parts after the first
	laterList []string
	cancel    context.CancelFunc
	done      chan struct{}
}

// Receipts applies a provider's delivery receipts: muster.DeliveryStore's
// MarkDelivered, MarkUndelivered and AdoptReceipt (see *sqldb.DB).
type Receipts interface {
	MarkDelivered(ctx context.Context, ch muster.Channel, providerID string) error
	MarkUndelivered(ctx context.Context, ch muster.Channel, providerID, reason string) error
	// AdoptReceipt applies a receipt of a message whose id muster never
	// learnt (its submit_sm_resp was lost) to the oldest unknown delivery
	// to the address; ENOTFOUND when there is none, or when a delivery to
	// the address is being sent (the receipt may be its).
	AdoptReceipt(ctx context.Context, ch muster.Channel, providerID, address string, delivered bool) error
}

var _ Channel = (*SMPP)(nil)

// maxLaterParts bounds the later parts' ids kept in memory.
const maxLaterParts = 10000

// Name returns muster.ChannelSMS.
func (s *SMPP) Name() muster.Channel { return muster.ChannelSMS }

// Start connects and binds. A refused bind (bad credentials) is an
// error; an SMSC that cannot be reached is logged and tried again in the
// background. The connection lasts until Close.
func (s *SMPP) Start(ctx context.Context) error {
	if s.Receipts == nil || s.Replies == nil {
		return errors.New("smpp: Receipts and Replies are required")
	}
	if s.Window < 1 {
		s.Window = 10
	}
	if s.EnquireLink <= 0 {
		s.EnquireLink = 30 * time.Second
	}
	if s.Timeout <= 0 {
		s.Timeout = 10 * time.Second
	}
	if s.ThrottlePause <= 0 {
		s.ThrottlePause = time.Second
	}
	if s.Reconnect.Base <= 0 {
		s.Reconnect = Backoff{Base: time.Second, Max: time.Minute}
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	s.limiter = rate.NewLimiter(rate.Inf, 1)
	if s.Rate > 0 {
		s.limiter = rate.NewLimiter(rate.Limit(s.Rate), 1)
	}
	s.mu.Lock()
	if s.done != nil {
		s.mu.Unlock()
		return errors.New("smpp: started already")
	}
	s.up, s.later = make(chan struct{}), map[string]bool{}
	s.mu.Unlock()
	conn, err := s.connect(ctx)
	var refused *smppStatusError
	if errors.As(err, &refused) {
		return fmt.Errorf("SMPP centre %s refused the bind as %q: %w", s.Addr, s.SystemID, err)
	} else if err != nil {
		s.Logger.Warn("smpp: cannot reach the SMS centre; trying again", "addr", s.Addr, "err", err)
		s.setDown(err)
	}
	run, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.mu.Lock()
	s.cancel, s.done = cancel, make(chan struct{})
	s.mu.Unlock()
	go s.keep(run, conn)
	return nil
}

// Close unbinds and stops reconnecting; a Send waiting for the
// connection fails at once.
func (s *SMPP) Close() error {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.closed = true
	s.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	return nil
}

// keep holds the connection up until ctx ends, reconnecting with backoff.
func (s *SMPP) keep(ctx context.Context, conn *smppConn) {
	defer close(s.done)
	attempt := 0
	for {
		if conn != nil {
			attempt = 0
			s.setUp(conn)
			select {
			case <-conn.done:
				s.Logger.Warn("smpp: connection lost; reconnecting", "addr", s.Addr, "err", conn.Err())
				s.setDown(conn.Err())
			case <-ctx.Done():
				s.setDown(errors.New("smpp: closed"))
				conn.unbind()
				return
			}
		}
		attempt++
		pause(ctx, s.Reconnect.Delay(attempt, nil))
		if ctx.Err() != nil {
			return
		}
		var err error
		if conn, err = s.connect(ctx); err != nil {
			s.Logger.Warn("smpp: reconnect failed", "addr", s.Addr, "attempt", attempt, "err", err)
			s.setDown(err)
		}
	}
}

// connect dials the SMSC and binds as a transceiver.
func (s *SMPP) connect(ctx context.Context) (*smppConn, error) {
	d := net.Dialer{Timeout: s.Timeout}
	nc, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return nil, fmt.Errorf("smpp: %w", err)
	}
	conn := newSMPPConn(nc, s.Window, s.Timeout, s.deliver)
	var b smppBody
	b.cstring(s.SystemID).cstring(s.Password).cstring(s.SystemType)
	b.u8(smppInterfaceV34, 0, 0).cstring("") // addr_ton, addr_npi, address_range
	bctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	resp, err := conn.request(bctx, smppBindTransceiver, b.Bytes())
	if err == nil && resp.Status != smppOK {
		err = &smppStatusError{Command: "bind_transceiver", Status: resp.Status}
	}
	if err != nil {
		conn.fail(err)
		return nil, err
	}
	go conn.keepAlive(s.EnquireLink)
	return conn, nil
}

func (s *SMPP) setUp(conn *smppConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conn, s.lastErr = conn, nil
	close(s.up)
}

func (s *SMPP) setDown(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil {
		s.up = make(chan struct{})
	}
	s.conn, s.lastErr = nil, err
}

// session returns the bound connection, waiting for it until ctx ends.
func (s *SMPP) session(ctx context.Context) (*smppConn, error) {
	for {
		s.mu.Lock()
		conn, up, last, closed, done := s.conn, s.up, s.lastErr, s.closed, s.done
		s.mu.Unlock()
		switch {
		case conn != nil:
			return conn, nil
		case closed || done == nil:
			return nil, errors.New("smpp: the connection is closed")
		}
		select {
		case <-up:
		case <-done:
		case <-ctx.Done():
			return nil, fmt.Errorf("smpp: not connected to the SMS centre (%v): %w", last, ctx.Err())
		}
	}
}
