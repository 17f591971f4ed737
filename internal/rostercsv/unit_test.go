package rostercsv

import (
	"io"
	"reflect"
	"strings"
	"testing"

	muster "github.com/muster-force/muster"
)

func readUnits(t *testing.T, src string) []*muster.UnitRecord {
	t.Helper()
	ur, err := NewUnitReader(strings.NewReader(src), "u.csv")
	if err != nil {
		t.Fatalf("NewUnitReader: %v", err)
	}
	var recs []*muster.UnitRecord
	for {
		rec, err := ur.Next()
		if err == io.EOF {
			return recs
		} else if err != nil {
			t.Fatalf("Next: %v", err)
		}
		recs = append(recs, rec)
	}
}

func TestUnitRows(t *testing.T) {
	recs := readUnits(t, "\uFEFFkind,code,name\ncommand,HQ,Камандаванне\nregion, MN ,\"Minsk, region\"\n")
	want := []*muster.UnitRecord{
		{Line: 2, Unit: muster.Unit{Code: "HQ", Name: "Камандаванне", Kind: muster.UnitCommand}},
		{Line: 3, Unit: muster.Unit{Code: "MN", Name: "Minsk, region", Kind: muster.UnitRegion}},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("records = %+v\nwant %+v", recs, want)
	}
}

func TestUnitFieldProblems(t *testing.T) {
	tests := []struct {
		field, value string
		message      string // exact; "" accepts any message (it comes from Unit.Validate)
	}{
		{"target_strength", "-3", `not a whole number of 0 or more: "-3"`},
		{"target_strength", "1.5", `not a whole number of 0 or more: "1.5"`},
		{"target_strength", "many", `not a whole number of 0 or more: "many"`},
		{"target_strength", "99999999999999999999", `not a whole number of 0 or more: "99999999999999999999"`},
		{"target_strength", "20000000", ""},
		{"kind", "platoon", `unknown kind "platoon"; the kinds are command, region, district, unit, subunit`},
		{"kind", "", `unknown kind ""; the kinds are command, region, district, unit, subunit`},
		{"code", "", ""},
		{"code", "A B", ""},
		{"name", "", ""},
		{"parent", "no spaces please", ""},
	}
	for _, tt := range tests {
		t.Run(tt.field+"="+tt.value, func(t *testing.T) {
			row := map[string]string{"code": "U1", "name": "First", "parent": "HQ", "kind": "unit", "target_strength": "40"}
			row[tt.field] = tt.value
			var cells []string
			for _, c := range unitTable.columns {
				cells = append(cells, row[c])
			}
			recs := readUnits(t, "code,name,parent,kind,target_strength\nHQ,Command,,command,0\n"+strings.Join(cells, ",")+"\n")
			if len(recs) != 2 || len(recs[0].Problems) != 0 || recs[1].Line != 3 || len(recs[1].Problems) != 1 {
				t.Fatalf("records = %+v", recs)
			}
			p := recs[1].Problems[0]
			if p.Line != 3 || p.Field != tt.field || p.Message == "" || (tt.message != "" && p.Message != tt.message) {
				t.Errorf("problem = %+v\nwant line 3, field %s, message %q", p, tt.field, tt.message)
			}
		})
	}
}

// TestUnitPartialColumns checks that only the columns of the file are
// checked: a file without name or kind reads without problems.
func TestUnitPartialColumns(t *testing.T) {
	recs := readUnits(t, "code,target_strength\nGOM,30\n")
	want := []*muster.UnitRecord{{Line: 2, Unit: muster.Unit{Code: "GOM", TargetStrength: 30}}}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("records = %+v\nwant %+v", recs, want)
	}
}

func TestUnitMalformedRow(t *testing.T) {
	recs := readUnits(t, "code,name,kind\nU1,\"a\nb\",unit\nU2,x\nU3,y,unit\n")
	if len(recs) != 3 || recs[0].Line != 2 || recs[1].Line != 4 || recs[2].Line != 5 {
		t.Fatalf("records = %+v", recs)
	}
	if p := recs[1].Problems; len(p) != 1 || p[0].Line != 4 || p[0].Message != "the row has 2 fields, the header has 3" {
		t.Errorf("problems = %+v", p)
	}
}
