#!/usr/bin/env bash
# `make run`: build and start Receptdisk. Until the desktop app lands, shows the counter flows.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d src-tauri ]; then
  exec bash scripts/run-app.sh
fi
cargo run -q -p cli -- flows --role farmaceut
