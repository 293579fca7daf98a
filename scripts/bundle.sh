#!/usr/bin/env bash
# `make bundle`: the Linux installers — a .deb and an AppImage — from a release build.
# The Windows (.msi with the WebView2 offline installer) and macOS (.dmg) targets are configured in
# src-tauri/tauri.conf.json but must be built on those systems; they are not built here.
# RECEPTDISK_BUNDLES=deb builds only the .deb.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/receptdisk/target}"
target="$CARGO_TARGET_DIR"
bundles="${RECEPTDISK_BUNDLES:-deb,appimage}"
(cd ui && npm run -s build)
# The Tauri CLI from npm, kept out of ui/package-lock.json: the lock must stay installable with
# `npm ci` on every platform, and the CLI's per-platform packages are only needed here.
tauri() { npx --yes @tauri-apps/cli@2.12.5 "$@"; }
failed=()
# One bundle at a time (the release build is shared): a missing AppImage tool must not cost the .deb.
for b in ${bundles//,/ }; do
  echo "== $b"
  if ! tauri build --ci --bundles "$b"; then
    failed+=("$b")
    if [ "$b" = appimage ]; then
      echo "AppImage: Tauri fetches its AppImage tools (AppRun, linuxdeploy) from github.com into"
      echo "~/.cache/tauri on first use; without access to github.com, put them there by hand."
    fi
  fi
done
echo "Installers in $target/release/bundle:"
find "$target/release/bundle" -maxdepth 2 -type f \( -name '*.deb' -o -name '*.AppImage' \) -newer ui/dist/index.html -printf '  %p (%s bytes)\n'
if [ ${#failed[@]} -gt 0 ]; then
  echo "not built: ${failed[*]}"
  exit 1
fi
