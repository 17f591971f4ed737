package sqldb_test

import (
	"context"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

func TestAccessScope(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sqldbtest.Seed(t, db)
		sys := sqldbtest.System()
		clerk := sqldbtest.As(t, db, muster.RoleClerk, "GOM-MOZ")
		gomAdmin := sqldbtest.As(t, db, muster.RoleAdmin, "GOM")
		user := func(login string, role muster.Role, unit string) *muster.User {
			return &muster.User{Login: login, Name: login, Role: role, Unit: unit}
		}
		token := func(role muster.Role, unit string) *muster.Token {
			return &muster.Token{Name: "t", Role: role, Unit: unit}
		}
		tests := []struct {
			name string
			ctx  context.Context
			user *muster.User  // create this user, or
			tok  *muster.Token // this token
			code string
		}{
			{"district clerk, user in another region", clerk, user("user1", muster.RoleViewer, "BRE-PIN"), nil, muster.EFORBIDDEN},
			{"district clerk, token for another region", clerk, nil, token(muster.RoleViewer, "BRE-PIN"), muster.EFORBIDDEN},
			{"district clerk, user in own district", clerk, user("user2", muster.RoleViewer, "GOM-MOZ"), nil, muster.EFORBIDDEN},
			{"district clerk, token for own district", clerk, nil, token(muster.RoleViewer, "GOM-MOZ"), muster.EFORBIDDEN},
			{"region admin, user in another region", gomAdmin, user("user3", muster.RoleViewer, "BRE-PIN"), nil, muster.EFORBIDDEN},
			{"region admin, token for another region", gomAdmin, nil, token(muster.RoleViewer, "BRE"), muster.EFORBIDDEN},
			{"region admin, token above its region", gomAdmin, nil, token(muster.RoleViewer, "TD"), muster.EFORBIDDEN},
			{"region admin, admin in its subtree", gomAdmin, user("gom-moz-admin", muster.RoleAdmin, "GOM-MOZ"), nil, ""},
			{"region admin, token in its subtree", gomAdmin, nil, token(muster.RoleAdmin, "GOM-MOZ-1"), ""},
			{"system, user anywhere", sys, user("bre-clerk", muster.RoleClerk, "BRE-PIN"), nil, ""},
			{"system, token anywhere", sys, nil, token(muster.RoleAdmin, "TD"), ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var err error
				if tt.user != nil {
					err = db.CreateUser(tt.ctx, tt.user, testPassword)
				} else {
					_, err = db.CreateToken(tt.ctx, tt.tok)
				}
				wantCode(t, err, tt.code)
			})
		}

		// Lists are scoped to the actor's subtree.
		users, err := db.FindUsers(gomAdmin)
		if err != nil {
			t.Fatal(err)
		}
		if len(users) != 1 || users[0].Login != "gom-moz-admin" {
			t.Fatalf("GOM admin sees users %+v", users)
		}
		if all, err := db.FindUsers(sys); err != nil || len(all) != 2 {
			t.Fatalf("system sees users %+v, %v", all, err)
		}
		tokens, err := db.FindTokens(gomAdmin)
		if err != nil {
			t.Fatal(err)
		}
		if len(tokens) != 1 || tokens[0].Unit != "GOM-MOZ-1" {
			t.Fatalf("GOM admin sees tokens %+v", tokens)
		}
		_, err = db.FindTokens(clerk)
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.FindUsers(clerk)
		wantCode(t, err, muster.EFORBIDDEN)
		_, err = db.FindUsers(context.Background())
		wantCode(t, err, muster.EUNAUTHORIZED)

		all, err := db.FindTokens(sys)
		if err != nil || len(all) != 2 {
			t.Fatalf("system sees tokens %+v, %v", all, err)
		}
		wantCode(t, db.RevokeToken(gomAdmin, all[1].ID), muster.EFORBIDDEN) // the TD token
		wantCode(t, db.RevokeToken(clerk, all[0].ID), muster.EFORBIDDEN)
		if err := db.RevokeToken(gomAdmin, all[0].ID); err != nil {
			t.Fatal(err)
		}

		// A token acts within its own scope: a clerk token cannot make tokens.
		sec, err := db.CreateToken(sys, token(muster.RoleClerk, "GOM"))
		if err != nil {
			t.Fatal(err)
		}
		a, err := db.TokenActor(context.Background(), sec)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.CreateToken(muster.NewContextWithActor(context.Background(), a), token(muster.RoleViewer, "GOM"))
		wantCode(t, err, muster.EFORBIDDEN)
	})
}
