// Package web serves muster over HTTP: the JSON API under /api/v1, the
// server-rendered staff UI, /healthz and /metrics. Handlers parse and
// validate input, call the services with the actor in the context, and turn
// every error into a response in one place (error.go).
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/paper"
)

// Services are what the server needs from storage.
type Services struct {
	Units          muster.UnitService
	Members        muster.MemberService
	Roster         muster.RosterService
	Access         muster.AccessService
	Audit          muster.AuditService
	Qualifications muster.QualificationService
	CallUps        muster.CallUpService
	Push           muster.PushService // members' push subscriptions; nil without push
	Templates      muster.CallUpTemplateService
	Unavailability muster.UnavailabilityService
	Selection      muster.SelectionService
	Exercises      muster.ExerciseService
	Reception      muster.ReceptionService // nil leaves reception off the exercise page
	Reports        muster.ReportService
	Armory         muster.ArmoryService
	Expiry         muster.ExpiryReminderService // commanders' expiry digests; nil hides them
	Requirements   muster.UnitRequirementService
	Coverage       muster.CoverageService
	Station        muster.ArmoryStationService
	ArmoryReports  muster.ArmoryReportService
	Checks         muster.ArmoryCheckService // armory check campaigns
	Kits           muster.KitService         // members' armory pages
	// Ping reports whether the database answers, for /healthz.
	Ping func(ctx context.Context) error
	// AnswerStats returns the answer writer's totals, for /metrics; nil
	// leaves them out.
	AnswerStats func() muster.AnswerWriterStats
}

// Server is muster's HTTP front.
type Server struct {
	Services
	Logger *slog.Logger
	// Now returns the current time; tests replace it.
	Now func() time.Time
	// Zone is the time zone of the times pages, printed notices and CAP
	// documents show: NewServer sets the server's (time.Local, from TZ),
	// which the notices sent by SMS, e-mail and push use too.
	Zone *time.Location
	// SecureCookies marks cookies Secure, so that browsers send them over
	// HTTPS only. NewServer turns it on; `serve -insecure-cookies` turns it
	// off, for testing over plain HTTP from another host (browsers send
	// Secure cookies to http://localhost anyway).
	SecureCookies bool
	// MaxImportBytes bounds an uploaded CSV file.
	MaxImportBytes int64
	// PublicURL is the base of the response links in notices, such as
	// "https://muster.example"; when empty, it is taken from the request's
	// Host with the http scheme. When it is https, every response carries
	// Strict-Transport-Security.
	PublicURL string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For tells
	// the client's address (clientAddr); none by default.
	TrustedProxies []netip.Prefix
	// Stopping, once closed, ends the readiness event streams: a graceful
	// http.Server.Shutdown waits for requests and would wait for them.
	Stopping <-chan struct{}
	// SMS configures the SMS gateway's webhooks (sms_webhook.go).
	SMS SMSHooks
	// PushKey is the VAPID public key (base64url) that browsers subscribe
	// with; when empty, the answer page offers no push (push.go).
	PushKey string
	// ReadinessPoll is how often a readiness stream reads the readiness
	// without being woken, for changes by other processes (5 seconds).
	ReadinessPoll time.Duration

	metrics *metrics
	pages   *pages
	paper   *paper.Renderer // printable call-up notices
	// crossOrigin refuses state-changing requests that browsers mark as
	// coming from another site (Sec-Fetch-Site, Origin).
	crossOrigin *http.CrossOriginProtection
	// answerFailures rate-limits failed answers per client address.
	answerFailures *failureLimiter
	// loginFailures rate-limits failed sign-ins per client address; the
	// access service limits them per login.
	loginFailures *failureLimiter
}

// NewServer returns a server over the services.
func NewServer(svc Services, logger *slog.Logger) (*Server, error) {
	s := &Server{Services: svc, Logger: logger, Now: time.Now, Zone: time.Local, SecureCookies: true, MaxImportBytes: 512 << 20,
		metrics: newMetrics(svc.AnswerStats), crossOrigin: http.NewCrossOriginProtection(),
		answerFailures: newFailureLimiter(answerBurst, answerRefill), loginFailures: newFailureLimiter(loginBurst, loginRefill)}
	p, err := parsePages(func() *time.Location { return s.Zone })
	if err != nil {
		return nil, err
	}
	s.pages = p
	if s.paper, err = paper.New(); err != nil {
		return nil, err
	}
	return s, nil
}

// Handler returns the server's handler: the route table wrapped in the
// middleware every request passes through.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	return s.recoverPanics(s.observe(securityHeaders(mux, strings.HasPrefix(s.PublicURL, "https://"))))
}
