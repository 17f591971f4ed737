package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// The commanders' digests of a day's expiry reminders: one per enabled
// commander whose subtree holds a reminded member, shown on their
// dashboard, and sent to those with contact data as one message a day
// (purpose digest, staff_delivery.go). Admins get none: they see the
// whole force, and its digest would be every reminder.

// commanderDigest is a commander's digest of a day, to be recorded.
type commanderDigest struct {
	staffContact
	reminders int
	// summary is what the message tells; nil when no channel reaches the
	// commander.
	summary *muster.DigestSummary
}

// expiryDigests reads, on the read pool, the day's digest of each
// commander, and the summary of each whom one of channels reaches.
func (db *DB) expiryDigests(ctx context.Context, day muster.Date, channels []muster.Channel) ([]commanderDigest, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT u.id, u.email, u.phone, u.unit_id, n.code, count(*)
		FROM users u JOIN units n ON n.id = u.unit_id JOIN unit_tree t ON t.ancestor_id = u.unit_id
		JOIN expiry_reminders r ON r.unit_id = t.unit_id AND r.day = $1
		WHERE u.role = $2 AND u.disabled = 0 GROUP BY u.id, u.email, u.phone, u.unit_id, n.code ORDER BY u.id`,
		day.String(), string(muster.RoleCommander))
	if err != nil {
		return nil, fmt.Errorf("commanders' expiry digests: %w", err)
	}
	type unit struct {
		id   int64
		code string
	}
	var out []commanderDigest
	var units []unit
	for rows.Next() {
		var d commanderDigest
		var u unit
		if err := rows.Scan(&d.id, &d.email, &d.phone, &u.id, &u.code, &d.reminders); err != nil {
			rows.Close()
			return nil, err
		}
		out, units = append(out, d), append(units, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if _, _, ok := out[i].channel(channels); !ok {
			continue
		}
		if out[i].summary, err = db.digestSummary(ctx, day, units[i].id, units[i].code); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// digestSummary reads what the message of the day's digest under the
// unit tells.
func (db *DB) digestSummary(ctx context.Context, day muster.Date, unitID int64, unitCode string) (*muster.DigestSummary, error) {
	s := &muster.DigestSummary{Day: day, Unit: unitCode, Lines: []muster.DigestLine{}}
	var w where
	w.add("r.day = ?", day.String())
	w.inSubtree("r.unit_id", unitID)
	rows, err := db.read.QueryContext(ctx, `SELECT u.code, q.code, count(*), min(r.expires_on)
		FROM expiry_reminders r JOIN units u ON u.id = r.unit_id JOIN qualifications q ON q.id = r.qualification_id`+w.sql()+`
		GROUP BY u.code, q.code ORDER BY count(*) DESC, u.code, q.code`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("expiry digest of %s: %w", unitCode, err)
	}
	defer rows.Close()
	for rows.Next() {
		var l muster.DigestLine
		var first string
		if err := rows.Scan(&l.Unit, &l.Qualification, &l.Count, &first); err != nil {
			return nil, err
		}
		s.Reminders += l.Count
		if len(s.Lines) == muster.DigestLines {
			s.MoreLines++
			continue
		}
		l.First, _ = muster.ParseDate(first)
		s.Lines = append(s.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	s.Soonest, err = digestReminders(ctx, db.read, &w, muster.DigestSoonest)
	return s, err
}

// recordExpiryDigests records each digest not recorded yet, and queues
// the message of each recorded now that has a summary: a run resumed
// after its end failed records and sends none twice.
func (tx *Tx) recordExpiryDigests(ctx context.Context, day string, digests []commanderDigest, channels []muster.Channel) (recorded, queued int, err error) {
	for _, d := range digests {
		res, err := tx.ExecContext(ctx, `INSERT INTO expiry_digests (user_id, day, reminders) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			d.id, day, d.reminders)
		if err != nil {
			return 0, 0, fmt.Errorf("record the expiry digest of user %d: %w", d.id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return 0, 0, err
		} else if n == 0 {
			continue
		}
		recorded++
		if d.summary == nil {
			continue
		}
		ok, err := tx.queueStaffDelivery(ctx, d.staffContact, channels, muster.PurposeDigest, "/", d.summary)
		if err != nil {
			return 0, 0, err
		}
		if ok {
			queued++
		}
	}
	return recorded, queued, nil
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
	d := &muster.ExpiryDigest{}
	d.Day, _ = muster.ParseDate(day)
	var w where
	w.add("r.day = ?", day)
	w.inScope("r.unit_id", a)
	d.Reminders, err = digestReminders(ctx, db.read, &w, limit)
	return d, err
}

// digestReminders reads at most limit reminders that w selects, soonest
// expiry first.
func digestReminders(ctx context.Context, q querier, w *where, limit int) ([]muster.ExpiryReminder, error) {
	w = w.clone()
	lim := w.next(limit)
	rows, err := q.QueryContext(ctx, `SELECT m.service_number, m.family_name, m.given_name, u.code, q.code, r.expires_on, r.lead_days
		FROM expiry_reminders r JOIN members m ON m.id = r.member_id JOIN units u ON u.id = r.unit_id
		JOIN qualifications q ON q.id = r.qualification_id`+w.sql()+` ORDER BY r.expires_on, m.service_number, q.code LIMIT `+lim, w.args...)
	if err != nil {
		return nil, fmt.Errorf("expiry digest: %w", err)
	}
	defer rows.Close()
	out := []muster.ExpiryReminder{}
	for rows.Next() {
		var r muster.ExpiryReminder
		var family, given, expires string
		if err := rows.Scan(&r.ServiceNumber, &family, &given, &r.Unit, &r.Qualification, &expires, &r.LeadDays); err != nil {
			return nil, err
		}
		r.Name = family + " " + given
		r.ExpiresOn, _ = muster.ParseDate(expires)
		out = append(out, r)
	}
	return out, rows.Err()
}
