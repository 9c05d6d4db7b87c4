#!/usr/bin/env bash
# Semantic check of the Apex in force-app with apex-ls: undefined classes, methods,
# variables and fields of the project's own objects. It does not check fields of standard
# objects or fields inside SOQL.
# Usage: scripts/salesforce/apex-semantic-check.sh
# Needs: Java 17 or later; installs apex-ls into $KEYROUTE_TOOLS_DIR on first use (npm registry).
# Exit: 0 when clean, 4 when apex-ls found issues, other values on failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

install_tool apex-ls
echo "apex-ls: checking the Apex of the project in $REPOSITORY_ROOT"
status=0
bash "$SHARED_TOOLS/apex-ls/run.sh" "$TOOLS_DIR/apex-ls" "$REPOSITORY_ROOT" || status=$?
if [ "$status" -eq 0 ]; then
  echo "apex-ls: no issues"
else
  echo "apex-ls: issues found (exit $status)" >&2
fi
exit "$status"
