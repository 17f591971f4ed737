package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
)

type listingResult struct {
	pages       int
	median, p95 time.Duration
	medianNext  time.Duration
}

func (r listingResult) print() {
	fmt.Printf("list a page of 50 members of a region with a valid qualification (%d tries, random region and qualification):\n", r.pages)
	fmt.Printf("  first page  median %6.2f ms  p95 %6.2f ms (target: median < 20 ms)\n", ms(r.median), ms(r.p95))
	fmt.Printf("  next page   median %6.2f ms\n", ms(r.medianNext))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchListing times FindMembers for a region and a qualification, the
// first page and the one after it.
func benchListing(ctx context.Context, dbPath string, n int) (listingResult, error) {
	res := listingResult{pages: n}
	db, err := sqldb.Open(ctx, dbPath)
	if err != nil {
		return res, err
	}
	defer db.Close()
	sys := muster.NewContextWithActor(ctx, muster.SystemActor("bench"))
	regions, err := db.FindUnits(sys, muster.UnitFilter{Kind: muster.UnitRegion})
	if err != nil {
		return res, err
	}
	quals, err := db.FindQualifications(sys)
	if err != nil {
		return res, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var first, next []time.Duration
	for range n {
		f := muster.MemberFilter{Unit: regions[rng.IntN(len(regions))].Code, Qualification: quals[rng.IntN(len(quals))].Code, Limit: 50}
		start := time.Now()
		page, err := db.FindMembers(sys, f)
		if err != nil {
			return res, err
		}
		first = append(first, time.Since(start))
		if page.NextCursor != "" {
			f.Cursor = page.NextCursor
			start = time.Now()
			if _, err := db.FindMembers(sys, f); err != nil {
				return res, err
			}
			next = append(next, time.Since(start))
		}
	}
	res.median, res.p95 = percentile(first, 50), percentile(first, 95)
	res.medianNext = percentile(next, 50)
	return res, nil
}

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}
