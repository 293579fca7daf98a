# Sourced by scripts/test.sh: a virtual display, a session bus with an unlocked Secret Service
# (keyring files in a throwaway folder), and a CUPS queue "PDF" that writes to $HOME/PDF/.
# Leaves DISPLAY and DBUS_SESSION_BUS_ADDRESS exported; cleans up on exit.
CI_TMP=$(mktemp -d)
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$CI_TMP/display" 2>"$CI_TMP/xvfb.log" &
CI_XVFB_PID=$!
for _ in $(seq 1 50); do [ -s "$CI_TMP/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$CI_TMP/display")"
{ read -r DBUS_SESSION_BUS_ADDRESS; read -r CI_DBUS_PID; } < <(dbus-daemon --session --fork --print-address=1 --print-pid=1 2>/dev/null)
export DBUS_SESSION_BUS_ADDRESS
mkdir -p "$CI_TMP/data"
echo -n ci-keyring-pw | XDG_DATA_HOME="$CI_TMP/data" gnome-keyring-daemon --unlock --components=secrets >/dev/null
pgrep -x cupsd >/dev/null || /usr/sbin/cupsd
for _ in $(seq 1 50); do lpstat -r 2>/dev/null | grep -q 'is running' && break; sleep 0.1; done
lpadmin -p PDF -E -v cups-pdf:/ -m lsb/usr/cups-pdf/CUPS-PDF_noopt.ppd 2>/dev/null || true
ci_env_cleanup() { kill "$CI_XVFB_PID" "$CI_DBUS_PID" 2>/dev/null || true; rm -rf "$CI_TMP"; }
trap ci_env_cleanup EXIT
xdotool getdisplaygeometry >/dev/null || { echo "ci-env: Xvfb did not start"; cat "$CI_TMP/xvfb.log"; exit 1; }
if ! { echo -n ok | secret-tool store --label=ci-check receptdisk ci-check && [ "$(secret-tool lookup receptdisk ci-check)" = ok ] && secret-tool clear receptdisk ci-check; }; then
  echo "ci-env: Secret Service not usable"; exit 1
fi
lpstat -p PDF >/dev/null || { echo "ci-env: CUPS queue PDF missing"; exit 1; }
echo "ci-env: DISPLAY=$DISPLAY, Secret Service unlocked, CUPS queue PDF ready"
