package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// qualificationCounts counts the call-up's members under each required
// qualification, in the order of c.Requirements, in the subtree of the
// unit under (0: the whole call-up). One GROUP BY reads the holders alone
// from the partial index callup_members_quals: bit i of a member's quals
// says it held the i-th required qualification when targeted.
func qualificationCounts(ctx context.Context, q querier, c *muster.CallUp, under int64) ([]*muster.QualificationReadiness, error) {
	out := make([]*muster.QualificationReadiness, len(c.Requirements))
	for i, r := range c.Requirements {
		out[i] = &muster.QualificationReadiness{Qualification: r.Qualification, Needed: r.Needed}
	}
	if len(out) == 0 {
		return out, nil
	}
	var w where
	w.add("callup_id = ?", c.ID)
	w.add("quals <> 0")
	if under != 0 {
		w.add("unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)", under)
	}
	rows, err := q.QueryContext(ctx, `SELECT quals, answer, delivered, count(*), sum(CASE WHEN checked_in_at <> '' THEN 1 ELSE 0 END)
		FROM callup_members`+w.sql()+` GROUP BY quals, answer, delivered`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("readiness per qualification: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var quals int64
		var answer string
		var delivered, n, checkedIn int
		if err := rows.Scan(&quals, &answer, &delivered, &n, &checkedIn); err != nil {
			return nil, err
		}
		for i, r := range out {
			if quals&(1<<i) == 0 {
				continue
			}
			r.Targeted += n
			r.CheckedIn += checkedIn
			if delivered != 0 {
				r.Delivered += n
			}
			switch muster.AnswerKind(answer) {
			case muster.AnswerYes:
				r.Yes += n
			case muster.AnswerLate:
				r.Late += n
			case muster.AnswerNo:
				r.No += n
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, r := range out {
		r.NoAnswer = r.Targeted - r.Yes - r.Late - r.No
	}
	return out, nil
}
