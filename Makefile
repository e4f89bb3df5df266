# paywall: everyday commands. `make help` lists them.
#
# `make test` prepares the browser-test dependencies itself (Debian's Chromium, the pinned Playwright
# driver from package-lock.json) and then runs every Go test, browser tests (e2e/) included, with -race.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

GO ?= go
BIN := bin/paywall

# What the e2e harness reads (see e2e/main_test.go): the driver directory prepared by
# scripts/e2e-deps.sh and the browser binary. Override PAYWALL_CHROMIUM to use another Chromium/Chrome.
export PLAYWRIGHT_DRIVER_PATH ?= $(CURDIR)/.playwright-driver
export PAYWALL_CHROMIUM ?= /usr/bin/chromium

# Extra go test flags for every pass of `make test`, e.g. GOTESTFLAGS=-short (no browser tests) or
# GOTESTFLAGS='-run TestCheckout -v'. PAYWALL_TEST_SLOWDOWN=3 stretches every test wait on a busy machine.
export GOTESTFLAGS ?=

.PHONY: help run doctor test screenshots generate lint build bench e2e-deps clean

help: ## list the targets
	@grep -E '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: ## serve the app on http://localhost:8080 with the sandbox on http://127.0.0.1:8081
	$(GO) run ./cmd/paywall

doctor: ## check config, credentials and assumed API fields: live with PAYWALL_MODE=live, else a sandbox of its own
	$(GO) run ./cmd/paywall doctor

test: e2e-deps ## run every test, browser tests included (-race where it finds races; see scripts/test.sh)
	@GO=$(GO) scripts/test.sh

screenshots: e2e-deps ## save full-page screenshots of the happy path and the demo in e2e/artifacts/
	PAYWALL_E2E_SCREENSHOTS=1 $(GO) test -count=1 -run 'TestRegularPurchaseUnlocksArticle|TestDemo' ./e2e/

generate: ## regenerate the templ views (*_templ.go, committed)
	$(GO) tool templ generate

lint: ## go vet, gofmt, and templ output in sync with the *.templ sources
	$(GO) vet ./...
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then \
		echo "gofmt needed (run gofmt -w on these):"; echo "$$unformatted"; exit 1; fi
	scripts/check-generated.sh $(if $(CI),--git)

build: ## build the binary into bin/paywall
	$(GO) build -o $(BIN) ./cmd/paywall

# Extra flags for bin/bench, e.g. BENCHFLAGS='-duration 5s -rounds 2' (bin/bench -h lists them).
BENCHFLAGS ?=

bench: ## measure the app beside a bare Echo baseline (cmd/bench); prints a markdown table for the README
	$(GO) build -o $(BIN) ./cmd/paywall
	$(GO) build -o bin/bench ./cmd/bench
	bin/bench -paywall $(BIN) $(BENCHFLAGS)

e2e-deps: ## install Chromium (apt) and the pinned Playwright driver (npm ci) when missing
	@scripts/e2e-deps.sh

clean: ## remove build output and browser-test artifacts
	rm -rf bin e2e/artifacts
