#!/usr/bin/env bash
# Runs the end-to-end suite against the built app: a private X display (Xvfb) and session bus, tauri-driver
# in front of WebKitWebDriver, and throwaway XDG directories so the app's data and logs stay out of $HOME.
# Everything it starts is stopped when the suite ends, however it ends.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
app="$(realpath -m "${WSDOCTOR_APP:-$here/../../target/debug/wsdoctor-app}")"
[ -x "$app" ] || { echo "e2e: no app at $app (build it first: make build)" >&2; exit 2; }

if [ -z "${WSDOCTOR_E2E_INNER:-}" ]; then
  export WSDOCTOR_E2E_INNER=1 NO_AT_BRIDGE=1
  # The session bus logs every service it activates (portals the app asks for); keep that out of the output.
  exec timeout --kill-after=10 600 dbus-run-session -- \
    xvfb-run -a -s '-screen 0 1280x800x24' "$0" "$@" 2> >(grep -v -e '^dbus-daemon\[' -e 'xdg-desktop-portal' -e 'Gtk-WARNING' -e 'pw.conf' -e 'max threads value' -e 'SpiRegistry' -e 'gnome-keyring-daemon' -e 'discover_other_daemon' -e '^$' >&2)
fi

scratch="$(mktemp -d)"
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache"
# A real, unlocked Secret Service for the profiles' secrets (gnome-keyring on this private session bus).
mkdir -p "$XDG_DATA_HOME"
eval "$(printf 'wsdoctor-e2e' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
export GNOME_KEYRING_CONTROL
# The app's documented dialog seam: "save" dialogs answer <this dir>/<suggested name> (src-tauri/src/dialogs.rs).
export WSDOCTOR_TEST_SAVE_DIR="$scratch/exports"
mkdir -p "$WSDOCTOR_TEST_SAVE_DIR"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
native_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
driver_bin="$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")"

"$driver_bin" --port "$port" --native-port "$native_port" --native-driver /usr/bin/WebKitWebDriver \
  >"$scratch/tauri-driver.log" 2>&1 &
driver_pid=$!
cleanup() {
  # SIGTERM lets tauri-driver stop WebKitWebDriver; SIGKILL would orphan it.
  kill -TERM "$driver_pid" 2>/dev/null || true
  wait "$driver_pid" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null; then break; fi
  sleep 0.1
done

cd "$here"
# E2E_SCRIPT names a script to run instead of the suite (scripts/measure-flood uses it for flood.mjs).
export WSDOCTOR_APP="$app" WEBDRIVER_URL="http://127.0.0.1:$port/"
if [ -n "${E2E_SCRIPT:-}" ]; then run=(node "$E2E_SCRIPT" "$@"); else run=(npm test --silent); fi
"${run[@]}" || {
  status=$?
  echo "--- tauri-driver log ---" >&2
  tail -n 40 "$scratch/tauri-driver.log" >&2
  exit "$status"
}
