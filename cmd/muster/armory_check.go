package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/muster-force/muster/internal/escalate"
	"github.com/muster-force/muster/internal/sqldb"
)

// checkDeadlines lets the escalator's loop close armory check campaigns
// at their deadline: each tick applies the campaigns due.
type checkDeadlines struct{ db *sqldb.DB }

// ApplyDueTimers closes the campaigns whose deadline has passed at now.
func (c checkDeadlines) ApplyDueTimers(ctx context.Context, now time.Time) (int, error) {
	return c.db.ApplyDueChecks(ctx, now)
}

// checkCloser builds the runner that closes armory check campaigns and
// escalates their discrepancies, on the database's clock.
func checkCloser(db *sqldb.DB, logger *slog.Logger) *escalate.Escalator {
	return &escalate.Escalator{Store: checkDeadlines{db}, Now: db.Now, Logger: logger.With("runner", "armory checks")}
}
