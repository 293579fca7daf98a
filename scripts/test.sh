#!/usr/bin/env bash
# `make test`: every test, in the order that fails fastest.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
source scripts/ci-env.sh
# A throwaway PostgreSQL for the central access log's tests (RECEPTDISK_TEST_PG); stopped on exit.
source scripts/pg-test-cluster.sh

echo "== format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

echo "== Rust unit and acceptance tests"
cargo test --workspace

# `cargo test` regenerates the UI's TypeScript types from the Rust types (ts-rs). If that changed
# anything, the committed types were stale: the UI would compile against the wrong shapes.
if git rev-parse --git-dir >/dev/null 2>&1; then
  echo "== UI types generated from Rust are up to date"
  stale=$(git status --porcelain -- ui/src/bindings ui/src/fake/flows.json ui/src/fake/answers.json)
  if [ -n "$stale" ]; then
    echo "ui/src/bindings or the fake backend's recorded answers (ui/src/fake/*.json) are stale; commit what cargo test generated:"
    echo "$stale"
    git --no-pager diff --stat -- ui/src/bindings ui/src/fake/flows.json ui/src/fake/answers.json
    exit 1
  fi
fi

if [ -f ui/package.json ]; then
  echo "== UI tests (vitest)"
  (cd ui && npm test)
fi

if [ -x tests/e2e/run.sh ]; then
  echo "== end to end (real window under Xvfb, WebDriver)"
  tests/e2e/run.sh
fi
