package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/demo"
	"github.com/muster-force/muster/internal/sqldb"
)

// armoryResult is what the armory part measured on one database.
type armoryResult struct {
	database        string
	items, entries  int64
	build           time.Duration // receiving the items and writing the ledger
	issues          int
	median, p99     time.Duration // of one issue over HTTP
	verify          time.Duration // muster audit verify, wall time
	verifiedEntries string
}

func (r armoryResult) print() {
	fmt.Printf("armory on %s: %d items, %d ledger entries (built in %.1f s through the ledger's own code, %.0f entries/s):\n",
		r.database, r.items, r.entries, r.build.Seconds(), float64(r.entries)/r.build.Seconds())
	fmt.Printf("  POST /api/v1/items/{serial}/issue, %d issues one after another: median %6.2f ms  p99 %6.2f ms (target: median < 10 ms)\n",
		r.issues, ms(r.median), ms(r.p99))
	fmt.Printf("  muster audit verify: %.2f s wall (%s) (target < 5 s)\n", r.verify.Seconds(), r.verifiedEntries)
}

// armoryIssues is how many items the armory part issues over HTTP.
const armoryIssues = 1000

// benchArmory fills the armory of the database dsn (building the demo
// force of n members first when it has no units) up to items items and
// entries ledger entries, through sqldb's own CreateItems and MoveItems
// in large transactions, so that the chain is the real one; then it
// starts `muster serve` on it, issues armoryIssues items over HTTP one
// after another, and times `muster audit verify`.
func benchArmory(ctx context.Context, bin, dir, dsn, name string, n int, items, entries int64) (armoryResult, error) {
	res := armoryResult{database: name, issues: armoryIssues}
	sys := muster.NewContextWithActor(ctx, muster.SystemActor("musterbench"))
	if out, err := exec.CommandContext(ctx, bin, "migrate", "-db", dsn).CombinedOutput(); err != nil {
		return res, fmt.Errorf("muster migrate: %v: %s", err, out)
	}
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		return res, err
	}
	defer db.Close()
	units, err := db.FindUnits(sys, muster.UnitFilter{})
	if err != nil {
		return res, err
	}
	if len(units) == 0 {
		fmt.Fprintf(os.Stderr, "armory: building the demo force of %d members in %s\n", n, name)
		if out, err := exec.CommandContext(ctx, bin, "demo", "-db", dsn, "-members", strconv.Itoa(n)).CombinedOutput(); err != nil {
			return res, fmt.Errorf("muster demo: %v: %s", err, out)
		}
	}
	root := demo.Force(1).Units[0].Code
	members, err := issuableMembers(sys, db, root, armoryIssues)
	if err != nil {
		return res, err
	}
	start := time.Now()
	serials, total, err := fillArmory(sys, db, root, members, items, entries)
	if err != nil {
		return res, err
	}
	res.build, res.items, res.entries = time.Since(start), int64(len(serials)), total
	db.Close()

	out, err := exec.CommandContext(ctx, bin, "token", "create", "-db", dsn, "-role", "armorer", "-unit", root, "-name", "musterbench").Output()
	if err != nil {
		return res, fmt.Errorf("muster token create: %w", err)
	}
	srv, err := startServer(ctx, filepath.Join(dir, "serve-armory.log"), bin, "serve", "-db", dsn, "-addr", "127.0.0.1:0")
	if err != nil {
		return res, err
	}
	api := &apiClient{base: srv.url, token: strings.TrimSpace(string(out))}
	took := make([]time.Duration, 0, armoryIssues)
	for i := range armoryIssues {
		body := `{"service_number":"` + members[i%len(members)] + `"}`
		t0 := time.Now()
		resp, err := api.do(ctx, http.MethodPost, "/api/v1/items/"+url.PathEscape(serials[i])+"/issue", body)
		if err != nil {
			srv.stop()
			return res, err
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		took = append(took, time.Since(t0))
		if resp.StatusCode != http.StatusOK {
			srv.stop()
			return res, fmt.Errorf("issue %s: %d %s", serials[i], resp.StatusCode, msg)
		}
	}
	srv.stop()
	res.median, res.p99 = percentile(took, 50), percentile(took, 99)

	t0 := time.Now()
	verify, err := exec.CommandContext(ctx, bin, "audit", "verify", "-db", dsn).CombinedOutput()
	res.verify = time.Since(t0)
	if err != nil {
		return res, fmt.Errorf("muster audit verify: %v: %s", err, verify)
	}
	res.verifiedEntries = strings.TrimSpace(string(verify))
	return res, nil
}

// issuableMembers returns up to n service numbers of members under the
// unit who are not discharged.
func issuableMembers(ctx context.Context, db *sqldb.DB, unit string, n int) ([]string, error) {
	page, err := db.FindMembers(ctx, muster.MemberFilter{Unit: unit, Status: []muster.MemberStatus{muster.StatusActive, muster.StatusReserve},
		Limit: min(n, 500)})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range page.Members {
		out = append(out, m.ServiceNumber)
	}
	if len(out) == 0 {
		return nil, errors.New("armory: no active or reserve member to issue to")
	}
	return out, nil
}

// fillArmory receives items-many rifles into the unit's armory, then
// issues and returns them in turn until the ledger has entries entries,
// each step through CreateItems or MoveItems in transactions of
// armoryBatch, and returns the serials, all in store, and the ledger's
// length.
func fillArmory(ctx context.Context, db *sqldb.DB, unit string, members []string, items, entries int64) ([]string, int64, error) {
	const armoryBatch = 5000
	err := db.CreateItemType(ctx, &muster.ItemType{Code: "BENCH-RIFLE", Name: "Benchmark rifle", Kind: muster.Serialised})
	if err != nil && muster.ErrorCode(err) != muster.ECONFLICT {
		return nil, 0, err
	}
	serials := make([]string, items)
	batch := make([]*muster.Item, 0, armoryBatch)
	for i := range serials {
		serials[i] = fmt.Sprintf("BENCH-%07d", i)
		batch = append(batch, &muster.Item{Serial: serials[i], Type: "BENCH-RIFLE", Armory: unit})
		if len(batch) == armoryBatch || i == len(serials)-1 {
			if err := db.CreateItems(ctx, batch); err != nil {
				return nil, 0, fmt.Errorf("receive items: %w", err)
			}
			batch = batch[:0]
		}
	}
	have, err := ledgerLength(ctx, db)
	if err != nil {
		return nil, 0, err
	}
	moves := make([]muster.ItemMove, 0, armoryBatch)
	for next := 0; have+2 <= entries; next++ {
		s := serials[next%len(serials)]
		moves = append(moves, muster.ItemMove{Serial: s, Movement: muster.Movement{Kind: muster.MoveIssue, ServiceNumber: members[next%len(members)]}},
			muster.ItemMove{Serial: s, Movement: muster.Movement{Kind: muster.MoveReturn}})
		have += 2
		if len(moves) >= armoryBatch || have+2 > entries {
			if err := db.MoveItems(ctx, moves); err != nil {
				return nil, 0, fmt.Errorf("move items: %w", err)
			}
			moves = moves[:0]
			if have%100_000 < armoryBatch {
				fmt.Fprintf(os.Stderr, "armory: %d ledger entries\n", have)
			}
		}
	}
	return serials, have, nil
}

// ledgerLength returns the number of ledger entries, from verifying them.
func ledgerLength(ctx context.Context, db *sqldb.DB) (int64, error) {
	c, err := db.VerifyLedger(ctx)
	if err != nil {
		return 0, err
	}
	if !c.OK() {
		b, _ := json.Marshal(c)
		return 0, fmt.Errorf("the ledger is not intact: %s", b)
	}
	return c.Entries, nil
}
