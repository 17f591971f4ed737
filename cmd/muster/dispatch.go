package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net/mail"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/escalate"
	"github.com/muster-force/muster/internal/notify"
	"github.com/muster-force/muster/internal/sqldb"
)

// deliveryFlags are serve's settings for reaching members. Secrets come
// from the environment, never from flags (which other users can see):
// MUSTER_SMTP_PASSWORD and MUSTER_SMS_KEY.
type deliveryFlags struct {
	smtp, smtpFrom, smtpUser, smsGateway *string
}

func addDeliveryFlags(fs *flag.FlagSet) *deliveryFlags {
	return &deliveryFlags{
		smtp:       fs.String("smtp", "", "SMTP submission server host:port for e-mail notices"),
		smtpFrom:   fs.String("smtp-from", "muster@localhost", "sender address of e-mail notices"),
		smtpUser:   fs.String("smtp-user", "", "SMTP user name (password in MUSTER_SMTP_PASSWORD)"),
		smsGateway: fs.String("sms-gateway", "", "URL of the HTTP SMS gateway (key in MUSTER_SMS_KEY)"),
	}
}

// dispatcher builds the dispatcher of call-up deliveries. A channel with
// no provider configured still passes drills and fails real deliveries
// for good, saying what to configure; paper notices are printed by staff,
// not dispatched.
func (f *deliveryFlags) dispatcher(db *sqldb.DB, e *env, baseURL string, logger *slog.Logger) (*notify.Dispatcher, error) {
	channels := []notify.Channel{notify.Unconfigured(muster.ChannelPush)}
	if *f.smtp != "" {
		from, err := mail.ParseAddress(*f.smtpFrom)
		if err != nil {
			return nil, &usageError{fmt.Sprintf("muster serve: -smtp-from %q is not an e-mail address", *f.smtpFrom)}
		}
		channels = append(channels, &notify.Email{Addr: *f.smtp, From: *from, Username: *f.smtpUser, Password: e.getenv("MUSTER_SMTP_PASSWORD")})
	} else {
		channels = append(channels, notify.Unconfigured(muster.ChannelEmail))
	}
	if *f.smsGateway != "" {
		channels = append(channels, &notify.SMSGateway{URL: *f.smsGateway, Key: e.getenv("MUSTER_SMS_KEY")})
	} else {
		channels = append(channels, notify.Unconfigured(muster.ChannelSMS))
	}
	return &notify.Dispatcher{Store: db, Channels: channels, BaseURL: baseURL, Logger: logger}, nil
}

// escalator builds the runner of call-ups' reminders and re-alerts, on the
// database's clock.
func escalator(db *sqldb.DB, logger *slog.Logger) *escalate.Escalator {
	return &escalate.Escalator{Store: db, Now: db.Now, Logger: logger}
}
