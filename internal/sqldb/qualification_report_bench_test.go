package sqldb_test

import (
	"fmt"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/demo"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// BenchmarkQualificationCoverage computes the qualification coverage
// report of the whole demo force (-report.members, 150,000 by default),
// every district requiring 20 holders of each of two qualifications, at
// depth 1 (the regions) and 2 (regions and districts).
func BenchmarkQualificationCoverage(b *testing.B) {
	for _, dialect := range sqldbtest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := sqldbtest.Open(b, dialect)
			demoForce(b, db, *reportMembers)
			ctx := sqldbtest.System()
			s := demo.Force(1)
			districts, err := db.FindUnits(ctx, muster.UnitFilter{Kind: muster.UnitDistrict})
			if err != nil {
				b.Fatal(err)
			}
			need := []muster.UnitRequirement{{Qualification: s.Qualifications[0].Code, Needed: 20}, {Qualification: s.Qualifications[1].Code, Needed: 20}}
			for _, u := range districts {
				if _, err := db.SetUnitRequirements(ctx, u.Code, need); err != nil {
					b.Fatal(err)
				}
			}
			if dialect == "postgres" {
				if _, err := db.ExecForTest(ctx, `VACUUM ANALYZE`); err != nil {
					b.Fatal(err)
				}
			}
			for _, depth := range []int{1, 2} {
				b.Run(fmt.Sprintf("members=%d/depth=%d", *reportMembers, depth), func(b *testing.B) {
					f := muster.CoverageFilter{Unit: demo.RootCode, Depth: depth}
					for b.Loop() {
						r, err := db.QualificationCoverage(ctx, f)
						if err != nil {
							b.Fatal(err)
						}
						if r.Units[0].Members == 0 || len(r.Qualifications) < 2 {
							b.Fatalf("root line %+v of %v", r.Units[0], r.Qualifications)
						}
					}
				})
			}
		})
	}
}
