# tagdesk: make help lists the targets.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
BIN     := bin/tagdesk
GO      ?= go

.PHONY: help build run demo test race vet vet-cross fmt fmt-check check bench fuzz golden tidy clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

build: ## build bin/tagdesk
	CGO_ENABLED=0 $(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/tagdesk

run: build ## open the terminal UI on the demo database
	./$(BIN) --demo

test: build vet-cross ## run every test (unit, golden, fuzz seeds, end to end)
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 40m ./...

# The desk runs on Windows and macOS too: what only Linux (or Unix) has sits
# behind build tags, and these keep it so. Before the tests, not beside them:
# cross-checking SQLite takes minutes with a cold cache, and the end-to-end
# tests time a scanner's keys.
vet-cross: ## go vet for Windows, macOS and FreeBSD
	for os in windows darwin freebsd; do GOOS=$$os GOARCH=amd64 CGO_ENABLED=0 $(GO) vet ./... || exit 1; done

race: ## run the tests with the race detector (slow with pure-Go SQLite)
	$(GO) test -race -count=1 -timeout 60m ./...

vet: ## go vet
	$(GO) vet ./...

fmt: ## format the code
	gofmt -w $$(git ls-files '*.go')

fmt-check: ## fail if any file needs gofmt
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)

check: fmt-check vet test ## everything CI checks

bench: build ## the performance figures of every issue, next to their targets
	$(GO) run ./cmd/benchreport

FUZZTIME ?= 30s
fuzz: ## run each fuzz target for FUZZTIME
	@for p in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$p 2>/dev/null | grep '^Fuzz'); do \
			echo "== $$p $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$p || exit 1; \
		done; \
	done

golden: ## regenerate golden files
	$(GO) test ./labels/... ./tui/... -update

tidy: ## go mod tidy, and fail if it changed anything
	$(GO) mod tidy && git diff --exit-code go.mod go.sum

clean: ## remove build output
	rm -rf bin
