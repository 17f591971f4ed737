package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/muster-force/muster"
)

// Email sends notices over SMTP with the standard library's client: one
// connection per message, plain text in UTF-8, quoted-printable.
type Email struct {
	Addr string       // the submission server, host:port
	From mail.Address // the sender; its domain names the Message-IDs
	// Username and Password, when set, sign in with AUTH PLAIN, which
	// net/smtp allows only over TLS or to localhost.
	Username, Password string
	// TLS, when set, is used for STARTTLS, which is then required.
	TLS *tls.Config
	// LocalName is sent in EHLO; "localhost" when empty.
	LocalName string
	// Location is the time zone of the report-by time in the text.
	Location *time.Location
	// Now dates the message; time.Now when nil.
	Now func() time.Time
}

var _ Channel = (*Email)(nil)

// Name returns muster.ChannelEmail.
func (e *Email) Name() muster.Channel { return muster.ChannelEmail }

// Send delivers the notice to the server and returns its Message-ID.
// A 5xx reply to the recipient or the message is permanent; any other
// error is temporary.
func (e *Email) Send(ctx context.Context, d muster.Delivery) (string, error) {
	to, err := mail.ParseAddress(d.Address)
	if err != nil {
		return "", Permanent(fmt.Errorf("e-mail address %q: %w", d.Address, err))
	}
	to.Name = d.Name
	msgID, msg, err := e.message(d, to)
	if err != nil {
		return "", Permanent(err)
	}
	if err := e.submit(ctx, to.Address, msg); err != nil {
		return "", err
	}
	return msgID, nil
}

// message builds the RFC 5322 message and its Message-ID.
func (e *Email) message(d muster.Delivery, to *mail.Address) (string, []byte, error) {
	now := time.Now
	if e.Now != nil {
		now = e.Now
	}
	var rnd [8]byte
	rand.Read(rnd[:])
	domain := "muster.invalid"
	if _, dom, ok := strings.Cut(e.From.Address, "@"); ok && dom != "" {
		domain = dom
	}
	msgID := fmt.Sprintf("<d%d.%s@%s>", d.ID, hex.EncodeToString(rnd[:]), domain)
	var b bytes.Buffer
	header := func(k, v string) {
		if strings.ContainsAny(v, "\r\n") {
			v = strings.NewReplacer("\r", " ", "\n", " ").Replace(v)
		}
		b.WriteString(k + ": " + v + "\r\n")
	}
	header("From", e.From.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", EmailSubject(d)))
	header("Date", now().Format(time.RFC1123Z))
	header("Message-ID", msgID)
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	header("X-Muster-Delivery", strconv.FormatInt(d.ID, 10))
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(EmailBody(d, e.Location), "\n", "\r\n"))); err != nil {
		return "", nil, err
	}
	if err := qp.Close(); err != nil {
		return "", nil, err
	}
	return msgID, b.Bytes(), nil
}

// submit runs one SMTP transaction; ctx bounds it, closing the connection
// when it ends.
func (e *Email) submit(ctx context.Context, to string, msg []byte) error {
	host, _, err := net.SplitHostPort(e.Addr)
	if err != nil {
		return Permanent(fmt.Errorf("smtp address %q: %w", e.Addr, err))
	}
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", e.Addr)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	local := e.LocalName
	if local == "" {
		local = "localhost"
	}
	if err := c.Hello(local); err != nil {
		return err
	}
	if e.TLS != nil {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("smtp: the server does not offer STARTTLS")
		}
		if err := c.StartTLS(e.TLS); err != nil {
			return err
		}
	}
	if e.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", e.Username, e.Password, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(e.From.Address); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return refused(err)
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil { // the server's reply to the message
		return refused(err)
	}
	c.Quit() // the message is accepted: a failed QUIT changes nothing
	return nil
}

// refused makes a 5xx reply to the recipient or the message permanent. A
// 5xx reply earlier (to EHLO, AUTH, MAIL) says the server or muster's
// settings are wrong, for every member alike: it stays temporary, retried
// with backoff until someone fixes it or the attempts run out.
func refused(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 && te.Code < 600 {
		return Permanent(err)
	}
	return err
}
