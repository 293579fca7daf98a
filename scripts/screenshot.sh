#!/usr/bin/env bash
# Start Receptdisk under a private Xvfb, wait until it has painted, save a PNG of the screen.
# Usage: scripts/screenshot.sh OUT.png [seconds-to-wait-after-paint]
# Used to keep the README's screenshots current and to measure time to first paint.
set -euo pipefail
out=${1:?usage: screenshot.sh OUT.png [delay]}; delay=${2:-1}
app="${CARGO_TARGET_DIR:-$HOME/.cache/receptdisk/target}/debug/receptdisk"
tmp=$(mktemp -d)
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb.log" &
xvfb=$!
trap 'kill $xvfb ${pid:-} 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 50); do [ -s "$tmp/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$tmp/display")"
start=$(date +%s.%N)
"$app" >"$tmp/app.log" 2>&1 & pid=$!
wid=""
for _ in $(seq 1 200); do
  wid=$(xdotool search --onlyvisible --name '^Receptdisk$' 2>/dev/null | head -1) && [ -n "$wid" ] && break
  kill -0 $pid 2>/dev/null || { echo "the app exited:"; cat "$tmp/app.log"; exit 1; }
  sleep 0.05
done
[ -n "$wid" ] || { echo "no window"; cat "$tmp/app.log"; exit 1; }
for _ in $(seq 1 200); do
  [ "$(import -window "$wid" png:- | convert - -format %k info:)" -gt 1 ] && break; sleep 0.05
done
painted=$(date +%s.%N)
awk -v a="$start" -v b="$painted" 'BEGIN{printf "painted after %.2f s\n", b-a}'
sleep "$delay"
import -window root "$out"
echo "saved $out"
