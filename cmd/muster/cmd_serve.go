package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/demo"
	"github.com/muster-force/muster/internal/notify"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/web"
)

// serveSynopsis is the usage line of serve.
const serveSynopsis = "serve [-db DB] [-addr ADDR] [-demo] [-public-url URL] [-trusted-proxies LIST] [-smtp HOST:PORT] [-sms-gateway URL | -smpp HOST:PORT -smpp-system-id ID] [-push-subject URI] [-expiry-leads DAYS,...]"

func cmdServe(ctx context.Context, e *env, args []string) error {
	fs, dsn := newFlags("serve", e)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	withDemo := fs.Bool("demo", false, "on an empty database, build the demo force first")
	members := fs.Int("demo-members", demoMembers, "members in the demo force")
	publicURL := fs.String("public-url", "", "base URL of the response links in notices, e.g. https://muster.example (default: the request's host, over http)")
	insecure := fs.Bool("insecure-cookies", false, "send the session cookie over plain HTTP to hosts other than localhost (unsafe)")
	proxies := fs.String("trusted-proxies", "", "reverse proxies whose X-Forwarded-For gives the client's address, e.g. 127.0.0.1 or 10.0.0.0/8, joined by commas")
	delivery := addDeliveryFlags(fs)
	expiryLeads := fs.String("expiry-leads", "60,14", "days before a qualification expires to remind its holder and their commanders, joined by commas")
	if err := parse(fs, args, serveSynopsis, 0, 0); err != nil {
		return err
	}
	if path := e.getenv("MUSTER_CPUPROFILE"); path != "" {
		stop, err := startCPUProfile(path)
		if err != nil {
			return err
		}
		defer stop()
	}
	if err := checkPublicURL(*publicURL); err != nil {
		return err
	}
	trusted, err := web.ParseTrustedProxies(*proxies)
	if err != nil {
		return usagef(fs, serveSynopsis, "-trusted-proxies: %v", err)
	}
	leads, err := parseLeads(*expiryLeads)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, nil))
	db, err := openOrCreateDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	db.Logger = logger
	var built *demoAccess
	if *withDemo {
		if built, err = demoIfEmpty(ctx, e, db, *members); err != nil {
			return err
		}
	}
	srv, err := web.NewServer(services(db), logger)
	if err != nil {
		return err
	}
	srv.SecureCookies = !*insecure
	srv.TrustedProxies = trusted
	srv.PublicURL = strings.TrimSuffix(*publicURL, "/")
	if *insecure && strings.HasPrefix(srv.PublicURL, "https://") {
		logger.Warn("-insecure-cookies with an https -public-url: session cookies would also go over plain HTTP; " +
			"use -insecure-cookies only to test over plain http")
	}
	srv.Stopping = ctx.Done() // shutdown begins when ctx is done; it ends the event streams
	srv.SMS = web.SMSHooks{Key: e.getenv("MUSTER_SMS_KEY"), Receipts: db}
	push, err := delivery.webPush(ctx, db, srv.PublicURL, logger)
	if err != nil {
		return err
	}
	if push != nil {
		srv.Push = db
		if srv.PushKey, err = notify.VAPIDPublicKey(push.Key); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String() + "/"
	if built != nil {
		printDemoAccess(e.stdout, url, built.b)
	} else {
		fmt.Fprintf(e.stdout, "muster is running at %s (database %s)\n", url, sqldb.Redact(*dsn))
	}
	base := strings.TrimSuffix(*publicURL, "/")
	if base == "" {
		base = strings.TrimSuffix(url, "/")
	}
	disp, closeSMS, err := delivery.dispatcher(ctx, db, e, base, push, logger)
	if err != nil {
		return err
	}
	defer closeSMS()
	dispatched := make(chan error, 1)
	go func() { dispatched <- disp.Run(ctx) }()
	defer func() { disp.Stop(); <-dispatched }()
	escCtx, stopEscalator := context.WithCancel(ctx)
	escalated := make(chan error, 1)
	go func() { escalated <- escalator(db, logger).Run(escCtx) }()
	defer func() { stopEscalator(); <-escalated }()
	reminded := make(chan error, 1)
	go func() { reminded <- delivery.reminder(db, leads, push != nil, logger).Run(escCtx) }()
	defer func() { stopEscalator(); <-reminded }()
	checksCtx, stopChecks := context.WithCancel(ctx)
	checksClosed := make(chan error, 1)
	go func() { checksClosed <- checkCloser(db, logger).Run(checksCtx) }()
	defer func() { stopChecks(); <-checksClosed }()
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

type demoAccess struct{ b *demo.Built }

// demoIfEmpty builds the demo force when the database holds no units.
func demoIfEmpty(ctx context.Context, e *env, db *sqldb.DB, n int) (*demoAccess, error) {
	units, err := db.FindUnits(systemContext(ctx, e), muster.UnitFilter{Depth: 1})
	if err != nil {
		return nil, err
	}
	if len(units) > 0 {
		fmt.Fprintln(e.stderr, "the database already holds a force; not building the demo")
		return nil, nil
	}
	b, err := buildDemo(ctx, e, db, n, 1)
	if err != nil {
		return nil, err
	}
	return &demoAccess{b}, nil
}

// services wires the database into the web server.
func services(db *sqldb.DB) web.Services {
	s := web.Services{Units: db, Members: db, Roster: db, Access: db, Audit: db, Qualifications: db, CallUps: db,
		Templates: db, Unavailability: db, Selection: db, Exercises: db, Reception: db, Ping: db.Ping, AnswerStats: db.AnswerStats}
	s.Reports = db
	s.Armory = db
	s.Expiry = db
	s.Requirements, s.Coverage = db, db
	s.Station = db
	s.ArmoryReports = db
	s.Checks, s.Kits = db, db
	return s
}

// checkPublicURL accepts "" or an http(s) URL with a host and no path,
// query or fragment: the base of response links.
func checkPublicURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") ||
		u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return &usageError{"serve: -public-url must be an http or https URL with a host and no path, such as https://muster.example"}
	}
	return nil
}
