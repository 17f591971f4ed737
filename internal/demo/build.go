package demo

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// Store is what Build writes the demo force into.
type Store interface {
	muster.UnitService
	muster.RosterService
	muster.QualificationService
	muster.AccessService
	muster.ArmoryService
}

// Built is what Build made: the staff accounts and an admin API token.
type Built struct {
	Units   int
	Members int
	Staff   []StaffUser
	Token   string
}

// Build writes the demo force into an empty store: the catalogue, the unit
// tree, n members, the armories (see buildArmory), the staff accounts and
// an admin API token. ctx must carry
// an unrestricted actor (muster.SystemActor). today anchors qualification
// expiries; the zero date keeps the generator's own.
func Build(ctx context.Context, st Store, n int, seed int64, today muster.Date) (*Built, error) {
	existing, err := st.FindUnits(ctx, muster.UnitFilter{Depth: 1})
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		return nil, muster.Errorf(muster.ECONFLICT, "The database already holds a force; the demo is built only into an empty database.")
	}
	s := Force(seed)
	if !today.IsZero() {
		s.Today = today
	}
	for i := range s.Qualifications {
		if err := st.SaveQualification(ctx, &s.Qualifications[i]); err != nil {
			return nil, fmt.Errorf("demo qualification %s: %w", s.Qualifications[i].Code, err)
		}
	}
	if _, err := st.ImportUnits(ctx, s.UnitSource(), muster.ImportOptions{}); err != nil {
		return nil, fmt.Errorf("demo units: %w", err)
	}
	holders := map[string][]string{}
	res, err := st.ImportMembers(ctx, MemberSource(kitHolders(Members(seed, n, s), holders)), muster.ImportOptions{})
	if err != nil {
		return nil, fmt.Errorf("demo members: %w", err)
	}
	if err := buildArmory(ctx, st, s.Units, holders); err != nil {
		return nil, err
	}
	b := &Built{Units: len(s.Units), Members: res.Created, Staff: Staff()}
	for _, u := range b.Staff {
		user := u.User
		if err := st.CreateUser(ctx, &user, u.Password); err != nil {
			return nil, fmt.Errorf("demo user %s: %w", u.Login, err)
		}
	}
	b.Token, err = st.CreateToken(ctx, &muster.Token{Name: "demo-admin", Role: muster.RoleAdmin, Unit: RootCode})
	if err != nil {
		return nil, fmt.Errorf("demo token: %w", err)
	}
	return b, nil
}
