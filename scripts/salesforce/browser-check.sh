#!/usr/bin/env bash
# Browser click-through of the Salesforce admin path (Integrations, then Admin Settings):
# builds the pages with LWC OSS, serves them on 127.0.0.1 and drives Debian's Chromium.
# Usage: scripts/salesforce/browser-check.sh
# Needs: apt-get install -y chromium (or KEYROUTE_CHROMIUM=/path/to/chromium).
# Output: node's test runner report; screenshots in test-artifacts/admin-path/.
# Takes about 20 s, most of it the rollup build.
set -euo pipefail
REPOSITORY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export PATH="$REPOSITORY_ROOT/node_modules/.bin:$PATH"
cd "$REPOSITORY_ROOT"
exec node --test test/salesforce-browser/admin-path.test.mjs
