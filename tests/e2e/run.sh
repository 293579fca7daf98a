#!/usr/bin/env bash
# End-to-end tests of the real Receptdisk binary under Xvfb, driven through tauri-driver
# (WebKitWebDriver). Expects DISPLAY, DBUS_SESSION_BUS_ADDRESS and the CUPS queue "PDF" from
# scripts/ci-env.sh. Each test gets a fresh app data directory (settings, access log).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"
app="${CARGO_TARGET_DIR:-$HOME/.cache/receptdisk/target}/debug/receptdisk"
(cd ui && npm run -s build)
cargo build -q -p receptdisk -p cli
nllc="${CARGO_TARGET_DIR:-$HOME/.cache/receptdisk/target}/debug/nllc"
tmp=$(mktemp -d)
# The app inherits tauri-driver's environment: its own settings and access log, empty at start.
export RECEPTDISK_HOME="$tmp/home"
# Free ports, so two runs on one machine (a developer's and CI's) do not meet. A port freed
# here can be taken again before tauri-driver binds it: then new ports are tried.
td=
trap 'kill $td 2>/dev/null || true; rm -rf "$tmp"' EXIT
for attempt in 1 2 3; do
  read -r port native < <(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
  export RECEPTDISK_WEBDRIVER="http://127.0.0.1:$port"
  tauri-driver --port "$port" --native-port "$native" >"$tmp/tauri-driver.log" 2>&1 &
  td=$!
  for _ in $(seq 1 100); do
    curl -fsS "$RECEPTDISK_WEBDRIVER/status" >/dev/null 2>&1 && break 2
    kill -0 $td 2>/dev/null || break
    sleep 0.1
  done
  echo "tauri-driver did not start on port $port (attempt $attempt):"; cat "$tmp/tauri-driver.log"
  kill $td 2>/dev/null || true
done
export RECEPTDISK_E2E_OUT="${RECEPTDISK_E2E_OUT:-$tmp/out}"
mkdir -p "$RECEPTDISK_E2E_OUT"
# RECEPTDISK_E2E_TESTS picks some (e.g. "live") while working on one.
for t in ${RECEPTDISK_E2E_TESTS:-counter live}; do
  if ! timeout 900 python3 "tests/e2e/test_$t.py" "$app" "$nllc"; then
    echo "--- tauri-driver log"; tail -50 "$tmp/tauri-driver.log"; exit 1
  fi
done
