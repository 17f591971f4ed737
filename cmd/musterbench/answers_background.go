package main

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// backgroundWork says what else wrote to the database during the storm,
// from..to, read from the database at dbPath once serve has stopped: the
// deliveries the dispatcher worked on (sent, failed, retried), by purpose.
// A storm's figure means little if the dispatcher was sending a day's
// expiry reminders meanwhile, so the bench prints it beside the figure.
func backgroundWork(ctx context.Context, dbPath string, from, to time.Time) (string, error) {
	const layout = "2006-01-02T15:04:05.000000Z" // internal/sqldb's stored times
	query := fmt.Sprintf(`SELECT purpose || ' ' || count(*) FROM deliveries
		WHERE updated_at >= '%s' AND updated_at <= '%s' GROUP BY purpose ORDER BY count(*) DESC`,
		from.UTC().Format(layout), to.UTC().Format(layout))
	out, err := exec.CommandContext(ctx, "sqlite3", "-readonly", dbPath, query).Output()
	if err != nil {
		return "", fmt.Errorf("sqlite3: the deliveries worked on during the storm: %w", err)
	}
	worked := strings.ReplaceAll(strings.TrimSpace(string(out)), "\n", ", ")
	if worked == "" {
		return "none (no delivery was worked on)", nil
	}
	return "deliveries worked on, by purpose: " + worked, nil
}
