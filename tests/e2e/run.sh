#!/usr/bin/env bash
# End-to-end tests of the real Receptdisk binary under Xvfb, driven through tauri-driver
# (WebKitWebDriver). Expects DISPLAY, DBUS_SESSION_BUS_ADDRESS and the CUPS queue "PDF" from
# scripts/ci-env.sh. Each test gets a fresh app data directory (settings, access log).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"
app="${CARGO_TARGET_DIR:-$HOME/.cache/receptdisk/target}/debug/receptdisk"
(cd ui && npm run -s build)
cargo build -q -p receptdisk
tmp=$(mktemp -d)
# The app inherits tauri-driver's environment: its own settings and access log, empty at start.
export RECEPTDISK_HOME="$tmp/home"
tauri-driver --port 4444 --native-port 4445 >"$tmp/tauri-driver.log" 2>&1 &
td=$!
trap 'kill $td 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do curl -fsS http://127.0.0.1:4444/status >/dev/null 2>&1 && break; sleep 0.1; done
export RECEPTDISK_E2E_OUT="${RECEPTDISK_E2E_OUT:-$tmp/out}"
mkdir -p "$RECEPTDISK_E2E_OUT"
if ! timeout 900 python3 tests/e2e/test_counter.py "$app"; then
  echo "--- tauri-driver log"; tail -50 "$tmp/tauri-driver.log"; exit 1
fi
