# rollspec developer targets. The README's test command is `make test`.
GO ?= go

.PHONY: build test short tools cluster golden bench vet fuzz

# Static (no cgo): no dynamic loader at start, each run about 4 ms faster.
build:
	CGO_ENABLED=0 $(GO) build -o bin/rollspec ./cmd/rollspec

# Build the e2e tools first, in the foreground, so their progress shows
# (go test prints a package's output only when it finishes). -count=1:
# results are never taken from the test cache, so the control plane is
# really exercised on every run.
test: tools
	$(GO) test -count=1 -timeout 60m ./...

short:
	$(GO) test -short ./...

tools:
	bash hack/tools/install.sh >/dev/null

# A control plane for manual kubectl use; Ctrl-C stops it.
cluster: tools
	$(GO) build -o bin/cluster ./test/e2e/cmd/cluster
	bin/cluster --istio-crds

golden:
	$(GO) test ./internal/compile -run TestGolden -update

# In-process (compile, fn, schema) and whole-process (cmd/rollspec) benchmarks.
bench:
	$(GO) test ./internal/compile ./internal/fn ./schema ./cmd/rollspec -run '^$$' -bench . -benchmem -count 6

vet:
	$(GO) vet ./...

# Fuzz every fuzz target for FUZZTIME each (their seed corpora run with
# the normal tests).
FUZZTIME ?= 60s
fuzz:
	@for t in $$($(GO) test -list '^Fuzz' ./... | grep '^Fuzz'); do \
		pkg=$$($(GO) list -f '{{.Dir}}' ./... | while read d; do grep -l "func $$t(" $$d/*_test.go >/dev/null 2>&1 && echo $$d; done | head -1); \
		echo "fuzzing $$t in $$pkg for $(FUZZTIME)"; \
		(cd $$pkg && $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -parallel 1 .) || exit 1; \
	done
