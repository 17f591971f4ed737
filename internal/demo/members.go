package demo

import (
	"iter"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/muster-force/muster"
)

// Members yields n synthetic members of the force s, the same ones for the
// same seed and structure; the first k of n are the members of Members(seed,
// k, s). It keeps only small tables, so n may be in the millions.
//
// Members are spread over all units in proportion to their target
// strength (headquarters included), so n = TotalTarget fills the force.
// Each has:
//   - a service number "BY" + the region's digit (1 Brest, 2 Vitebsk,
//     3 Gomel, 4 Grodno, 5 Minsk region, 6 Mogilev, 7 Minsk city, 0 the
//     national command) + 7 digits: a per-region counter scrambled by a
//     bijection modulo 10^7, so numbers are unique up to 10 million a region;
//   - a Belarusian name in Cyrillic, about 15 % women, born 1965–2006;
//   - a position fitting the unit (company or headquarters) and, usually,
//     the qualification it calls for, plus others: 0–4 in all, expiring
//     from a year before s.Today to three years after, about one in ten
//     already expired (courses for section and platoon leaders do not
//     expire);
//   - status active 78 %, reserve 12 %, applicant 5 %, inactive 3 %,
//     discharged 2 %;
//   - a mobile phone +375 25/29/33/44 for 97 % (the rest are reached on
//     paper), an e-mail address for 60 %, and an employer of the region or
//     district for 95 %.
func Members(seed int64, n int, s *Structure) iter.Seq[muster.Member] {
	return func(yield func(muster.Member) bool) {
		g := newGenerator(seed, s)
		for range n {
			if !yield(g.next()) {
				return
			}
		}
	}
}

// slot is a unit members are placed in.
type slot struct {
	code     string
	region   int // index in generator.regions
	district int // index in generator.local; -1 above the districts
	staff    bool
}

// regionInfo is what the generator needs of a region.
type regionInfo struct {
	digit     byte
	employers []string
	issued    int // service numbers issued so far
	offset    int // where the region's numbers start
}

// person is a name in Cyrillic and in lower-case Latin letters.
type person struct{ name, latin string }

// generator makes members one after the other.
type generator struct {
	rng      *rand.Rand
	today    muster.Date
	slots    []slot
	cum      []int // cum[i] is the target of slots[:i+1]
	regions  []regionInfo
	local    [][]string // employers of each district
	given    [2][]person
	family   [2][]person
	months   map[string]int // qualification validity
	scramble int            // the multiplier of service numbers, coprime to 10^7
	born     muster.Date
	bornSpan int
}

func newGenerator(seed int64, s *Structure) *generator {
	g := &generator{
		rng:      rand.New(rand.NewPCG(uint64(seed), 0x6d656d62657273)), // "members"
		today:    s.Today,
		months:   map[string]int{},
		scramble: 7_654_321, // coprime to 10^7
		born:     muster.NewDate(1965, time.January, 1),
	}
	if g.today.IsZero() {
		g.today = epoch()
	}
	minsk, _ := regionFor("MSK") // the national command is in Minsk
	g.regions = []regionInfo{{digit: '0', employers: minsk.employers}}
	g.bornSpan = int(muster.NewDate(2007, time.January, 1).Time().Sub(g.born.Time()).Hours() / 24)
	for _, q := range s.Qualifications {
		g.months[q.Code] = q.ValidityMonths
	}
	for i, names := range [2][]string{maleGiven, femaleGiven} {
		for _, name := range names {
			g.given[i] = append(g.given[i], newPerson(name))
		}
	}
	for _, name := range familyNames {
		g.family[0] = append(g.family[0], newPerson(name))
		g.family[1] = append(g.family[1], newPerson(femaleForm(name)))
	}
	index := map[string]int{} // unit code → index in slots
	total := 0
	for _, u := range s.Units {
		sl := slot{code: u.Code, district: -1, staff: u.Kind != muster.UnitSubunit}
		if p, ok := index[u.Parent]; ok {
			sl.region, sl.district = g.slots[p].region, g.slots[p].district
		}
		switch u.Kind {
		case muster.UnitRegion:
			if r, ok := regionFor(u.Code); ok {
				sl.region = len(g.regions)
				g.regions = append(g.regions, r)
			}
		case muster.UnitDistrict:
			sl.district = len(g.local)
			g.local = append(g.local, localEmployers(u.Name, len(g.local), g.regions[sl.region].digit == '7'))
		}
		index[u.Code] = len(g.slots)
		total += u.TargetStrength
		g.slots = append(g.slots, sl)
		g.cum = append(g.cum, total)
	}
	for i := range g.regions {
		g.regions[i].offset = g.rng.IntN(10_000_000)
	}
	return g
}

func newPerson(name string) person {
	return person{name, strings.ToLower(muster.Transliterate(name))}
}

// next makes the next member.
func (g *generator) next() muster.Member {
	r := g.rng
	sl := &g.slots[g.pickSlot()]
	reg := &g.regions[sl.region]
	sex := 0
	if r.IntN(100) < 15 {
		sex = 1
	}
	given := g.given[sex][r.IntN(len(g.given[sex]))]
	family := g.family[sex][r.IntN(len(g.family[sex]))]
	m := muster.Member{
		ServiceNumber: g.serviceNumber(reg),
		FamilyName:    family.name,
		GivenName:     given.name,
		BirthDate:     g.born.AddDays((r.IntN(g.bornSpan) + r.IntN(g.bornSpan)) / 2),
		Unit:          sl.code,
		Status:        g.status(),
	}
	posts := [2][2][]post{{fieldPosts, fieldPostsFemale}, {staffPosts, staffPostsFemale}}
	staff := 0
	if sl.staff {
		staff = 1
	}
	p := pick(r, posts[staff][sex])
	m.Position = p.name
	m.Qualifications = g.qualifications(p.qual, m.Status)
	if r.IntN(100) < 97 {
		m.Phone = g.phone()
	}
	if r.IntN(100) < 60 {
		m.Email = g.email(given.latin, family.latin, m.BirthDate)
	}
	m.Employer = g.employer(sl, reg)
	return m
}

// pickSlot chooses a unit with a chance proportional to its target.
func (g *generator) pickSlot() int {
	x := g.rng.IntN(g.cum[len(g.cum)-1])
	i, _ := slices.BinarySearch(g.cum, x+1)
	return i
}

func (g *generator) serviceNumber(reg *regionInfo) string {
	n := (reg.issued*g.scramble + reg.offset) % 10_000_000
	reg.issued++
	b := []byte{'B', 'Y', reg.digit, '0', '0', '0', '0', '0', '0', '0'}
	for i := len(b) - 1; n > 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}

func (g *generator) status() muster.MemberStatus {
	switch x := g.rng.IntN(100); {
	case x < 78:
		return muster.StatusActive
	case x < 90:
		return muster.StatusReserve
	case x < 95:
		return muster.StatusApplicant
	case x < 98:
		return muster.StatusInactive
	}
	return muster.StatusDischarged
}

// qualifications returns 0–4 qualifications, the first the one the
// position calls for (core) when there is one; applicants hold few.
func (g *generator) qualifications(core string, status muster.MemberStatus) []muster.MemberQualification {
	r := g.rng
	k := [10]int{0, 1, 1, 1, 2, 2, 2, 3, 3, 4}[r.IntN(10)]
	if status == muster.StatusApplicant {
		k = min(k, r.IntN(5)/4)
	}
	if k == 0 {
		return nil
	}
	qs := make([]muster.MemberQualification, 0, k)
	code := core
	for tries := 0; len(qs) < k && tries < 12; tries++ {
		months, known := g.months[code]
		if known && !slices.ContainsFunc(qs, func(q muster.MemberQualification) bool { return q.Code == code }) {
			q := muster.MemberQualification{Code: code}
			if months > 0 {
				ahead := min(3*365, months*365/12)
				span := ahead + 366 // the later of two draws: most are still valid
				q.Expires = g.today.AddDays(max(r.IntN(span), r.IntN(span)) - 365)
			}
			qs = append(qs, q)
		}
		code = pick(r, extraQuals).name
	}
	return qs
}

func (g *generator) phone() string {
	b := make([]byte, 0, 13)
	b = append(b, "+375"...)
	b = append(b, [5]string{"29", "29", "33", "44", "25"}[g.rng.IntN(5)]...)
	b = strconv.AppendInt(b, int64(1_000_000+g.rng.IntN(9_000_000)), 10)
	return string(b)
}

func (g *generator) email(given, family string, born muster.Date) string {
	yy := born.String()[2:4]
	var local string
	switch g.rng.IntN(5) {
	case 0:
		local = given + "." + family
	case 1:
		local = family + "." + given
	case 2:
		local = family + yy
	case 3:
		local = given[:1] + "." + family
	default:
		local = family + "_" + given + yy
	}
	return local + "@" + pick(g.rng, mailDomains).name
}

func (g *generator) employer(sl *slot, reg *regionInfo) string {
	r := g.rng
	x := r.IntN(100)
	switch {
	case x < 5:
		return ""
	case x < 55 && sl.district >= 0:
		list := g.local[sl.district]
		if x < 15 && reg.digit != '7' {
			return "СПК «" + farms[r.IntN(len(farms))] + "»"
		}
		return list[r.IntN(len(list))]
	case x < 80:
		return reg.employers[r.IntN(len(reg.employers))]
	}
	return nationalEmployers[r.IntN(len(nationalEmployers))]
}

// pick chooses one of posts with a chance proportional to its weight.
func pick(r *rand.Rand, posts []post) post {
	total := 0
	for _, p := range posts {
		total += p.weight
	}
	x := r.IntN(total)
	for _, p := range posts {
		if x -= p.weight; x < 0 {
			return p
		}
	}
	return posts[len(posts)-1]
}
