#!/usr/bin/env bash
# Screenshot of the UI in a state (fake backend, see src/demo.ts) with headless Chromium.
#   scripts/screenshot.sh OUT.png 'login=farmaceut&pnr=196804152384' [WIDTHxHEIGHT]
# Needs `npm run build` and a preview server: npx vite preview --port 5174 --host 127.0.0.1
set -euo pipefail
out="$1"; query="${2:-}"; size="${3:-1280,800}"
base="${RECEPTDISK_UI_URL:-http://127.0.0.1:5174/}"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --hide-scrollbars --virtual-time-budget=4000 --window-size="$size" \
  --screenshot="$out" "${base}?fake=1&${query}" 2>/dev/null
echo "$out"
