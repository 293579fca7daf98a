#!/usr/bin/env bash
# Build the counter UI and the desktop app, then start Receptdisk (training mode unless a live
# NLL endpoint is configured in Inställningar).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
(cd ui && npm run -s build)
cargo build -q -p receptdisk
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "Ingen skärm hittades (DISPLAY är inte satt). Starta från skrivbordet, eller prova: xvfb-run make run" >&2
  exit 2
fi
exec "$CARGO_TARGET_DIR/debug/receptdisk"
