package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/muster-force/muster"
)

var _ muster.ExpiryReminderService = (*DB)(nil)

// reachedBy is the condition, on members m, that the member can be sent
// a message on the channel.
var reachedBy = map[muster.Channel]string{
	muster.ChannelPush:  "EXISTS (SELECT 1 FROM push_subscriptions ps WHERE ps.member_id = m.id)",
	muster.ChannelSMS:   "m.phone <> ''",
	muster.ChannelEmail: "m.email <> ''",
}

// RunExpiryReminders does the day's run in one transaction as the system
// actor "reminder". It first claims the day in daily_runs: on PostgreSQL
// a second process's insert waits for the first to commit and then
// conflicts, on SQLite the single writer serialises them; either way the
// loser does nothing, and a run that fails rolls its claim back with the
// rest, to be tried again at the next call.
func (db *DB) RunExpiryReminders(ctx context.Context, now time.Time, o muster.ExpiryOptions) (*muster.ExpiryRun, error) {
	if o.Leads == nil {
		o.Leads = muster.DefaultExpiryLeads
	}
	if o.Channels == nil {
		o.Channels = []muster.Channel{muster.ChannelPush, muster.ChannelSMS, muster.ChannelEmail}
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	leads := slices.Clone(o.Leads)
	slices.Sort(leads)
	ctx = muster.NewContextWithActor(ctx, muster.SystemActor("reminder"))
	run := &muster.ExpiryRun{Day: muster.DateOf(now.UTC())}
	day := run.Day.String()
	err := db.writeTxAt(ctx, now, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO daily_runs (job, day, done_at, result) VALUES ('expiry', $1, $2, '')
			ON CONFLICT DO NOTHING`, day, formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("claim the day's expiry reminders: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // done already
		}
		run.Ran = true
		// Each lead's window runs from the lead down to the next shorter
		// one (exclusive), the shortest down to today.
		for i, lead := range leads {
			from := run.Day
			if i > 0 {
				from = run.Day.AddDays(leads[i-1] + 1)
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO expiry_reminders (member_id, qualification_id, unit_id, expires_on, lead_days, day)
				SELECT mq.member_id, mq.qualification_id, m.unit_id, mq.expires_on, $1, $2
				FROM member_qualifications mq JOIN members m ON m.id = mq.member_id
				WHERE mq.expires_on >= $3 AND mq.expires_on <= $4 AND m.status <> 'discharged'
				ORDER BY mq.member_id, mq.qualification_id
				ON CONFLICT DO NOTHING`, lead, day, from.String(), run.Day.AddDays(lead).String())
			if err != nil {
				return fmt.Errorf("record %d-day expiry reminders: %w", lead, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			run.Reminders += int(n)
		}
		if run.Deliveries, err = tx.queueExpiryDeliveries(ctx, day, o.Channels); err != nil {
			return err
		}
		if run.Digests, err = tx.recordExpiryDigests(ctx, day); err != nil {
			return err
		}
		b, err := json.Marshal(run)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE daily_runs SET result = $1 WHERE job = 'expiry' AND day = $2`, string(b), day); err != nil {
			return fmt.Errorf("record the run: %w", err)
		}
		return tx.audit(ctx, "qualification.expiry_reminders", "daily_run", "expiry/"+day, nil, run)
	})
	if err != nil {
		return nil, err
	}
	return run, nil
}

// queueExpiryDeliveries queues one delivery for each of the day's
// reminders, on the first of the channels that reaches the member; a
// member whom none reaches gets none (the commander's digest still lists
// the reminder).
func (tx *Tx) queueExpiryDeliveries(ctx context.Context, day string, channels []muster.Channel) (int, error) {
	total := 0
	var earlier []string
	for _, ch := range channels {
		cond := reachedBy[ch]
		not := ""
		if len(earlier) > 0 {
			not = " AND NOT (" + strings.Join(earlier, " OR ") + ")"
		}
		earlier = append(earlier, cond)
		address := "''" // push: the channel sends to each of the member's devices
		switch ch {
		case muster.ChannelSMS:
			address = "m.phone"
		case muster.ChannelEmail:
			address = "m.email"
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO deliveries (callup_id, reminder_id, member_id, channel, address, status, attempts, next_at, updated_at, step, purpose)
			SELECT 0, r.id, r.member_id, $1, `+address+`, 'pending', 0, $2, $2, 0, $3
			FROM expiry_reminders r JOIN members m ON m.id = r.member_id
			WHERE r.day = $4 AND `+cond+not+` ORDER BY r.id`, string(ch), formatTime(tx.now), string(muster.PurposeExpiry), day)
		if err != nil {
			return 0, fmt.Errorf("queue %s expiry reminders: %w", ch, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		total += int(n)
	}
	return total, nil
}

// recordExpiryDigests records, for each enabled commander whose subtree
// holds one of the day's reminders, the day's digest.
func (tx *Tx) recordExpiryDigests(ctx context.Context, day string) (int, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO expiry_digests (user_id, day, reminders)
		SELECT u.id, $1, count(*) FROM users u JOIN unit_tree t ON t.ancestor_id = u.unit_id
		JOIN expiry_reminders r ON r.unit_id = t.unit_id AND r.day = $1
		WHERE u.role = $2 AND u.disabled = 0 GROUP BY u.id`, day, string(muster.RoleCommander))
	if err != nil {
		return 0, fmt.Errorf("record commanders' expiry digests: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// FindExpiryDigest reads the signed-in user's latest digest and its
// reminders in the user's subtree, soonest expiry first.
func (db *DB) FindExpiryDigest(ctx context.Context, limit int) (*muster.ExpiryDigest, error) {
	a, err := actorAllowed(ctx, muster.PermReadRoster)
	if err != nil {
		return nil, err
	}
	if a.Kind != "user" {
		return nil, muster.Errorf(muster.ENOTFOUND, "Only a signed-in commander has expiry digests.")
	}
	var day string
	err = db.read.QueryRowContext(ctx, `SELECT day FROM expiry_digests WHERE user_id = $1 ORDER BY day DESC LIMIT 1`, a.ID).Scan(&day)
	if err != nil {
		return nil, notFound(err, "You have no expiry digest yet.")
	}
	d := &muster.ExpiryDigest{Reminders: []muster.ExpiryReminder{}}
	d.Day, _ = muster.ParseDate(day)
	var w where
	w.add("r.day = ?", day)
	w.inScope("r.unit_id", a)
	lim := w.next(limit)
	rows, err := db.read.QueryContext(ctx, `SELECT m.service_number, m.family_name, m.given_name, u.code, q.code, r.expires_on, r.lead_days
		FROM expiry_reminders r JOIN members m ON m.id = r.member_id JOIN units u ON u.id = r.unit_id
		JOIN qualifications q ON q.id = r.qualification_id`+w.sql()+` ORDER BY r.expires_on, m.service_number, q.code LIMIT `+lim, w.args...)
	if err != nil {
		return nil, fmt.Errorf("expiry digest: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r muster.ExpiryReminder
		var family, given, expires string
		if err := rows.Scan(&r.ServiceNumber, &family, &given, &r.Unit, &r.Qualification, &expires, &r.LeadDays); err != nil {
			return nil, err
		}
		r.Name = family + " " + given
		r.ExpiresOn, _ = muster.ParseDate(expires)
		d.Reminders = append(d.Reminders, r)
	}
	return d, rows.Err()
}
