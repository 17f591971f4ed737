package sqldb_test

import (
	"fmt"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// bigTree builds 1 command, 10 regions, 200 districts, 2,000 units and
// 8,000 subunits: 10,211 units.
func bigTree(b *testing.B, db *sqldb.DB) {
	ctx := sqldbtest.System()
	add := func(code, parent string, kind muster.UnitKind) {
		if err := db.CreateUnit(ctx, &muster.Unit{Code: code, Name: code, Parent: parent, Kind: kind, TargetStrength: 10}); err != nil {
			b.Fatal(err)
		}
	}
	add("C", "", muster.UnitCommand)
	for r := range 10 {
		region := fmt.Sprintf("R%d", r)
		add(region, "C", muster.UnitRegion)
		for d := range 20 {
			district := fmt.Sprintf("%s-D%d", region, d)
			add(district, region, muster.UnitDistrict)
			for u := range 10 {
				unit := fmt.Sprintf("%s-U%d", district, u)
				add(unit, district, muster.UnitUnit)
				for s := range 4 {
					add(fmt.Sprintf("%s-S%d", unit, s), unit, muster.UnitSubunit)
				}
			}
		}
	}
}

// BenchmarkUnitSubtree measures subtree reads in a tree of 10,211 units:
// a region's whole subtree (1,021 units) and a scope check from a district
// clerk's point of view.
func BenchmarkUnitSubtree(b *testing.B) {
	for _, dialect := range sqldbtest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			db := sqldbtest.Open(b, dialect)
			bigTree(b, db)
			ctx := sqldbtest.System()
			b.Run("region subtree", func(b *testing.B) {
				for b.Loop() {
					units, err := db.FindUnits(ctx, muster.UnitFilter{Under: "R3"})
					if err != nil || len(units) != 1021 {
						b.Fatalf("%d units, %v", len(units), err)
					}
				}
			})
			clerk := sqldbtest.As(b, db, muster.RoleClerk, "R3-D7")
			b.Run("scoped unit read", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.FindUnit(clerk, "R3-D7-U4-S2"); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("strength two levels", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.UnitStrengths(ctx, "C", 2); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
