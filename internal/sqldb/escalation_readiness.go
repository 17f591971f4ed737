package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// qualificationCounts counts the call-up's members under each required
// qualification, in the order of c.Requirements, in the subtree of the
// unit under (0: the whole call-up), reading q: the escalator's counts,
// inside its transaction. It reads the groups of callup_counts whose
// quals are not zero: bit i of a member's quals says it held the i-th
// required qualification when targeted.
func qualificationCounts(ctx context.Context, q querier, c *muster.CallUp, under int64) ([]*muster.QualificationReadiness, error) {
	if len(c.Requirements) == 0 {
		return []*muster.QualificationReadiness{}, nil
	}
	var w where
	w.add("callup_id = ?", c.ID)
	w.add("quals <> 0")
	if under != 0 {
		w.inSubtree("unit_id", under)
	}
	groups := map[readinessGroup]readinessCount{}
	if err := scanGroups(ctx, q, groups, `SELECT 0, quals, answer, delivered, CAST(sum(n) AS BIGINT), CAST(sum(checked_in) AS BIGINT)
		FROM callup_counts`+w.sql()+` GROUP BY quals, answer, delivered`, w.args...); err != nil {
		return nil, fmt.Errorf("readiness per qualification: %w", err)
	}
	return qualificationReadiness(c, groups, nil), nil
}

// qualificationReadiness counts the members of the groups (by their quals)
// under each qualification c requires, in the order of c.Requirements,
// those of the units in only if it is not nil.
func qualificationReadiness(c *muster.CallUp, groups map[readinessGroup]readinessCount, only map[int64]*muster.Readiness) []*muster.QualificationReadiness {
	sums := make([]muster.Readiness, len(c.Requirements))
	for g, n := range groups {
		if only != nil && only[g.unit] == nil {
			continue
		}
		for i := range sums {
			if g.quals&(1<<i) != 0 {
				tally(&sums[i], g, n)
			}
		}
	}
	out := make([]*muster.QualificationReadiness, len(c.Requirements))
	for i, r := range c.Requirements {
		s := sums[i]
		out[i] = &muster.QualificationReadiness{Qualification: r.Qualification, Needed: r.Needed,
			Targeted: s.Targeted, Delivered: s.Delivered, Yes: s.Yes, Late: s.Late, No: s.No,
			NoAnswer: s.Targeted - s.Yes - s.Late - s.No, CheckedIn: s.CheckedIn}
	}
	return out
}
