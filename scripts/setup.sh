#!/usr/bin/env bash
# Installs everything Receptdisk needs to build, run and test on Debian 12 / Ubuntu.
# Idempotent: each step checks first, so a prepared machine passes through in about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

# Build: Tauri (WebKitGTK), keyring (D-Bus), printing (CUPS). Test: Xvfb, WebDriver, Secret
# Service, a CUPS PDF queue, PDF and barcode tools, the sqlite3 shell (the access-log tamper
# tests). Fonts: DejaVu Sans is embedded in printouts.
# The chain's central log: PostgreSQL (a throwaway cluster per test run, scripts/pg-test-cluster.sh)
# and headless Chromium, which prints the review's HTML report in a test.
APT_PKGS="build-essential pkg-config curl file
 libwebkit2gtk-4.1-dev libsoup-3.0-dev librsvg2-dev libayatana-appindicator3-dev patchelf libssl-dev
 libdbus-1-dev libcups2-dev
 xvfb xdotool imagemagick webkit2gtk-driver
 dbus dbus-x11 gnome-keyring libsecret-tools
 cups cups-client cups-bsd printer-driver-cups-pdf poppler-utils zbar-tools
 sqlite3 postgresql chromium"

missing=""
for p in $APT_PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "setup: installing Debian packages:$missing"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq $missing >/dev/null
fi

# Node.js (>= 20) for the front end. Debian's machine images here ship it; a bare Debian 12 gets
# its own nodejs from apt, which is too old for Vite — then install Node 20+ first.
if ! command -v npm >/dev/null 2>&1; then
  $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi

if [ -f ui/package-lock.json ]; then
  # npm ci only when the lock file changed since the last install.
  stamp=ui/node_modules/.receptdisk-lock
  if [ ! -f "$stamp" ] || ! cmp -s ui/package-lock.json "$stamp"; then
    echo "setup: npm ci (ui/)"
    (cd ui && npm ci --no-audit --no-fund --loglevel=error)
    cp ui/package-lock.json "$stamp"
  fi
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: Rust is missing — install it with rustup (https://rustup.rs), then run make again." >&2
  exit 2
fi
export PATH="$HOME/.cargo/bin:$PATH"
if [ -d src-tauri ] && ! command -v tauri-driver >/dev/null 2>&1; then
  echo "setup: cargo install tauri-driver"
  cargo install tauri-driver --version '^2' --locked -q
fi
