package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/muster-force/muster"
)

// CreateCallUp fixes the targeted set and queues its deliveries in one
// transaction: one INSERT … SELECT writes the targeted members, with each
// member's unit on the row so that readiness never joins members, and one
// INSERT … SELECT per channel writes the deliveries. Nothing loops over
// members in Go.
func (db *DB) CreateCallUp(ctx context.Context, c *muster.CallUp) error {
	if err := c.Validate(db.now()); err != nil {
		return err
	}
	if len(c.Filter.Status) == 0 {
		c.Filter.Status = []muster.MemberStatus{muster.StatusActive}
	}
	c.Filter.Status = compactSorted(c.Filter.Status)
	c.Filter.Qualifications = compactSorted(c.Filter.Qualifications)
	if c.Filter.Qualifications == nil {
		c.Filter.Qualifications = []string{}
	}
	normalizeEscalation(c)
	return db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermCallUp); err != nil {
			return err
		}
		unit, err := findUnit(ctx, tx, c.Unit)
		if muster.ErrorCode(err) == muster.ENOTFOUND {
			return fieldError(muster.EINVALID, "unit", "unit %s does not exist", c.Unit)
		} else if err != nil {
			return err
		}
		if err := checkScope(ctx, tx, tx.actor, unit.ID, "Unit "+c.Unit); err != nil {
			return err
		}
		c.UnitID, c.Unit = unit.ID, unit.Code
		c.CreatedBy, c.CreatedAt, c.ReportBy = tx.actor.Label(), tx.now, c.ReportBy.UTC().Truncate(time.Microsecond)
		cond, err := tx.targetConditions(ctx, c)
		if err != nil {
			return err
		}
		qualIDs, err := tx.checkEscalation(ctx, c)
		if err != nil {
			return err
		}
		filter, err := json.Marshal(c.Filter)
		if err != nil {
			return err
		}
		requirements, escalation, err := escalationJSON(c)
		if err != nil {
			return err
		}
		channels := make([]string, len(c.Channels))
		for i, ch := range c.Channels {
			channels[i] = string(ch)
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO callups (title, kind, unit_id, filter_json, message, assembly_point,
			report_by, channels, drill, targeted, created_by, created_at, requirements_json, escalation_json)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11, $12, $13) RETURNING id`,
			c.Title, c.Kind, c.UnitID, string(filter), c.Message, c.AssemblyPoint, formatTime(c.ReportBy),
			strings.Join(channels, ","), boolInt(c.Drill), c.CreatedBy, formatTime(c.CreatedAt), requirements, escalation).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("insert call-up: %w", err)
		}
		if err := tx.fanOut(ctx, c, cond, qualIDs); err != nil {
			return err
		}
		if err := tx.scheduleTimers(ctx, c); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE callups SET targeted = $1 WHERE id = $2`, c.Targeted, c.ID); err != nil {
			return fmt.Errorf("count call-up: %w", err)
		}
		return tx.audit(ctx, "callup.create", "callup", strconv.FormatInt(c.ID, 10), nil, c)
	})
}

// targetConditions turns the call-up's unit and filter into conditions on
// members m, checking the qualifications against the catalogue.
func (tx *Tx) targetConditions(ctx context.Context, c *muster.CallUp) (*where, error) {
	w := &where{}
	whole, err := wholeForce(ctx, tx, c.UnitID)
	if err != nil {
		return nil, err
	}
	if !whole { // the subtree of the force's only top unit is everyone: no test
		w.inSubtree("m.unit_id", c.UnitID)
	}
	statuses := make([]any, len(c.Filter.Status))
	for i, s := range c.Filter.Status {
		statuses[i] = string(s)
	}
	w.add("m.status IN ("+marks(len(statuses))+")", statuses...)
	today := muster.DateOf(tx.now).String()
	for _, code := range c.Filter.Qualifications {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM qualifications WHERE code = $1`, code).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fieldError(muster.EINVALID, "filter.qualifications", "%s is not in the catalogue", code)
		} else if err != nil {
			return nil, fmt.Errorf("qualification %s: %w", code, err)
		}
		w.add("EXISTS (SELECT 1 FROM member_qualifications mq WHERE mq.member_id = m.id AND mq.qualification_id = ? AND mq.expires_on >= ?)", id, today)
	}
	if c.Filter.Available {
		at := formatTime(c.ReportBy)
		w.add("NOT EXISTS (SELECT 1 FROM member_unavailability mu WHERE mu.member_id = m.id AND mu.starts_at <= ? AND mu.ends_at > ?)", at, at)
	}
	return w, nil
}

// fanOut writes the targeted members, each with the required
// qualifications it holds (quals, the ids in order), and one delivery per
// member and channel, and sets c.Targeted.
func (tx *Tx) fanOut(ctx context.Context, c *muster.CallUp, cond *where, quals []int64) error {
	w := cond.clone()
	id := w.next(c.ID)
	held := tx.heldQualsSQL(w, quals)
	res, err := tx.ExecContext(ctx, `INSERT INTO callup_members (callup_id, member_id, unit_id, quals)
		SELECT CAST(`+id+` AS BIGINT), m.id, m.unit_id, `+held+` FROM members m`+w.sql(), w.args...)
	if err != nil {
		return fmt.Errorf("target members: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	c.Targeted = int(n)
	if err := countNewMembers(ctx, tx, c.ID, ""); err != nil {
		return err
	}
	return tx.queueNotices(ctx, c, 0)
}

// queueNotices writes one notice delivery per channel for the call-up's
// members of the wave (0: those targeted at creation). With a fallback,
// a member's delivery on a later channel is held, due fallback_after per
// step from now, unless no earlier channel reaches the member.
func (tx *Tx) queueNotices(ctx context.Context, c *muster.CallUp, wave int) error {
	status := "pending"
	if c.Drill {
		status = "drill" // goes through every step, sends nothing outside muster
	}
	for step, ch := range c.Channels {
		var address, has string
		switch ch {
		case muster.ChannelSMS:
			address, has = "m.phone", " AND m.phone <> ''"
		case muster.ChannelEmail:
			address, has = "m.email", " AND m.email <> ''"
		case muster.ChannelPaper:
			address = "''" // a notice printed for everyone, handed over by the unit
		case muster.ChannelPush:
			// One delivery per member with a subscription; the channel
			// sends it to each of the member's devices (notify.WebPush).
			address, has = "''", " AND EXISTS (SELECT 1 FROM push_subscriptions ps WHERE ps.member_id = cm.member_id)"
		default:
			continue
		}
		// Read the targeted set back rather than the filter again: on
		// PostgreSQL each statement has its own snapshot, and the
		// deliveries must match the targeted set exactly. ORDER BY
		// member_id makes SQLite walk callup_members by its primary key,
		// so that members are read and deliveries indexed in order; by
		// the narrower unit index it read members at random, 15× slower
		// at 1M members.
		args := []any{c.ID, string(ch), status, formatTime(tx.now), wave, step}
		statusSQL, nextSQL := "$3", "$4"
		if step > 0 && c.Escalation.FallbackAfter > 0 {
			earlier := "EXISTS (SELECT 1 FROM deliveries e WHERE e.callup_id = cm.callup_id AND e.member_id = cm.member_id)"
			statusSQL = "CASE WHEN " + earlier + " THEN 'held' ELSE $3 END"
			nextSQL = "CASE WHEN " + earlier + " THEN $7 ELSE $4 END"
			args = append(args, formatTime(tx.now.Add(time.Duration(step)*c.Escalation.FallbackAfter.D())))
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO deliveries (callup_id, member_id, channel, address, status, attempts, next_at, updated_at, step)
			SELECT cm.callup_id, cm.member_id, $2, `+address+`, `+statusSQL+`, 0, `+nextSQL+`, $4, $6
			FROM callup_members cm JOIN members m ON m.id = cm.member_id WHERE cm.callup_id = $1 AND cm.wave = $5`+has+`
			ORDER BY cm.member_id`, args...)
		if err != nil {
			return fmt.Errorf("queue %s deliveries: %w", ch, err)
		}
	}
	return nil
}

// wholeForce reports whether the unit is the force's only top unit, whose
// subtree is every unit.
func wholeForce(ctx context.Context, q querier, unitID int64) (bool, error) {
	var whole bool
	err := q.QueryRowContext(ctx, `SELECT (SELECT parent_id FROM units WHERE id = $1) IS NULL
		AND (SELECT count(*) FROM units WHERE parent_id IS NULL) = 1`, unitID).Scan(&whole)
	if err != nil {
		return false, fmt.Errorf("subtree of unit %d: %w", unitID, err)
	}
	return whole, nil
}

func compactSorted[T ~string](list []T) []T {
	out := slices.Clone(list)
	slices.Sort(out)
	return slices.Compact(out)
}
