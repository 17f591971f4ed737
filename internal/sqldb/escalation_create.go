package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

// The kinds of escalation timer (table escalation_timers).
const (
	timerReminder = "reminder"
	timerRealert  = "realert"
)

// normalizeEscalation gives the call-up's escalation its defaults: lists
// are never nil, and the re-alert pool's status filter is active members.
func normalizeEscalation(c *muster.CallUp) {
	if c.Requirements == nil {
		c.Requirements = []muster.Requirement{}
	}
	if c.Escalation.Reminders == nil {
		c.Escalation.Reminders = []muster.Duration{}
	}
	if p := c.Escalation.Realert; p != nil {
		if len(p.Filter.Status) == 0 {
			p.Filter.Status = []muster.MemberStatus{muster.StatusActive}
		}
		p.Filter.Status = compactSorted(p.Filter.Status)
		p.Filter.Qualifications = compactSorted(p.Filter.Qualifications)
		if p.Filter.Qualifications == nil {
			p.Filter.Qualifications = []string{}
		}
	}
}

// checkEscalation checks the requirements' qualifications against the
// catalogue and the re-alert pool against the catalogue and the call-up's
// unit c.UnitID (EINVALID outside its subtree: what a call-up holds stays
// inside its unit, which the actor's subtree holds), and returns the
// required qualifications' ids in order.
func (tx *Tx) checkEscalation(ctx context.Context, c *muster.CallUp) ([]int64, error) {
	ids := make([]int64, len(c.Requirements))
	for i, r := range c.Requirements {
		id, err := qualificationID(ctx, tx, r.Qualification, "requirements["+strconv.Itoa(i)+"].qualification")
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	p := c.Escalation.Realert
	if p == nil {
		return ids, nil
	}
	unit, err := findUnit(ctx, tx, p.Unit)
	if muster.ErrorCode(err) == muster.ENOTFOUND {
		return nil, fieldError(muster.EINVALID, "escalation.realert.unit", "unit %s does not exist", p.Unit)
	} else if err != nil {
		return nil, err
	}
	if inside, err := withinUnit(ctx, tx, c.UnitID, unit.ID); err != nil {
		return nil, err
	} else if !inside {
		return nil, fieldError(muster.EINVALID, "escalation.realert.unit", "unit %s is outside the call-up's unit %s", unit.Code, c.Unit)
	}
	p.Unit = unit.Code
	for _, q := range p.Filter.Qualifications {
		if _, err := qualificationID(ctx, tx, q, "escalation.realert.filter.qualifications"); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// qualificationID returns the id of the catalogue's qualification code, or
// EINVALID naming field.
func qualificationID(ctx context.Context, q querier, code, field string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM qualifications WHERE code = $1`, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fieldError(muster.EINVALID, field, "%s is not in the catalogue", code)
	} else if err != nil {
		return 0, fmt.Errorf("qualification %s: %w", code, err)
	}
	return id, nil
}

// escalationJSON returns the call-up's requirements and escalation as
// stored in callups.
func escalationJSON(c *muster.CallUp) (requirements, escalation string, err error) {
	r, err := json.Marshal(c.Requirements)
	if err != nil {
		return "", "", err
	}
	e, err := json.Marshal(c.Escalation)
	if err != nil {
		return "", "", err
	}
	return string(r), string(e), nil
}

// scanEscalation reads the stored requirements and escalation into c.
func scanEscalation(c *muster.CallUp, requirements, escalation string) error {
	if err := json.Unmarshal([]byte(requirements), &c.Requirements); err != nil {
		return fmt.Errorf("call-up %d: requirements: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(escalation), &c.Escalation); err != nil {
		return fmt.Errorf("call-up %d: escalation: %w", c.ID, err)
	}
	normalizeEscalation(c)
	return nil
}

// heldQualsSQL returns the expression, over members m, of the bits of the
// required qualifications (ids in order) the member holds valid today,
// adding its arguments to w: "0" without requirements. One range of the
// member's qualifications (the primary key's prefix) gives every bit; a
// lookup per requirement made each member cost one seek per requirement.
func (tx *Tx) heldQualsSQL(w *where, quals []int64) string {
	if len(quals) == 0 {
		return "0"
	}
	var bits strings.Builder
	for i, q := range quals {
		bits.WriteString(" WHEN " + w.next(q) + " THEN " + strconv.FormatInt(1<<i, 10))
	}
	today := w.next(muster.DateOf(tx.now).String())
	return "(SELECT COALESCE(sum(CASE mq.qualification_id" + bits.String() + " ELSE 0 END), 0) FROM member_qualifications mq" +
		" WHERE mq.member_id = m.id AND mq.expires_on >= " + today + ")"
}

// scheduleTimers writes the call-up's reminders and re-alert as timers due
// after its creation.
func (tx *Tx) scheduleTimers(ctx context.Context, c *muster.CallUp) error {
	add := func(kind string, after muster.Duration) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO escalation_timers (callup_id, kind, due_at) VALUES ($1, $2, $3)`,
			c.ID, kind, formatTime(c.CreatedAt.Add(after.D())))
		if err != nil {
			return fmt.Errorf("schedule %s: %w", kind, err)
		}
		return nil
	}
	for _, d := range c.Escalation.Reminders {
		if err := add(timerReminder, d); err != nil {
			return err
		}
	}
	if p := c.Escalation.Realert; p != nil {
		return add(timerRealert, p.After)
	}
	return nil
}
