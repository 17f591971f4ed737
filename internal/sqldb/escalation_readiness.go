package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// qualificationCounts counts the call-up's members under each required
// qualification, in the order of c.Requirements, in the subtree of the
// unit under (0: the whole call-up). One GROUP BY reads callup_qualified,
// which holds only the required qualifications' holders, each joined by
// primary key to the member's answer.
func qualificationCounts(ctx context.Context, q querier, c *muster.CallUp, under int64) ([]*muster.QualificationReadiness, error) {
	out := make([]*muster.QualificationReadiness, len(c.Requirements))
	byCode := make(map[string]*muster.QualificationReadiness, len(c.Requirements))
	for i, r := range c.Requirements {
		out[i] = &muster.QualificationReadiness{Qualification: r.Qualification, Needed: r.Needed}
		byCode[r.Qualification] = out[i]
	}
	if len(out) == 0 {
		return out, nil
	}
	var w where
	w.add("cq.callup_id = ?", c.ID)
	if under != 0 {
		w.add("cq.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)", under)
	}
	rows, err := q.QueryContext(ctx, `SELECT qn.code, cm.answer, cm.delivered, count(*), sum(CASE WHEN cm.checked_in_at <> '' THEN 1 ELSE 0 END)
		FROM callup_qualified cq
		JOIN callup_members cm ON cm.callup_id = cq.callup_id AND cm.member_id = cq.member_id
		JOIN qualifications qn ON qn.id = cq.qualification_id`+w.sql()+`
		GROUP BY qn.code, cm.answer, cm.delivered`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("readiness per qualification: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code, answer string
		var delivered, n, checkedIn int
		if err := rows.Scan(&code, &answer, &delivered, &n, &checkedIn); err != nil {
			return nil, err
		}
		r := byCode[code]
		if r == nil {
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
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, r := range out {
		r.NoAnswer = r.Targeted - r.Yes - r.Late - r.No
	}
	return out, nil
}
