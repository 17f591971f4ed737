package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/escalate"
	"github.com/muster-force/muster/internal/notify"
	"github.com/muster-force/muster/internal/sqldb"
)

// deliveryFlags are serve's settings for reaching members. Secrets come
// from the environment, never from flags (which other users can see):
// MUSTER_SMTP_PASSWORD, MUSTER_SMS_KEY and MUSTER_SMPP_PASSWORD.
type deliveryFlags struct {
	smtp, smtpFrom, smtpUser, smsGateway, pushSubject *string
	smpp                                              smppFlags
}

func addDeliveryFlags(fs *flag.FlagSet) *deliveryFlags {
	return &deliveryFlags{
		smtp:       fs.String("smtp", "", "SMTP submission server host:port for e-mail notices"),
		smtpFrom:   fs.String("smtp-from", "muster@localhost", "sender address of e-mail notices"),
		smtpUser:   fs.String("smtp-user", "", "SMTP user name (password in MUSTER_SMTP_PASSWORD)"),
		smsGateway: fs.String("sms-gateway", "", "URL of the HTTP SMS gateway (key in MUSTER_SMS_KEY)"),
		pushSubject: fs.String("push-subject", "", "contact for web push services, mailto: or https: (default: the -public-url when https); "+
			"web push is on when serve has a -public-url"),
		smpp: addSMPPFlags(fs),
	}
}

// dispatcher builds the dispatcher of call-up deliveries. A channel with
// no provider configured still passes drills and fails real deliveries
// for good, saying what to configure; paper notices are printed by staff,
// not dispatched. With -smpp it binds to the SMS centre first; closeSMS
// ends that connection, after the dispatcher has stopped. Every channel
// writes times in the server's time zone (time.Local, from TZ), as the web
// pages show them.
func (f *deliveryFlags) dispatcher(ctx context.Context, db *sqldb.DB, e *env, baseURL string, push *notify.WebPush, logger *slog.Logger) (d *notify.Dispatcher, closeSMS func(), err error) {
	channels := []notify.Channel{notify.Unconfigured(muster.ChannelPush)}
	if push != nil {
		channels[0] = push
	}
	if *f.smtp != "" {
		from, err := mail.ParseAddress(*f.smtpFrom)
		if err != nil {
			return nil, nil, &usageError{fmt.Sprintf("muster serve: -smtp-from %q is not an e-mail address", *f.smtpFrom)}
		}
		channels = append(channels, &notify.Email{Addr: *f.smtp, From: *from, Username: *f.smtpUser, Password: e.getenv("MUSTER_SMTP_PASSWORD"), Location: time.Local})
	} else {
		channels = append(channels, notify.Unconfigured(muster.ChannelEmail))
	}
	closeSMS = func() {}
	switch {
	case *f.smsGateway != "" && *f.smpp.addr != "":
		return nil, nil, &usageError{"muster serve: -sms-gateway and -smpp both send SMS; give one of them"}
	case *f.smsGateway != "":
		channels = append(channels, &notify.SMSGateway{URL: *f.smsGateway, Key: e.getenv("MUSTER_SMS_KEY"), Location: time.Local})
	case *f.smpp.addr != "":
		sms, err := f.smpp.start(ctx, db, e, logger)
		if err != nil {
			return nil, nil, err
		}
		channels, closeSMS = append(channels, sms), func() { sms.Close() }
	default:
		channels = append(channels, notify.Unconfigured(muster.ChannelSMS))
	}
	return &notify.Dispatcher{Store: db, Channels: channels, BaseURL: baseURL, Logger: logger}, closeSMS, nil
}

// webPush returns the web push channel, or nil when push is off: push
// needs a public URL, since browsers subscribe only on a secure origin and
// a notice's link must reach muster from the phone. The VAPID key is made
// once and kept in the database. The contact (RFC 8292) is -push-subject,
// or the public URL when it is https; with neither, push stays off and
// serve says so.
func (f *deliveryFlags) webPush(ctx context.Context, db *sqldb.DB, publicURL string, logger *slog.Logger) (*notify.WebPush, error) {
	subject := *f.pushSubject
	if subject != "" && !validPushSubject(subject) {
		return nil, &usageError{fmt.Sprintf("muster serve: -push-subject %q is not a mailto: address or an https: URL", subject)}
	}
	if publicURL == "" {
		return nil, nil
	}
	if subject == "" && strings.HasPrefix(publicURL, "https://") {
		subject = publicURL
	}
	if subject == "" {
		logger.Warn("web push is off: give -push-subject (mailto: or https:) or an https -public-url")
		return nil, nil
	}
	key, err := db.VAPIDKey(ctx)
	if err != nil {
		return nil, err
	}
	return &notify.WebPush{Subscriptions: db, Key: key, Subject: subject, Location: time.Local}, nil
}

// validPushSubject accepts "mailto:" and an e-mail address, or an https
// URL with a host.
func validPushSubject(s string) bool {
	if addr, ok := strings.CutPrefix(s, "mailto:"); ok {
		_, err := mail.ParseAddress(addr)
		return err == nil
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != ""
}

// escalator builds the runner of call-ups' reminders and re-alerts, on the
// database's clock.
func escalator(db *sqldb.DB, logger *slog.Logger) *escalate.Escalator {
	return &escalate.Escalator{Store: db, Now: db.Now, Logger: logger}
}
