package sqldb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// wantDetail fails the test unless err has the code and one detail, of
// the line (0: none) and field, whose message contains msg.
func wantDetail(t *testing.T, err error, code string, line int, field, msg string) {
	t.Helper()
	wantCode(t, err, code)
	d := muster.ErrorDetails(err)
	if len(d) != 1 || d[0].Line != line || d[0].Field != field || !strings.Contains(d[0].Message, msg) {
		t.Errorf("details = %+v, want one of line %d about %s containing %q", d, line, field, msg)
	}
}

// TestSecondRootRefused checks that a unit without a parent is refused
// once the force has its root, whether created or imported.
func TestSecondRootRefused(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		err := db.CreateUnit(ctx, &muster.Unit{Code: "HQ2", Name: "Second", Kind: muster.UnitCommand})
		wantDetail(t, err, muster.EINVALID, 0, "parent", "required; the force's root is TD")
		for _, text := range []string{"code,name,parent,kind\nHQ2,Second,,command\n", "code,name,kind\nHQ2,Second,region\n"} {
			_, err = importUnitsCSV(t, db, ctx, text)
			wantDetail(t, err, muster.EUNPROCESSABLE, 2, "parent", "required; the force's root is TD")
		}
		if _, err := db.FindUnit(ctx, "HQ2"); muster.ErrorCode(err) != muster.ENOTFOUND {
			t.Fatalf("HQ2 exists: %v", err)
		}
		// The root itself imports unchanged.
		if res, err := importUnitsCSV(t, db, ctx, "code,name,parent,kind\nTD,Territorial Defence,,command\n"); err != nil || res.Unchanged != 1 {
			t.Fatalf("import of the root: %+v, %v", res, err)
		}
	})
}

// TestUnitRowErrorsNameField checks that every problem of an import row
// that the tree rules find names its field, as UpdateUnit's errors do.
func TestUnitRowErrorsNameField(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		_, err := db.UpdateUnit(ctx, "GOM", muster.UnitUpdate{Parent: ptr("GOM-MOZ")})
		wantDetail(t, err, muster.ECONFLICT, 0, "parent", "own subunit")
		commander := sqldbtest.As(t, db, muster.RoleCommander, "GOM")
		tests := []struct {
			ctx              context.Context
			text, field, msg string
		}{
			{ctx, "code,parent\nGOM,GOM-MOZ\n", "parent", "own subunit"},
			{ctx, "code,parent\nGOM-MOZ-1,NOWHERE\n", "parent", "unit NOWHERE does not exist"},
			{ctx, "code,parent\nGOM-MOZ,\n", "parent", "required; the force's root is TD"},
			{ctx, "code,kind\nGOM-MOZ-1,command\n", "kind", "a command cannot be placed under a district (GOM-MOZ)"},
			{ctx, "code,kind\nGOM,unit\n", "kind", "its child GOM-MOZ is a district"},
			{commander, "code,parent\nGOM-MOZ,BRE\n", "parent", "unit BRE is outside your unit (GOM)"},
			{commander, "code,name\nBRE-PIN,Pinsk\n", "code", "unit BRE-PIN is outside your unit (GOM)"},
			{commander, "code,name,parent,kind\nBRE-PIN-1,Pinsk 1,BRE-PIN,unit\n", "parent", "unit BRE-PIN is outside your unit (GOM)"},
		}
		for _, tt := range tests {
			_, err := importUnitsCSV(t, db, tt.ctx, tt.text)
			wantDetail(t, err, muster.EUNPROCESSABLE, 2, tt.field, tt.msg)
		}
	})
}
