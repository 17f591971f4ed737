// Package demo generates the demo force: the Belarusian territorial
// defence force of the seed reports, with its structure, qualification
// catalogue, members and staff users. Everything is synthetic and
// deterministic for a seed; nothing here touches a database.
package demo

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/muster-force/muster"
)

// TotalTarget is the target strength of the whole demo force, the sum of
// the target strengths of all its units.
const TotalTarget = 160_000

// The target strength of a headquarters at each level. Every unit's
// TargetStrength counts its own people only, so that the strength of a
// subtree is the sum over it (see muster.UnitStrength): a subunit (a
// company) carries its troops, every unit above it its headquarters staff.
const (
	CommandHQ  = 60 // the national command
	RegionHQ   = 30 // a region or Minsk city
	DistrictHQ = 15 // a district
	UnitHQ     = 10 // a battalion
)

// RootCode is the code of the national command, the root of the tree.
const RootCode = "TD"

// Structure is the demo force: its units in parent-before-child order
// (depth first, children by code, as muster.UnitService.FindUnits returns
// them) and its qualification catalogue.
//
// Today is the day the members' qualification expiries are spread around
// (about a year before it to three years after). Force sets it to
// 2026-11-23; set it to the real date before calling Members to make a
// demo that looks current.
type Structure struct {
	Units          []muster.Unit
	Qualifications []muster.Qualification
	Today          muster.Date
}

// epoch returns the day the demo is set on, 2026-11-23.
func epoch() muster.Date { return muster.NewDate(2026, time.November, 23) }

// Catalogue returns the qualification catalogue of the demo force. A
// validity of 0 months means the award does not expire.
func Catalogue() []muster.Qualification {
	return []muster.Qualification{
		{Code: "RIFLE", Name: "Стрелок: огневая подготовка", ValidityMonths: 24},
		{Code: "MG", Name: "Пулемётчик", ValidityMonths: 24},
		{Code: "GL", Name: "Гранатомётчик", ValidityMonths: 24},
		{Code: "SNIPER", Name: "Снайпер", ValidityMonths: 12},
		{Code: "MEDIC", Name: "Санитарный инструктор", ValidityMonths: 24},
		{Code: "FIRSTAID", Name: "Первая помощь", ValidityMonths: 36},
		{Code: "DRIVER-C", Name: "Водитель категории C", ValidityMonths: 120},
		{Code: "DRIVER-D", Name: "Водитель категории D", ValidityMonths: 120},
		{Code: "RADIO", Name: "Радиотелеграфист (связист)", ValidityMonths: 36},
		{Code: "SAPPER", Name: "Сапёр: инженерная подготовка", ValidityMonths: 24},
		{Code: "UAV", Name: "Оператор БПЛА", ValidityMonths: 12},
		{Code: "NCO", Name: "Курс командиров отделений", ValidityMonths: 0},
		{Code: "OFFICER", Name: "Курс командиров взводов и рот", ValidityMonths: 0},
	}
}

// Force returns the demo force for a seed: the national command (TD) with
// the six regions and Minsk city below it (BRE, VIT, GOM, GRO, MIN, MOG,
// MSK), their 127 real districts (GOM-MOZ, Мозырский район), 2–4
// territorial defence battalions in each (GOM-MOZ-1) and 2–4 companies in
// each battalion (GOM-MOZ-1-2). The seed chooses how many battalions and
// companies each district has and how the companies' targets vary; the
// targets always add up to TotalTarget, shared among districts by their
// weight (see district) and rounded to multiples of 5.
func Force(seed int64) *Structure {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x666f726365)) // "force"
	s := &Structure{
		Qualifications: Catalogue(),
		Today:          epoch(),
	}
	s.Units = append(s.Units, muster.Unit{
		Code: RootCode, Name: "Командование территориальной обороны Республики Беларусь",
		Kind: muster.UnitCommand, TargetStrength: CommandHQ,
	})
	var companies []int   // indexes in s.Units
	var weights []float64 // their share of the troops, not yet scaled
	sumWeight := 0
	for _, r := range regions {
		for _, d := range r.districts {
			sumWeight += d.weight
		}
	}
	for _, r := range slices.SortedFunc(slices.Values(regions), func(a, b region) int { return cmp.Compare(a.code, b.code) }) {
		s.Units = append(s.Units, muster.Unit{
			Code: r.code, Name: r.name, Parent: RootCode,
			Kind: muster.UnitRegion, TargetStrength: RegionHQ,
		})
		for _, d := range slices.SortedFunc(slices.Values(r.districts), func(a, b district) int { return cmp.Compare(a.code, b.code) }) {
			dcode := r.code + "-" + d.code
			name, genitive := districtNames(r, d)
			s.Units = append(s.Units, muster.Unit{
				Code: dcode, Name: name, Parent: r.code,
				Kind: muster.UnitDistrict, TargetStrength: DistrictHQ,
			})
			battalions := min(4, d.weight+rng.IntN(2))
			var perCompany []float64
			for b := 1; b <= battalions; b++ {
				bcode := dcode + "-" + strconv.Itoa(b)
				s.Units = append(s.Units, muster.Unit{
					Code: bcode, Name: strconv.Itoa(b) + "-й батальон территориальной обороны " + genitive,
					Parent: dcode, Kind: muster.UnitUnit, TargetStrength: UnitHQ,
				})
				for c := range 2 + rng.IntN(3) {
					companies = append(companies, len(s.Units))
					perCompany = append(perCompany, 0.85+0.3*rng.Float64())
					s.Units = append(s.Units, muster.Unit{
						Code:   bcode + "-" + strconv.Itoa(c+1),
						Name:   strconv.Itoa(c+1) + "-я рота " + strconv.Itoa(b) + "-го батальона (" + name + ")",
						Parent: bcode, Kind: muster.UnitSubunit,
					})
				}
			}
			for _, w := range perCompany {
				weights = append(weights, float64(d.weight)/float64(sumWeight)*w/float64(len(perCompany)))
			}
		}
	}
	troops := TotalTarget
	for _, u := range s.Units {
		troops -= u.TargetStrength
	}
	for i, t := range share(troops, weights, 5) {
		s.Units[companies[i]].TargetStrength = t
	}
	return s
}

// share divides total (a multiple of step) in proportion to weights, in
// multiples of step, rounding the running sum so that the parts add up to
// total exactly.
func share(total int, weights []float64, step int) []int {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	parts := make([]int, len(weights))
	cum, prev := 0.0, 0
	for i, w := range weights {
		cum += w
		next := int(cum/sum*float64(total/step)+0.5) * step
		if i == len(weights)-1 {
			next = total
		}
		parts[i], prev = next-prev, next
	}
	return parts
}

// districtNames returns the name of a district ("Мозырский район",
// "Заводской район г. Минска") and its genitive ("Мозырского района").
func districtNames(r region, d district) (name, genitive string) {
	suffix := ""
	if r.code == "MSK" {
		suffix = " г. Минска"
	}
	return d.adj + " район" + suffix, adjective(d.adj, "ого") + " района" + suffix
}

// adjective replaces the ending (-ий, -ой, -ый) of a masculine adjective
// with ending: adjective("Мозырский", "ая") is "Мозырская".
func adjective(adj, ending string) string {
	for _, e := range []string{"ий", "ой", "ый"} {
		if stem, ok := strings.CutSuffix(adj, e); ok {
			return stem + ending
		}
	}
	return adj
}
