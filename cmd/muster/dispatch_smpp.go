package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/muster-force/muster/internal/notify"
	"github.com/muster-force/muster/internal/sqldb"
)

// smppFlags configure SMS over SMPP 3.4 straight to an operator's SMS
// centre, instead of the HTTP gateway; the password comes from
// MUSTER_SMPP_PASSWORD.
type smppFlags struct {
	addr, systemID, systemType, source *string
	rate                               *float64
	window                             *int
}

func addSMPPFlags(fs *flag.FlagSet) smppFlags {
	return smppFlags{
		addr:       fs.String("smpp", "", "SMPP 3.4 SMS centre host:port for SMS notices, instead of -sms-gateway (password in MUSTER_SMPP_PASSWORD)"),
		systemID:   fs.String("smpp-system-id", "", "SMPP system_id muster binds with"),
		systemType: fs.String("smpp-system-type", "", "SMPP system_type, if the SMS centre wants one"),
		source:     fs.String("smpp-source", "", "sender of SMS notices: +NUMBER or a name of up to 11 letters and digits (default: the SMS centre's)"),
		rate:       fs.Float64("smpp-rate", 0, "most submit_sm a second, each part of a long SMS counting (0: no limit; the SMS centre's throttling is waited out)"),
		window:     fs.Int("smpp-window", 10, "most SMPP requests awaiting their response at once"),
	}
}

// start binds to the SMS centre: a refused bind stops serve with the
// reason; a centre that cannot be reached is tried again in the background.
func (f smppFlags) start(ctx context.Context, db *sqldb.DB, e *env, logger *slog.Logger) (*notify.SMPP, error) {
	if *f.systemID == "" {
		return nil, &usageError{"muster serve: -smpp needs -smpp-system-id (and the password in MUSTER_SMPP_PASSWORD)"}
	}
	if *f.window < 1 || *f.rate < 0 {
		return nil, &usageError{"muster serve: -smpp-window must be at least 1 and -smpp-rate at least 0"}
	}
	if n := len(*f.source); n > 0 && (*f.source)[0] != '+' && n > 11 {
		return nil, &usageError{fmt.Sprintf("muster serve: -smpp-source %q is longer than the 11 characters of an alphanumeric sender", *f.source)}
	}
	s := &notify.SMPP{Addr: *f.addr, SystemID: *f.systemID, Password: e.getenv("MUSTER_SMPP_PASSWORD"), SystemType: *f.systemType,
		Source: *f.source, Rate: *f.rate, Window: *f.window, Receipts: db, Replies: db, Logger: logger, Location: time.Local}
	if err := s.Start(ctx); err != nil {
		return nil, fmt.Errorf("muster serve: %w", err)
	}
	return s, nil
}
