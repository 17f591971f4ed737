package main

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/remind"
	"github.com/muster-force/muster/internal/sqldb"
)

// parseLeads parses serve's -expiry-leads, days joined by commas.
func parseLeads(s string) ([]int, error) {
	var leads []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, &usageError{fmt.Sprintf("muster serve: -expiry-leads %q: %q is not a number of days", s, f)}
		}
		leads = append(leads, n)
	}
	o := muster.ExpiryOptions{Leads: leads}
	if err := o.Validate(); err != nil {
		return nil, &usageError{"muster serve: -expiry-leads: " + muster.ErrorMessage(err)}
	}
	return leads, nil
}

// reminder builds the daily expiry reminder. Members are reminded on the
// channels serve has a provider for (push, SMS, e-mail, in that order of
// preference); with none, on all three, where the dispatcher fails them
// for good saying what to configure.
func (f *deliveryFlags) reminder(db *sqldb.DB, leads []int, push bool, logger *slog.Logger) *remind.Reminder {
	var channels []muster.Channel
	if push {
		channels = append(channels, muster.ChannelPush)
	}
	if *f.smsGateway != "" || *f.smpp.addr != "" {
		channels = append(channels, muster.ChannelSMS)
	}
	if *f.smtp != "" {
		channels = append(channels, muster.ChannelEmail)
	}
	return &remind.Reminder{Store: db, Options: muster.ExpiryOptions{Leads: leads, Channels: channels}, Now: db.Now, Logger: logger}
}
