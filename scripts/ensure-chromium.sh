#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests (test/browser/), installing it
# from Debian's packages when it is missing. Idempotent, and silent when Chromium is already there.
# Runs as root (CI and the project's machines); elsewhere it uses sudo when it can.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0

SUDO=''
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO='sudo -n'; else
    echo "ensure-chromium: $CHROMIUM is missing and this is not root: install the 'chromium' package" >&2
    exit 1
  fi
fi

echo "ensure-chromium: installing Debian's chromium package (one-time setup)" >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "ensure-chromium: installing chromium failed" >&2
  exit 1
fi
if [ ! -x "$CHROMIUM" ]; then
  echo "ensure-chromium: the chromium package did not provide $CHROMIUM" >&2
  exit 1
fi
echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null || echo chromium) installed" >&2
