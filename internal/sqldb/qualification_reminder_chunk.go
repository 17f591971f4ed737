package sqldb

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/muster-force/muster"
)

// remindWindow is what a day's run reminds: member qualifications expiring
// from day to day+last, each with the shortest lead whose date, day+lead,
// it does not pass.
type remindWindow struct {
	day, last string
	leads     []int    // shortest first
	dates     []string // day+lead of each lead
}

// expiryWindow returns the day's window for the leads, shortest first.
// Each lead's window runs from the lead down to the next shorter one
// (exclusive), the shortest down to the day: one found 10 days before it
// expires gets the 14-day reminder, not the 60-day one as well.
func expiryWindow(day muster.Date, leads []int) remindWindow {
	w := remindWindow{day: day.String(), last: day.AddDays(leads[len(leads)-1]).String(), leads: leads}
	for _, l := range leads {
		w.dates = append(w.dates, day.AddDays(l).String())
	}
	return w
}

// leadSQL returns SQL for the lead of the member qualification mq, its
// arguments appended to q's.
func (w remindWindow) leadSQL(q *where) string {
	s := "CASE"
	for i, l := range w.leads {
		s += " WHEN mq.expires_on <= " + q.next(w.dates[i]) + " THEN " + strconv.Itoa(l)
	}
	return s + " END"
}

// dueMembers returns, from the read pool, the member id of each member
// qualification the window holds, in order: what the run will remind.
func (db *DB) dueMembers(ctx context.Context, w remindWindow) ([]int64, error) {
	return queryIDs(ctx, db.read, "find qualifications expiring", `SELECT mq.member_id FROM member_qualifications mq JOIN members m ON m.id = mq.member_id
		WHERE mq.expires_on >= $1 AND mq.expires_on <= $2 AND m.status <> 'discharged' ORDER BY mq.member_id`, w.day, w.last)
}

// memberChunk is a range of member ids, both ends included.
type memberChunk struct{ first, last int64 }

// memberChunks cuts the sorted member ids (one per member qualification)
// into ranges of about size member qualifications each, never splitting a
// member.
func memberChunks(ids []int64, size int) []memberChunk {
	var out []memberChunk
	for start := 0; start < len(ids); {
		end := min(start+size, len(ids))
		for end < len(ids) && ids[end] == ids[end-1] {
			end++
		}
		out = append(out, memberChunk{ids[start], ids[end-1]})
		start = end
	}
	return out
}

// remindMembers records the window's reminders of the members in c and
// returns the ids of those recorded now: a reminder recorded before (a
// chunk redone after a crash) is not recorded again, nor returned.
func (tx *Tx) remindMembers(ctx context.Context, w remindWindow, c memberChunk) ([]any, error) {
	var q where
	q.add("mq.member_id >= ? AND mq.member_id <= ?", c.first, c.last)
	q.add("mq.expires_on >= ? AND mq.expires_on <= ?", w.day, w.last)
	q.add("m.status <> 'discharged'")
	lead := w.leadSQL(&q)
	day := q.next(w.day)
	ids, err := queryIDs(ctx, tx, fmt.Sprintf("record expiry reminders of members %d to %d", c.first, c.last),
		`INSERT INTO expiry_reminders (member_id, qualification_id, unit_id, expires_on, lead_days, day)
		SELECT mq.member_id, mq.qualification_id, m.unit_id, mq.expires_on, `+lead+`, `+day+`
		FROM member_qualifications mq JOIN members m ON m.id = mq.member_id`+q.sql()+`
		ORDER BY mq.member_id, mq.qualification_id
		ON CONFLICT DO NOTHING RETURNING id`, q.args...)
	return idArgs(ids), err
}

// yieldWriter pauses between two chunks of background work, so that the
// writer goes to interactive work: for pause, and then, while answers
// wait for the writer (answer_batch.go), for up to 20 pauses more.
func (db *DB) yieldWriter(ctx context.Context, pause time.Duration) error {
	t := time.NewTimer(pause)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		if i == 20 || db.answers == nil || len(db.answers.queue) == 0 {
			return nil
		}
		t.Reset(pause)
	}
}
