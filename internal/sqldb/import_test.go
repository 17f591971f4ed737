package sqldb_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/rostercsv"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

const header = "service_number,family_name,given_name,birth_date,unit,position,status,phone,email,employer,qualifications\n"

func importCSV(t *testing.T, db *sqldb.DB, ctx context.Context, text string, dry bool) (*muster.ImportResult, error) {
	t.Helper()
	src, err := rostercsv.NewMemberReader(strings.NewReader(text), "test.csv")
	if err != nil {
		return nil, err
	}
	return db.ImportMembers(ctx, src, muster.ImportOptions{DryRun: dry})
}

func exportCSV(t *testing.T, db *sqldb.DB) string {
	t.Helper()
	var buf bytes.Buffer
	w := rostercsv.NewMemberWriter(&buf)
	if err := db.ExportMembers(sqldbtest.System(), "", w.Write); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	return buf.String()
}

func TestImportMembers(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		good := header +
			"N1,Петров,Иван,1985-03-01,GOM-MOZ-1,стрелок,active,+375291111111,,\"ОАО \"\"Гомсельмаш\"\", цех 3\",RIF:2028-01-01;MED\n" +
			"G1,Иванов,Пётр,1990-05-17,GOM-MOZ-1,командир,active,+375291234567,,,RIF:2027-06-30\n"
		res, err := importCSV(t, db, ctx, good, false)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 1 || res.Updated != 1 {
			t.Fatalf("result = %+v", res)
		}
		n1, err := db.FindMember(ctx, "N1")
		if err != nil || n1.Employer != `ОАО "Гомсельмаш", цех 3` || len(n1.Qualifications) != 2 {
			t.Fatalf("N1 = %+v, %v", n1, err)
		}
		// Round trip: importing the export changes nothing.
		before := exportCSV(t, db)
		res, err = importCSV(t, db, ctx, before, false)
		if err != nil || res.Created != 0 || res.Updated != 0 || res.Unchanged != 4 {
			t.Fatalf("re-import of export: %+v, %v", res, err)
		}
		if after := exportCSV(t, db); after != before {
			t.Fatalf("export changed after round trip:\n%s\n---\n%s", before, after)
		}
	})
}

func TestImportMembersAllOrNothing(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		before := exportCSV(t, db)
		bad := header +
			"N1,Петров,Иван,1985-03-01,GOM-MOZ-1,,active,,,,\n" + // good, line 2
			"N2,Сидоров,Олег,1985-02-30,GOM-MOZ-1,,active,,,,\n" + // impossible date
			"N3,Сидоров,Олег,1985-02-01,NOPE,,active,,,,\n" + // unknown unit
			"N4,Сидоров,Олег,1985-02-01,GOM-MOZ-1,,retired,,,,\n" + // unknown status
			"N1,Петров,Иван,1985-03-01,GOM-MOZ-1,,active,,,,\n" + // duplicate of line 2
			"N5,Сидоров,Олег,1985-02-01,GOM-MOZ-1,,active,80291234567,,,\n" + // malformed phone
			"N6,Сидоров,Олег,1985-02-01,GOM-MOZ-1,,active,,,,XYZ\n" // unknown qualification
		_, err := importCSV(t, db, ctx, bad, false)
		wantCode(t, err, muster.EUNPROCESSABLE)
		want := map[int]string{3: "birth_date", 4: "unit", 5: "status", 6: "service_number", 7: "phone", 8: "qualifications"}
		details := muster.ErrorDetails(err)
		if len(details) != len(want) {
			t.Fatalf("details = %+v", details)
		}
		for _, d := range details {
			if want[d.Line] != d.Field {
				t.Errorf("unexpected detail %+v", d)
			}
		}
		if after := exportCSV(t, db); after != before {
			t.Fatalf("a failed import changed the roster")
		}
	})
}

func TestImportMembersReportsEveryProblemOfARow(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		bad := header +
			"N1,Петров,Иван,1990-02-30,NOPE,,active,,,,PILOT;RIF\n" + // 2: a bad date, and unknown unit and qualification
			"N 2,Петров,Иван,1990-02-01,NOPE,,active,,,,\n" + // 3: a bad service number, and an unknown unit
			"N3,Петров,Иван,1990-02-01,GOM-MOZ-1,,active,,,,PILOT\n" + // 4
			"N3,Петров,Иван,1990-02-01,NOPE,,active,,,,\n" + // 5: a repeat, and an unknown unit
			"N4,,Иван,1990-02-01,,,active,,,,first aid;PILOT;PILOT\n" // 6: no unit, a malformed code, an unknown one twice
		_, err := importCSV(t, db, ctx, bad, false)
		wantCode(t, err, muster.EUNPROCESSABLE)
		var got []string
		for _, d := range muster.ErrorDetails(err) {
			got = append(got, fmt.Sprintf("%d %s: %s", d.Line, d.Field, d.Message))
		}
		want := []string{
			`2 birth_date: not a real date: "1990-02-30"`,
			`2 unit: unknown unit "NOPE"`,
			`2 qualifications: unknown qualification "PILOT"`,
			`3 service_number: must be 1–32 letters, digits or '-'`,
			`3 unit: unknown unit "NOPE"`,
			`4 qualifications: unknown qualification "PILOT"`,
			`5 service_number: N3 appears more than once in the file (first on line 4)`,
			`5 unit: unknown unit "NOPE"`,
			`6 family_name: required, at most 100 characters`,
			`6 unit: required, a unit code`,
			`6 qualifications: not a qualification code: first aid`,
			`6 qualifications: listed twice: PILOT`,
			`6 qualifications: unknown qualification "PILOT"`,
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

func TestImportMembersPartialColumnsAndScope(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		clerk := sqldbtest.As(t, db, muster.RoleClerk, "GOM-MOZ")
		res, err := importCSV(t, db, clerk, "phone,service_number\n+375297777777,G2\n", false)
		if err != nil || res.Updated != 1 {
			t.Fatalf("partial import: %+v %v", res, err)
		}
		g2, _ := db.FindMember(clerk, "G2")
		if g2.Phone != "+375297777777" || g2.FamilyName != "Kowalski" {
			t.Fatalf("G2 = %+v", g2)
		}
		// A new member needs the required columns.
		_, err = importCSV(t, db, clerk, "service_number,phone\nNEW1,+375297777777\n", false)
		wantCode(t, err, muster.EUNPROCESSABLE)
		// Out of scope: another region's member, or a unit outside.
		_, err = importCSV(t, db, clerk, "service_number,phone\nB1,+375297777777\n", false)
		wantCode(t, err, muster.EUNPROCESSABLE)
		_, err = importCSV(t, db, clerk, header+"N9,A,B,1980-01-01,BRE-PIN,,active,,,,\n", false)
		wantCode(t, err, muster.EUNPROCESSABLE)
		// Dry run counts and keeps nothing.
		res, err = importCSV(t, db, clerk, header+"N9,A,B,1980-01-01,GOM-MOZ,,active,,,,\n", true)
		if err != nil || res.Created != 1 {
			t.Fatalf("dry run: %+v %v", res, err)
		}
		_, err = db.FindMember(clerk, "N9")
		wantCode(t, err, muster.ENOTFOUND)
	})
}

func TestImportUnitsAnyOrder(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		text := "code,name,parent,kind,target_strength\nX-2,Взвод,X-1,subunit,30\nX-1,Рота,GOM-MOZ,unit,5\n"
		src, err := rostercsv.NewUnitReader(strings.NewReader(text), "units.csv")
		if err != nil {
			t.Fatal(err)
		}
		res, err := db.ImportUnits(ctx, src, muster.ImportOptions{})
		if err != nil || res.Created != 2 {
			t.Fatalf("import units: %+v %v", res, err)
		}
		strengths, err := db.UnitStrengths(ctx, "GOM", 1)
		if err != nil || strengths[0].Target != 135 {
			t.Fatalf("GOM target after import = %+v, %v", strengths, err)
		}
		// A cycle and an unknown parent are problems; nothing changes.
		text = "code,name,parent,kind,target_strength\nX-1,Рота,X-2,unit,5\nY-1,Y,NOWHERE,unit,0\n"
		src, _ = rostercsv.NewUnitReader(strings.NewReader(text), "units.csv")
		_, err = db.ImportUnits(ctx, src, muster.ImportOptions{})
		wantCode(t, err, muster.EUNPROCESSABLE)
		if _, err := db.FindUnit(ctx, "Y-1"); muster.ErrorCode(err) != muster.ENOTFOUND {
			t.Fatalf("Y-1 exists after a failed import: %v", err)
		}
	})
}

// importUnitsCSV imports a units CSV text as the actor of ctx.
func importUnitsCSV(t *testing.T, db *sqldb.DB, ctx context.Context, text string) (*muster.ImportResult, error) {
	t.Helper()
	src, err := rostercsv.NewUnitReader(strings.NewReader(text), "units.csv")
	if err != nil {
		return nil, err
	}
	return db.ImportUnits(ctx, src, muster.ImportOptions{})
}

// TestImportUnitsPartialColumns checks that a column missing from a units
// file keeps the stored value of existing units, and that a new unit needs
// the columns it cannot do without.
func TestImportUnitsPartialColumns(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		want := muster.Unit{Code: "GOM-MOZ-1", Name: "1-я рота", Parent: "GOM-MOZ", Kind: muster.UnitUnit, TargetStrength: 100}
		check := func(text string, created, updated, unchanged int) {
			t.Helper()
			res, err := importUnitsCSV(t, db, ctx, text)
			if err != nil || res.Created != created || res.Updated != updated || res.Unchanged != unchanged {
				t.Fatalf("import %q: %+v, %v; want %d created, %d updated, %d unchanged", text, res, err, created, updated, unchanged)
			}
			u, err := db.FindUnit(ctx, "GOM-MOZ-1")
			if err != nil || u.Name != want.Name || u.Parent != want.Parent || u.Kind != want.Kind || u.TargetStrength != want.TargetStrength {
				t.Fatalf("after import %q: GOM-MOZ-1 = %+v, %v; want %+v", text, u, err, want)
			}
		}
		check("code,name,parent,kind\nGOM-MOZ-1,1-я рота,GOM-MOZ,unit\n", 0, 0, 1) // no target_strength: it stays 100
		want.Name = "Первая рота"
		check("code,name,kind\nGOM-MOZ-1,Первая рота,unit\n", 0, 1, 0) // no parent: it stays GOM-MOZ
		want.TargetStrength = 120
		check("target_strength,code\n120,GOM-MOZ-1\n", 0, 1, 0)
		check("code\nGOM-MOZ-1\n", 0, 0, 1)

		// A new unit needs a name and a kind.
		_, err := importUnitsCSV(t, db, ctx, "code,target_strength\nGOM-MOZ-1,120\nGOM-MOZ-9,5\n")
		wantCode(t, err, muster.EUNPROCESSABLE)
		details := muster.ErrorDetails(err)
		if len(details) != 2 || details[0].Line != 3 || details[0].Field != "name" || details[1].Line != 3 || details[1].Field != "kind" ||
			!strings.Contains(details[0].Message, "needed to create unit GOM-MOZ-9") {
			t.Fatalf("details = %+v, want name and kind on line 3", details)
		}
		if _, err := db.FindUnit(ctx, "GOM-MOZ-9"); muster.ErrorCode(err) != muster.ENOTFOUND {
			t.Fatalf("GOM-MOZ-9 exists after a failed import: %v", err)
		}
	})
}
