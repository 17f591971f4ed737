package sqldb_test

import (
	"strings"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

func TestFindMembers(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		tests := []struct {
			name   string
			filter muster.MemberFilter
			want   []string
		}{
			{"all in name order", muster.MemberFilter{}, []string{"G1", "G2", "B1"}},
			{"region subtree", muster.MemberFilter{Unit: "GOM"}, []string{"G1", "G2"}},
			{"status", muster.MemberFilter{Status: []muster.MemberStatus{muster.StatusReserve}}, []string{"G2"}},
			{"valid qualification only", muster.MemberFilter{Qualification: "MED"}, []string{"G2"}},
			{"cyrillic prefix", muster.MemberFilter{Query: "иван"}, []string{"G1"}},
			{"latin finds cyrillic", muster.MemberFilter{Query: "Shevch"}, []string{"B1"}},
			{"service number", muster.MemberFilter{Query: "B1"}, []string{"B1"}},
			{"service number in lower case", muster.MemberFilter{Query: "b1"}, []string{"B1"}},
		}
		for _, tt := range tests {
			page, err := db.FindMembers(ctx, tt.filter)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			var got []string
			for _, m := range page.Members {
				got = append(got, m.ServiceNumber)
			}
			if len(got) != len(tt.want) || page.Total != len(tt.want) {
				t.Fatalf("%s: got %v (total %d), want %v", tt.name, got, page.Total, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("%s: got %v, want %v", tt.name, got, tt.want)
				}
			}
		}
	})
}

func TestFindMembersPaging(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		var got []string
		cursor := ""
		for range 10 {
			page, err := db.FindMembers(ctx, muster.MemberFilter{Limit: 1, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != 3 {
				t.Fatalf("total = %d", page.Total)
			}
			for _, m := range page.Members {
				got = append(got, m.ServiceNumber)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if len(got) != 3 || got[0] != "G1" || got[2] != "B1" {
			t.Fatalf("pages gave %v", got)
		}
		_, err := db.FindMembers(ctx, muster.MemberFilter{Cursor: "garbage!"})
		wantCode(t, err, muster.EINVALID)
		if d := muster.ErrorDetails(err); len(d) != 1 || d[0].Field != "cursor" {
			t.Errorf("a bad cursor's details %+v, want the field cursor", d)
		}
		_, err = db.FindMembers(ctx, muster.MemberFilter{Qualification: "NOPE"})
		wantCode(t, err, muster.EINVALID)
		if d := muster.ErrorDetails(err); len(d) != 1 || d[0].Field != "qualification" {
			t.Errorf("an unknown qualification's details %+v, want the field qualification", d)
		}
	})
}

// TestFindMembersByNumberAnyCase checks that a search by service number
// ignores case, as the search by name does, page by page.
func TestFindMembersByNumberAnyCase(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		birth, _ := muster.ParseDate("1990-05-17")
		for _, sn := range []string{"BY27363", "by27362", "BY27361", "BY2800"} {
			m := muster.Member{ServiceNumber: sn, FamilyName: "Петров", GivenName: sn, BirthDate: birth, Unit: "GOM-MOZ-1", Status: muster.StatusActive}
			if err := db.CreateMember(ctx, &m); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{"by2736", "BY2736", "bY2736"} {
			var got []string
			cursor := ""
			for range 5 {
				page, err := db.FindMembers(ctx, muster.MemberFilter{Query: q, Limit: 1, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				if page.Total != 3 {
					t.Errorf("%s: total %d, want 3", q, page.Total)
				}
				for _, m := range page.Members {
					got = append(got, m.ServiceNumber)
				}
				if cursor = page.NextCursor; cursor == "" {
					break
				}
			}
			if strings.Join(got, " ") != "BY27361 by27362 BY27363" {
				t.Errorf("%s: pages gave %v, want BY27361 by27362 BY27363", q, got)
			}
		}
	})
}

func TestMemberScope(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		clerk := sqldbtest.As(t, db, muster.RoleClerk, "GOM-MOZ")
		if _, err := db.FindMember(clerk, "G1"); err != nil {
			t.Fatalf("own member: %v", err)
		}
		_, err := db.FindMember(clerk, "B1")
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.UpdateMember(clerk, "B1", muster.MemberUpdate{Phone: ptr("+375290000000")})
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.UpdateMember(clerk, "G1", muster.MemberUpdate{Unit: ptr("BRE-PIN")})
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.FindMembers(clerk, muster.MemberFilter{Unit: "BRE"})
		wantCode(t, err, muster.EFORBIDDEN)
		page, err := db.FindMembers(clerk, muster.MemberFilter{})
		if err != nil || page.Total != 2 {
			t.Fatalf("clerk sees %v members, err %v; want 2", page, err)
		}
		viewer := sqldbtest.As(t, db, muster.RoleViewer, "TD")
		_, err = db.UpdateMember(viewer, "G1", muster.MemberUpdate{Phone: ptr("+375290000000")})
		wantCode(t, err, muster.EFORBIDDEN)
		m, _ := db.FindMember(sqldbtest.System(), "B1")
		if m.Phone != "" {
			t.Fatalf("refused update changed the phone to %q", m.Phone)
		}
	})
}

func TestUpdateMemberHistoryAndAudit(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.As(t, db, muster.RoleClerk, "GOM")
		m, err := db.UpdateMember(ctx, "G1", muster.MemberUpdate{Status: ptr(muster.StatusReserve), Unit: ptr("GOM-MOZ")})
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != muster.StatusReserve || m.Unit != "GOM-MOZ" {
			t.Fatalf("after update: %+v", m)
		}
		hist, err := db.MemberStatusHistory(ctx, "G1")
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].Status != muster.StatusActive || hist[1].Status != muster.StatusReserve || hist[1].Actor != "user:clerk@GOM" {
			t.Fatalf("history = %+v", hist)
		}
		entries, err := db.FindAuditEntries(sqldbtest.System(), muster.AuditFilter{Entity: "member", Key: "G1"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Action != "member.update" || len(entries[0].Before) == 0 || len(entries[0].After) == 0 {
			t.Fatalf("audit = %+v", entries)
		}
		// The qualification index follows the member to its new unit.
		page, err := db.FindMembers(ctx, muster.MemberFilter{Unit: "GOM-MOZ", Qualification: "RIF"})
		if err != nil || page.Total != 1 {
			t.Fatalf("qualified members after move: %+v, %v", page, err)
		}
	})
}
