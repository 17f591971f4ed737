package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/mail"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/notify"
	"github.com/muster-force/muster/internal/sqldb"
)

// deliveryFlags are serve's settings for reaching members. Secrets come
// from the environment, never from flags (which other users can see):
// MUSTER_SMTP_PASSWORD, MUSTER_SMS_KEY and MUSTER_SMPP_PASSWORD.
type deliveryFlags struct {
	smtp, smtpFrom, smtpUser, smsGateway *string
	smpp                                 smppFlags
}

func addDeliveryFlags(fs *flag.FlagSet) *deliveryFlags {
	return &deliveryFlags{
		smtp:       fs.String("smtp", "", "SMTP submission server host:port for e-mail notices"),
		smtpFrom:   fs.String("smtp-from", "muster@localhost", "sender address of e-mail notices"),
		smtpUser:   fs.String("smtp-user", "", "SMTP user name (password in MUSTER_SMTP_PASSWORD)"),
		smsGateway: fs.String("sms-gateway", "", "URL of the HTTP SMS gateway (key in MUSTER_SMS_KEY)"),
		smpp:       addSMPPFlags(fs),
	}
}

// dispatcher builds the dispatcher of call-up deliveries. A channel with
// no provider configured still passes drills and fails real deliveries
// for good, saying what to configure; paper notices are printed by staff,
// not dispatched. With -smpp it binds to the SMS centre first; closeSMS
// ends that connection, after the dispatcher has stopped.
func (f *deliveryFlags) dispatcher(ctx context.Context, db *sqldb.DB, e *env, baseURL string, logger *slog.Logger) (d *notify.Dispatcher, closeSMS func(), err error) {
	channels := []notify.Channel{notify.Unconfigured(muster.ChannelPush)}
	if *f.smtp != "" {
		from, err := mail.ParseAddress(*f.smtpFrom)
		if err != nil {
			return nil, nil, &usageError{fmt.Sprintf("muster serve: -smtp-from %q is not an e-mail address", *f.smtpFrom)}
		}
		channels = append(channels, &notify.Email{Addr: *f.smtp, From: *from, Username: *f.smtpUser, Password: e.getenv("MUSTER_SMTP_PASSWORD")})
	} else {
		channels = append(channels, notify.Unconfigured(muster.ChannelEmail))
	}
	closeSMS = func() {}
	switch {
	case *f.smsGateway != "" && *f.smpp.addr != "":
		return nil, nil, &usageError{"muster serve: -sms-gateway and -smpp both send SMS; give one of them"}
	case *f.smsGateway != "":
		channels = append(channels, &notify.SMSGateway{URL: *f.smsGateway, Key: e.getenv("MUSTER_SMS_KEY")})
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
