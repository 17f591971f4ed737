package notify

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// smppConn is one bound connection to the SMSC: a reader goroutine
// matches responses to requests by sequence number, answers the SMSC's
// enquire_link and unbind, and hands each deliver_sm to onDeliver, at
// most cap(handlers) at once; what onDeliver returns to do after runs
// outside that bound (it may wait for the reader). At most cap(window)
// requests await their response at once.
type smppConn struct {
	nc        net.Conn
	timeout   time.Duration
	window    chan struct{}
	handlers  chan struct{}
	onDeliver func(*smppConn, smppPDU) (after func())

	wmu sync.Mutex // serializes writes

	mu      sync.Mutex // protects following fields
	seq     uint32
	pending map[uint32]chan smppPDU
	err     error
	done    chan struct{} // closed when the connection is lost
}

func newSMPPConn(nc net.Conn, window int, timeout time.Duration, onDeliver func(*smppConn, smppPDU) func()) *smppConn {
	c := &smppConn{nc: nc, timeout: timeout, window: make(chan struct{}, window), handlers: make(chan struct{}, window),
		onDeliver: onDeliver, pending: map[uint32]chan smppPDU{}, done: make(chan struct{})}
	go c.read()
	return c
}

// fail closes the connection for err; the first error is kept.
func (c *smppConn) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	c.err = err
	c.nc.Close()
	close(c.done)
}

// Err returns why the connection was lost, or nil.
func (c *smppConn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// read reads PDUs until the connection fails.
func (c *smppConn) read() {
	r := bufio.NewReader(c.nc)
	for {
		p, err := readPDU(r)
		if err != nil {
			c.fail(fmt.Errorf("smpp: connection lost: %w", err))
			return
		}
		switch {
		case p.ID&smppResponse != 0:
			c.mu.Lock()
			ch := c.pending[p.Seq]
			delete(c.pending, p.Seq)
			c.mu.Unlock()
			if ch != nil {
				ch <- p
			}
		case p.ID == smppEnquireLink:
			c.write(smppPDU{ID: smppEnquireLink | smppResponse, Seq: p.Seq})
		case p.ID == smppUnbind:
			c.write(smppPDU{ID: smppUnbind | smppResponse, Seq: p.Seq})
			c.fail(errors.New("smpp: the SMSC unbound"))
			return
		case p.ID == smppDeliverSM:
			select {
			case c.handlers <- struct{}{}:
			case <-c.done:
				return
			}
			go func() {
				after := c.onDeliver(c, p)
				<-c.handlers
				if after != nil {
					after()
				}
			}()
		default:
			c.write(smppPDU{ID: smppGenericNack, Status: smppRInvCmdID, Seq: p.Seq})
		}
	}
}

// write sends p; a failed write loses the connection.
func (c *smppConn) write(p smppPDU) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.nc.SetWriteDeadline(time.Now().Add(c.timeout))
	if _, err := c.nc.Write(p.bytes()); err != nil {
		err = fmt.Errorf("smpp: connection lost: %w", err)
		c.fail(err)
		return err
	}
	return nil
}

// request sends a request and returns its response (or a generic_nack),
// whatever its command_status. It waits for room in the window. An error
// means no response came: after the request was written whole it is
// Unknown (the SMSC may or may not have acted on it); before, it was not
// sent.
func (c *smppConn) request(ctx context.Context, id uint32, body []byte) (smppPDU, error) {
	select {
	case c.window <- struct{}{}:
	case <-c.done:
		return smppPDU{}, c.Err()
	case <-ctx.Done():
		return smppPDU{}, fmt.Errorf("smpp: no room in the window: %w", ctx.Err())
	}
	defer func() { <-c.window }()
	ch := make(chan smppPDU, 1)
	c.mu.Lock()
	c.seq = c.seq%0x7FFFFFFF + 1
	seq := c.seq
	c.pending[seq] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, seq)
		c.mu.Unlock()
	}()
	if err := c.write(smppPDU{ID: id, Seq: seq, Body: body}); err != nil {
		return smppPDU{}, err
	}
	select {
	case p := <-ch:
		if p.ID != id|smppResponse && p.ID != smppGenericNack {
			return smppPDU{}, Unknown(fmt.Errorf("smpp: response 0x%08X to request 0x%08X", p.ID, id))
		}
		return p, nil
	case <-c.done:
		return smppPDU{}, Unknown(fmt.Errorf("smpp: no response: %w", c.Err()))
	case <-ctx.Done():
		return smppPDU{}, Unknown(fmt.Errorf("smpp: no response: %w", ctx.Err()))
	}
}

// keepAlive sends enquire_link every interval; one unanswered within the
// timeout loses the connection, so that the SMPP client reconnects.
func (c *smppConn) keepAlive(interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
		_, err := c.request(ctx, smppEnquireLink, nil)
		cancel()
		if err != nil {
			c.fail(fmt.Errorf("smpp: enquire_link unanswered: %w", err))
			return
		}
	}
}

// unbind ends the session politely and closes the connection.
func (c *smppConn) unbind() {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	c.request(ctx, smppUnbind, nil)
	c.fail(errors.New("smpp: closed"))
}
