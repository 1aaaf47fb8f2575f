#!/usr/bin/env bash
# Installs the headless browser the dashboard test (tests/Integration.Tests/Monitoring/DashboardTests.cs)
# opens the dashboard in. Idempotent: a Chromium or Chrome already on PATH is used as it is (the GitHub
# Actions Ubuntu runner ships Google Chrome); otherwise Debian's `chromium` package is installed, with one
# apt-get update first. On Ubuntu `chromium` is only a snap wrapper, so there install Google Chrome instead.
# The test looks for the same names in the same order (or the CHROMIUM variable: a browser's path).
set -euo pipefail

if [ -n "${CHROMIUM:-}" ]; then
  [ -x "$CHROMIUM" ] || { echo "CHROMIUM=$CHROMIUM is not an executable" >&2; exit 1; }
  echo "browser: $CHROMIUM (CHROMIUM)"
  exit 0
fi

# chromium-browser last: on Ubuntu it may be the wrapper that asks to install the snap.
for browser in chromium google-chrome google-chrome-stable chromium-browser; do
  if command -v "$browser" >/dev/null 2>&1; then
    echo "browser: $(command -v "$browser") ($("$browser" --version 2>/dev/null || echo 'version unknown'))"
    exit 0
  fi
done

if ! grep -qi '^ID=debian' /etc/os-release 2>/dev/null; then
  echo "No Chromium or Chrome on PATH and this is not Debian: install Google Chrome or Chromium, or set CHROMIUM to a browser's path." >&2
  exit 1
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "installing chromium from Debian"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
command -v chromium >/dev/null 2>&1 || { echo "chromium is still missing after installing it" >&2; exit 1; }
echo "browser: $(command -v chromium) ($(chromium --version 2>/dev/null))"
