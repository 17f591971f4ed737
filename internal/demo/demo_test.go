package demo_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/demo"
)

var today = muster.NewDate(2026, time.November, 23)

func TestForceDeterministic(t *testing.T) {
	a, b := demo.Force(1), demo.Force(1)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("Force(1) differs between two calls")
	}
	if reflect.DeepEqual(a.Units, demo.Force(2).Units) {
		t.Error("Force(1) and Force(2) are the same")
	}
	ma := slices.Collect(demo.Members(1, 2000, a))
	mb := slices.Collect(demo.Members(1, 2000, b))
	if !reflect.DeepEqual(ma, mb) {
		t.Fatal("Members(1, 2000) differs between two calls")
	}
	if prefix := slices.Collect(demo.Members(1, 500, a)); !reflect.DeepEqual(prefix, ma[:500]) {
		t.Error("Members(1, 500) is not the first 500 of Members(1, 2000)")
	}
	if reflect.DeepEqual(ma, slices.Collect(demo.Members(2, 2000, a))) {
		t.Error("Members of seeds 1 and 2 are the same")
	}
}

func TestForceTree(t *testing.T) {
	for _, seed := range []int64{0, 1, 42, -7} {
		s := demo.Force(seed)
		kinds := map[string]muster.UnitKind{}
		children := map[string]int{}
		total := 0
		for i, u := range s.Units {
			if err := u.Validate(); err != nil {
				t.Fatalf("seed %d: unit %s: %v", seed, u.Code, err)
			}
			if _, dup := kinds[u.Code]; dup {
				t.Fatalf("seed %d: unit %s twice", seed, u.Code)
			}
			if i == 0 {
				if u.Parent != "" || u.Kind != muster.UnitCommand || u.Code != demo.RootCode {
					t.Fatalf("seed %d: first unit %+v, want the root command", seed, u)
				}
			} else {
				pk, ok := kinds[u.Parent]
				if !ok {
					t.Fatalf("seed %d: unit %s comes before its parent %q", seed, u.Code, u.Parent)
				}
				if u.Kind.Rank() != pk.Rank()+1 {
					t.Fatalf("seed %d: unit %s (%s) under %s (%s)", seed, u.Code, u.Kind, u.Parent, pk)
				}
				if !strings.HasPrefix(u.Code, u.Parent+"-") && u.Parent != demo.RootCode {
					t.Errorf("seed %d: code %s does not extend its parent's %s", seed, u.Code, u.Parent)
				}
			}
			kinds[u.Code] = u.Kind
			children[u.Parent]++
			total += u.TargetStrength
			if u.Kind == muster.UnitSubunit && (u.TargetStrength < 50 || u.TargetStrength > 300 || u.TargetStrength%5 != 0) {
				t.Errorf("seed %d: company %s has target %d", seed, u.Code, u.TargetStrength)
			}
		}
		if total != demo.TotalTarget {
			t.Errorf("seed %d: total target %d, want %d", seed, total, demo.TotalTarget)
		}
		for code, kind := range kinds {
			n := children[code]
			switch {
			case kind == muster.UnitCommand && n != 7,
				kind == muster.UnitUnit && (n < 2 || n > 4),
				kind == muster.UnitDistrict && (n < 2 || n > 4),
				kind == muster.UnitSubunit && n != 0:
				t.Errorf("seed %d: %s %s has %d children", seed, kind, code, n)
			}
		}
		want := map[string]int{"BRE": 16, "VIT": 21, "GOM": 21, "GRO": 17, "MIN": 22, "MOG": 21, "MSK": 9}
		for code, n := range want {
			if children[code] != n {
				t.Errorf("seed %d: region %s has %d districts, want %d", seed, code, children[code], n)
			}
		}
		for _, u := range demo.Staff() {
			if _, ok := kinds[u.Unit]; !ok {
				t.Errorf("seed %d: staff user %s is bound to unknown unit %s", seed, u.Login, u.Unit)
			}
		}
	}
}

func TestForceNames(t *testing.T) {
	s := demo.Force(1)
	names := map[string]string{}
	for _, u := range s.Units {
		names[u.Code] = u.Name
	}
	for code, want := range map[string]string{
		"GOM":         "Гомельская область",
		"GOM-MOZ":     "Мозырский район",
		"GOM-MOZ-1":   "1-й батальон территориальной обороны Мозырского района",
		"GOM-MOZ-1-2": "2-я рота 1-го батальона (Мозырский район)",
		"MSK-TSE":     "Центральный район г. Минска",
		"GOM-BKO":     "Буда-Кошелёвский район",
	} {
		if names[code] != want {
			t.Errorf("unit %s is named %q, want %q", code, names[code], want)
		}
	}
	for _, q := range s.Qualifications {
		if err := q.Validate(); err != nil {
			t.Errorf("qualification %s: %v", q.Code, err)
		}
	}
}

// TestMembers checks 200,000 members: all valid, unique service numbers,
// known units and qualifications, and the mix of statuses and expiries.
func TestMembers(t *testing.T) {
	const n = 200_000
	s := demo.Force(7)
	units := map[string]muster.Unit{}
	for _, u := range s.Units {
		units[u.Code] = u
	}
	months := map[string]int{}
	for _, q := range s.Qualifications {
		months[q.Code] = q.ValidityMonths
	}
	seen := make(map[string]bool, n)
	count, statuses := 0, map[muster.MemberStatus]int{}
	var expired, valid, forever, emails, phones, women int
	for m := range demo.Members(7, n, s) {
		count++
		if err := m.Validate(today); err != nil {
			t.Fatalf("member %d %+v: %v", count, m, err)
		}
		if seen[m.ServiceNumber] {
			t.Fatalf("service number %s twice", m.ServiceNumber)
		}
		seen[m.ServiceNumber] = true
		if _, ok := units[m.Unit]; !ok {
			t.Fatalf("member %s in unknown unit %s", m.ServiceNumber, m.Unit)
		}
		if y := m.BirthDate.Time().Year(); y < 1965 || y > 2006 {
			t.Fatalf("member %s born %s", m.ServiceNumber, m.BirthDate)
		}
		if len(m.Qualifications) > 4 || m.Position == "" {
			t.Fatalf("member %s: %d qualifications, position %q", m.ServiceNumber, len(m.Qualifications), m.Position)
		}
		for _, q := range m.Qualifications {
			mo, ok := months[q.Code]
			switch {
			case !ok:
				t.Fatalf("member %s holds unknown qualification %s", m.ServiceNumber, q.Code)
			case (mo == 0) != q.Expires.IsZero():
				t.Fatalf("member %s: %s expires %q, validity %d months", m.ServiceNumber, q.Code, q.Expires, mo)
			case q.Expires.IsZero():
				forever++
			case q.ValidOn(today):
				valid++
			default:
				expired++
			}
		}
		if m.Email != "" {
			emails++
		}
		if m.Phone != "" {
			phones++
		}
		if strings.HasSuffix(m.FamilyName, "а") || strings.HasSuffix(m.FamilyName, "ая") {
			women++
		}
		statuses[m.Status]++
	}
	if count != n {
		t.Fatalf("got %d members, want %d", count, n)
	}
	between := func(what string, got, lo, hi int) {
		if got < lo || got > hi {
			t.Errorf("%s: %d, want %d–%d", what, got, lo, hi)
		}
	}
	between("active", statuses[muster.StatusActive], n*74/100, n*82/100)
	between("discharged", statuses[muster.StatusDischarged], n/100, n*3/100)
	between("e-mails", emails, n*57/100, n*63/100)
	between("phones", phones, n*95/100, n*99/100)
	between("expired qualifications", expired, (valid+expired)/20, (valid+expired)*3/10)
	between("qualifications without expiry", forever, 1, (valid+expired)/4)
	t.Logf("statuses %v; qualifications valid %d, expired %d, no expiry %d; women (by family name) ~%d",
		statuses, valid, expired, forever, women)
}

func TestMembersSpreadByTarget(t *testing.T) {
	s := demo.Force(3)
	region := map[string]int{}
	for m := range demo.Members(3, demo.TotalTarget, s) {
		region[strings.SplitN(m.Unit, "-", 2)[0]]++
	}
	target := map[string]int{}
	for _, u := range s.Units {
		target[strings.SplitN(u.Code, "-", 2)[0]] += u.TargetStrength
	}
	for code, want := range target {
		if want < 1000 {
			continue // the national command's staff: too few to judge
		}
		if got := region[code]; got < want*95/100 || got > want*105/100 {
			t.Errorf("region %s: %d members for a target of %d", code, got, want)
		}
	}
}

func TestStaff(t *testing.T) {
	logins := map[string]bool{}
	for _, u := range demo.Staff() {
		if logins[u.Login] || !u.Role.Valid() || u.Password != demo.Password(u.Login) || len(u.Password) < 12 {
			t.Errorf("bad staff user %+v", u)
		}
		logins[u.Login] = true
	}
}

func BenchmarkMembers(b *testing.B) {
	s := demo.Force(1)
	for b.Loop() {
		n := 0
		for range demo.Members(1, 150_000, s) {
			n++
		}
	}
}
