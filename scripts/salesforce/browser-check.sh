#!/usr/bin/env bash
# Browser click-throughs of the Salesforce package: the admin path (Integrations, then
# Admin Settings) and FlowBuilder (build, validate and activate a flow with an AI node).
# Each builds its pages with LWC OSS, serves them on 127.0.0.1 and drives Debian's Chromium.
# Usage: scripts/salesforce/browser-check.sh
# Needs: apt-get install -y chromium (or KEYROUTE_CHROMIUM=/path/to/chromium).
# Output: node's test runner report; screenshots in test-artifacts/admin-path/ and
# test-artifacts/flow-builder/.
# Took about 50 s on a two-core machine, most of it the two rollup builds.
set -euo pipefail
REPOSITORY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export PATH="$REPOSITORY_ROOT/node_modules/.bin:$PATH"
cd "$REPOSITORY_ROOT"
exec node --test test/salesforce-browser/admin-path.test.mjs test/salesforce-browser/flow-builder.test.mjs
