#!/usr/bin/env bash
# `make test`: every test, in the order that fails fastest.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
source scripts/ci-env.sh

echo "== format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

echo "== Rust unit and acceptance tests"
cargo test --workspace

if [ -f ui/package.json ]; then
  echo "== UI tests (vitest)"
  (cd ui && npm test)
fi

if [ -x tests/e2e/run.sh ]; then
  echo "== end to end (real window under Xvfb, WebDriver)"
  tests/e2e/run.sh
fi
