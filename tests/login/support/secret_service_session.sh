#!/bin/sh
# Runs inside `dbus-run-session`: starts gnome-keyring's Secret Service, unlocked with
# the throw-away password in $KEYRING_PASSWORD (fed on stdin, as a login would), prints
# "READY <bus address>" once org.freedesktop.secrets is on the bus, then waits for its
# own stdin to close and stops the daemon. dbus-run-session then stops the bus.
set -u
: "${KEYRING_PASSWORD:?}"
printf '%s' "$KEYRING_PASSWORD" | gnome-keyring-daemon --foreground --unlock --components=secrets \
  >"$HOME/gnome-keyring.log" 2>&1 &
daemon=$!
tries=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; do
  tries=$((tries + 1))
  if [ "$tries" -gt 200 ] || ! kill -0 "$daemon" 2>/dev/null; then
    echo "FAILED gnome-keyring-daemon did not appear on the bus" >&2
    cat "$HOME/gnome-keyring.log" >&2
    kill "$daemon" 2>/dev/null
    exit 1
  fi
  sleep 0.05
done
echo "READY $DBUS_SESSION_BUS_ADDRESS"
cat >/dev/null
kill "$daemon" 2>/dev/null
wait "$daemon" 2>/dev/null
exit 0
