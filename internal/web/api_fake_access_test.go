package web_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// fakeAccess is a small muster.AccessService for the API tests: TokenActor
// maps fixed secrets to actors, and tokens and users live in memory. It
// stands in for sqldb's access service, which has its own tests, so that
// these tests exercise the handlers and the storage of the roster, not the
// hashing of secrets. Unit scope is checked through the real UnitService
// (FindUnit as the caller), so it behaves like the real thing.
//
// The fixed tokens:
//
//	admin-token     admin of TD, the root: the whole force
//	clerk-gom       clerk of GOM-MOZ
//	viewer-gom      viewer of GOM-MOZ
//	commander-gom   commander of GOM-MOZ
type fakeAccess struct {
	db *sqldb.DB

	mu     sync.Mutex // protects following fields
	actors map[string]*muster.Actor
	tokens []*muster.Token
	users  []*muster.User
}

var _ muster.AccessService = (*fakeAccess)(nil)

var errFake = errors.New("fakeAccess: not implemented")

func newFakeAccess(t *testing.T, db *sqldb.DB) *fakeAccess {
	t.Helper()
	f := &fakeAccess{db: db, actors: map[string]*muster.Actor{}}
	for i, fixed := range []struct {
		secret string
		role   muster.Role
		unit   string
	}{
		{"admin-token", muster.RoleAdmin, "TD"},
		{"clerk-gom", muster.RoleClerk, "GOM-MOZ"},
		{"viewer-gom", muster.RoleViewer, "GOM-MOZ"},
		{"commander-gom", muster.RoleCommander, "GOM-MOZ"},
	} {
		u, err := db.FindUnit(sqldbtest.System(), fixed.unit)
		if err != nil {
			t.Fatal(err)
		}
		id := int64(i + 1)
		name := fmt.Sprintf("%d:%s", id, fixed.secret)
		f.actors[fixed.secret] = &muster.Actor{Kind: "token", ID: id, Name: name, Role: fixed.role, Unit: u.Code, UnitID: u.ID}
		f.tokens = append(f.tokens, &muster.Token{ID: id, Name: fixed.secret, Role: fixed.role, Unit: u.Code, CreatedAt: sqldbtest.Now})
	}
	return f
}

// manager returns the actor of ctx when it may manage users and tokens.
func manager(ctx context.Context) (*muster.Actor, error) {
	a := muster.ActorFrom(ctx)
	if a == nil {
		return nil, muster.Errorf(muster.EUNAUTHORIZED, "Sign in first.")
	}
	if !a.Role.Can(muster.PermManageUsers) {
		return nil, muster.Errorf(muster.EFORBIDDEN, "Your role (%s) does not allow this.", a.Role)
	}
	return a, nil
}

func (f *fakeAccess) TokenActor(ctx context.Context, secret string) (*muster.Actor, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a := f.actors[secret]; a != nil {
		return a, nil
	}
	return nil, muster.Errorf(muster.EUNAUTHORIZED, "The token is unknown, expired or revoked.")
}

func (f *fakeAccess) SessionActor(ctx context.Context, secret string) (*muster.Actor, error) {
	return nil, muster.Errorf(muster.EUNAUTHORIZED, "The session is unknown or expired.")
}

func (f *fakeAccess) CreateToken(ctx context.Context, t *muster.Token) (string, error) {
	if _, err := manager(ctx); err != nil {
		return "", err
	}
	u, err := f.db.FindUnit(ctx, t.Unit) // the caller's scope
	if err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	t.ID = int64(len(f.tokens) + 1)
	t.CreatedAt = sqldbtest.Now
	secret := fmt.Sprintf("secret-%d", t.ID)
	f.tokens = append(f.tokens, t)
	f.actors[secret] = &muster.Actor{Kind: "token", ID: t.ID, Name: fmt.Sprintf("%d:%s", t.ID, t.Name), Role: t.Role, Unit: u.Code, UnitID: u.ID}
	return secret, nil
}

func (f *fakeAccess) RevokeToken(ctx context.Context, id int64) error {
	if _, err := manager(ctx); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.tokens {
		if t.ID == id {
			t.Revoked = true
			for secret, a := range f.actors {
				if a.ID == id {
					delete(f.actors, secret)
				}
			}
			return nil
		}
	}
	return muster.Errorf(muster.ENOTFOUND, "Token %d does not exist.", id)
}

func (f *fakeAccess) FindTokens(ctx context.Context) ([]*muster.Token, error) {
	if _, err := manager(ctx); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*muster.Token(nil), f.tokens...), nil
}

func (f *fakeAccess) CreateUser(ctx context.Context, u *muster.User, password string) error {
	if _, err := manager(ctx); err != nil {
		return err
	}
	if _, err := f.db.FindUnit(ctx, u.Unit); err != nil {
		return err
	}
	if len(password) < 12 {
		return muster.Errorf(muster.EINVALID, "password: at least 12 characters")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, v := range f.users {
		if v.Login == u.Login {
			return muster.Errorf(muster.ECONFLICT, "User %s already exists.", u.Login)
		}
	}
	u.ID, u.CreatedAt = int64(len(f.users)+1), sqldbtest.Now
	f.users = append(f.users, u)
	return nil
}

func (f *fakeAccess) FindUsers(ctx context.Context) ([]*muster.User, error) {
	if _, err := manager(ctx); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*muster.User(nil), f.users...), nil
}

func (f *fakeAccess) SetPassword(ctx context.Context, login, password string) error { return errFake }
func (f *fakeAccess) ChangePassword(ctx context.Context, keepSession, current, password string) error {
	return errFake
}
func (f *fakeAccess) Authenticate(ctx context.Context, login, password, totpCode string) (*muster.User, error) {
	return nil, errFake
}
func (f *fakeAccess) BeginTOTP(ctx context.Context, password, code string) (string, error) {
	return "", errFake
}
func (f *fakeAccess) ConfirmTOTP(ctx context.Context, code string) error           { return errFake }
func (f *fakeAccess) DisableTOTP(ctx context.Context, password, code string) error { return errFake }
func (f *fakeAccess) RememberDevice(ctx context.Context, userID int64, old string) (string, error) {
	return "", errFake
}
func (f *fakeAccess) CreateSession(ctx context.Context, userID int64) (string, error) {
	return "", errFake
}
func (f *fakeAccess) DeleteSession(ctx context.Context, secret string) error    { return errFake }
func (f *fakeAccess) FindCurrentUser(ctx context.Context) (*muster.User, error) { return nil, errFake }
func (f *fakeAccess) SetUserContact(ctx context.Context, login string, c muster.UserContact) (*muster.User, error) {
	return nil, errFake
}
