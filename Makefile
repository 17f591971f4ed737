# Makefile: the commands the README and .ci/run use.
.PHONY: test test-race demo bench bench-answers bench-armory

test:
	scripts/test-deps
	go test -count=1 -timeout 40m ./...

# test-race: the whole suite again under the race detector, as .ci/run
# does after make test (about twice as long).
test-race:
	scripts/test-deps
	go test -race -count=1 -timeout 60m ./...

demo:
	go run ./cmd/muster serve -demo

# bench: the performance figures of the issues, each beside its baseline,
# measured in one run (see cmd/musterbench). MEMBERS=100000 for a quick run.
MEMBERS ?= 1000000
bench:
	go run ./cmd/musterbench -members $(MEMBERS)

# bench-answers: only the answers storm (muster serve against a bare
# net/http handler, the readiness stream's lag, peak memory), on the demo
# force of MEMBERS members.
bench-answers:
	go run ./cmd/musterbench -members $(MEMBERS) -parts answers

# bench-armory: only the armory: 100,000 items and 1,000,000 ledger entries,
# issue latency over HTTP and `muster audit verify`, on the demo force of
# MEMBERS members (PG=postgres://… to run it on PostgreSQL too).
bench-armory:
	go run ./cmd/musterbench -members $(MEMBERS) -parts armory $(if $(PG),-pg $(PG))
