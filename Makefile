# Receptdisk — the two commands: `make run` and `make test`. Both install what a fresh
# Debian 12 / Ubuntu machine lacks (scripts/setup.sh), idempotent and quick when all is there.
SHELL := /bin/bash
# Build cache outside the clone, so a fresh clone reuses it; empty is fine.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/receptdisk/target
CARGO ?= cargo

.PHONY: setup run test lint fmt unit bundle bench

setup:
	@bash scripts/setup.sh

## Start the app (training mode, with the built-in NLL test server).
run: setup
	@bash scripts/run.sh

## Every test: formatting, clippy, unit + acceptance tests, UI tests, end to end.
test: setup
	@bash scripts/test.sh

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

unit:
	$(CARGO) test --workspace

## Linux installers (.deb, AppImage) from a release build; Windows/macOS are configured, not built here.
bundle: setup
	@bash scripts/bundle.sh

## Benchmarks (release build): lookups at 100 ms per answer, one page of 1,000 dispenses (the
## test server's answer and the client's reading), then the heaviest patient as separate
## processes beside headless Chromium printing the same dispenses.
bench:
	$(CARGO) build --release -p cli
	$(CARGO_TARGET_DIR)/release/nllc bench-fetch
	$(CARGO) bench -q -p nll-sim --bench dispense_page
	python3 scripts/bench_heavy.py $(CARGO_TARGET_DIR)/release/nllc
