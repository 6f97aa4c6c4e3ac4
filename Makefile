# rollspec developer targets. The README's test command is `make test`'s.
GO ?= go

.PHONY: build test golden bench vet

build:
	$(GO) build -o bin/rollspec ./cmd/rollspec

test:
	$(GO) test -timeout 60m ./...

golden:
	$(GO) test ./compile -run TestGolden -update

bench:
	$(GO) test ./compile -run '^$$' -bench . -benchmem -count 6

vet:
	$(GO) vet ./...
