package sqldbtest

import (
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
)

// Seed builds a small force: the command TD with the regions GOM (district
// GOM-MOZ, unit GOM-MOZ-1) and BRE (district BRE-PIN); the qualifications
// RIF and MED; and three members: G1 and G2 in GOM-MOZ-1, B1 in BRE-PIN.
func Seed(t testing.TB, db *sqldb.DB) {
	t.Helper()
	ctx := System()
	units := []muster.Unit{
		{Code: "TD", Name: "Territorial Defence", Kind: muster.UnitCommand},
		{Code: "GOM", Name: "Гомельская область", Parent: "TD", Kind: muster.UnitRegion},
		{Code: "GOM-MOZ", Name: "Мозырский район", Parent: "GOM", Kind: muster.UnitDistrict},
		{Code: "GOM-MOZ-1", Name: "1-я рота", Parent: "GOM-MOZ", Kind: muster.UnitUnit, TargetStrength: 100},
		{Code: "BRE", Name: "Брестская область", Parent: "TD", Kind: muster.UnitRegion},
		{Code: "BRE-PIN", Name: "Пинский район", Parent: "BRE", Kind: muster.UnitDistrict, TargetStrength: 50},
	}
	for i := range units {
		if err := db.CreateUnit(ctx, &units[i]); err != nil {
			t.Fatalf("seed unit %s: %v", units[i].Code, err)
		}
	}
	for _, q := range []muster.Qualification{{Code: "RIF", Name: "Rifleman", ValidityMonths: 24}, {Code: "MED", Name: "Combat medic", ValidityMonths: 36}} {
		if err := db.SaveQualification(ctx, &q); err != nil {
			t.Fatalf("seed qualification %s: %v", q.Code, err)
		}
	}
	birth, _ := muster.ParseDate("1990-05-17")
	valid, _ := muster.ParseDate("2027-06-30")
	expired, _ := muster.ParseDate("2025-01-31")
	members := []muster.Member{
		{ServiceNumber: "G1", FamilyName: "Иванов", GivenName: "Пётр", BirthDate: birth, Unit: "GOM-MOZ-1", Status: muster.StatusActive,
			Phone: "+375291234567", Qualifications: []muster.MemberQualification{{Code: "RIF", Expires: valid}, {Code: "MED", Expires: expired}}},
		{ServiceNumber: "G2", FamilyName: "Kowalski", GivenName: "Jan", BirthDate: birth, Unit: "GOM-MOZ-1", Status: muster.StatusReserve,
			Qualifications: []muster.MemberQualification{{Code: "MED"}}},
		{ServiceNumber: "B1", FamilyName: "Шевчук", GivenName: "Анна", BirthDate: birth, Unit: "BRE-PIN", Status: muster.StatusActive},
	}
	for i := range members {
		if err := db.CreateMember(ctx, &members[i]); err != nil {
			t.Fatalf("seed member %s: %v", members[i].ServiceNumber, err)
		}
	}
}
