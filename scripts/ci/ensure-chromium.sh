#!/usr/bin/env bash
# Installs Debian's Chromium for the browser checks unless a Chromium is already there.
set -euo pipefail

if [ -n "${KEYROUTE_CHROMIUM:-}" ] && [ -x "$KEYROUTE_CHROMIUM" ]; then
  echo "Using Chromium at $KEYROUTE_CHROMIUM"
  exit 0
fi
if command -v chromium >/dev/null 2>&1; then
  echo "Using $(chromium --version 2>/dev/null || echo chromium) at $(command -v chromium)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing. Install it with: sudo apt-get install -y chromium (or set KEYROUTE_CHROMIUM)." >&2
  exit 1
fi
echo "Installing Debian's chromium package"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
chromium --version
