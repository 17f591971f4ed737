# Makefile: the commands the README and .ci/run use.
.PHONY: test demo bench

test:
	scripts/test-deps
	go test -count=1 -timeout 40m ./...

demo:
	go run ./cmd/muster serve -demo

# bench: placeholder until the bench command exists.
bench:
	go test -run '^$$' -bench . -benchtime 1x ./...
