package demo

import (
	"context"
	"fmt"
	"iter"

	"github.com/muster-force/muster"
)

// demoItems is about how many serialised items the demo armories hold.
const demoItems = 3000

// ItemTypes returns the demo force's item types.
func ItemTypes() []muster.ItemType {
	return []muster.ItemType{
		{Code: "AK-74M", Name: "Автомат АК-74М", Kind: muster.Serialised},
		{Code: "R-168", Name: "Радиостанция Р-168-5УН", Kind: muster.Serialised},
		{Code: "6B47", Name: "Шлем 6Б47", Kind: muster.Serialised},
		{Code: "5.45x39", Name: "Патрон 5,45×39 мм", Kind: muster.Consumable},
	}
}

// kitHolders wraps members, noting the service numbers of the active ones
// per unit, in the order the generator makes them.
func kitHolders(members iter.Seq[muster.Member], byUnit map[string][]string) iter.Seq[muster.Member] {
	return func(yield func(muster.Member) bool) {
		for m := range members {
			if m.Status == muster.StatusActive {
				byUnit[m.Unit] = append(byUnit[m.Unit], m.ServiceNumber)
			}
			if !yield(m) {
				return
			}
		}
	}
}

// buildArmory gives the units with active members, in tree order until
// about demoItems items, an armory: a rifle and a helmet per active member
// (at most 40 a unit), a radio per ten, 10,000 rounds of one lot; and
// issues every third member a rifle and a helmet.
func buildArmory(ctx context.Context, st muster.ArmoryService, units []muster.Unit, holders map[string][]string) error {
	for _, t := range ItemTypes() {
		if err := st.CreateItemType(ctx, &t); err != nil {
			return fmt.Errorf("demo item type %s: %w", t.Code, err)
		}
	}
	var items []*muster.Item
	var moves []muster.ItemMove
	var armories []string
	n := map[string]int{}
	add := func(typ, prefix, unit string) string {
		n[typ]++
		serial := fmt.Sprintf("%s-%06d", prefix, n[typ])
		items = append(items, &muster.Item{Serial: serial, Type: typ, Armory: unit})
		return serial
	}
	for _, u := range units {
		members := holders[u.Code]
		if len(members) < 5 || len(items) >= demoItems {
			continue
		}
		armories = append(armories, u.Code)
		for i, sn := range members[:min(len(members), 40)] {
			rifle, helmet := add("AK-74M", "AK", u.Code), add("6B47", "6B47", u.Code)
			if i%10 == 0 {
				add("R-168", "R168", u.Code)
			}
			if i%3 == 0 {
				moves = append(moves, muster.ItemMove{Serial: rifle, Movement: muster.Movement{Kind: muster.MoveIssue, ServiceNumber: sn}},
					muster.ItemMove{Serial: helmet, Movement: muster.Movement{Kind: muster.MoveIssue, ServiceNumber: sn}})
			}
		}
	}
	if err := st.CreateItems(ctx, items); err != nil {
		return fmt.Errorf("demo items: %w", err)
	}
	if err := st.MoveItems(ctx, moves); err != nil {
		return fmt.Errorf("demo issues: %w", err)
	}
	for _, code := range armories {
		if _, err := st.ReceiveStock(ctx, muster.StockMovement{Armory: code, Type: "5.45x39", Lot: "2026-07", Quantity: 10_000}); err != nil {
			return fmt.Errorf("demo stock of %s: %w", code, err)
		}
	}
	return nil
}
