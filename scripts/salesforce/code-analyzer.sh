#!/usr/bin/env bash
# Salesforce Code Analyzer v5 on force-app with the Recommended, AppExchange and Security
# rule selectors. It fails when a violation reaches severity 2 (High) or 1 (Critical).
# Rule settings and ignored files are in code-analyzer.yml at the repository root.
# Usage: scripts/salesforce/code-analyzer.sh
# Needs: Java 11 or later, Python 3.10 or later; installs Code Analyzer into
# $KEYROUTE_TOOLS_DIR on first use (about 30 s and 350 MB from the npm registry).
# Output: test-artifacts/code-analyzer/results.json and results.html.
# Exit: 0 when nothing reaches High, 2 when something does, 10 on an internal error.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

install_tool code-analyzer
output_dir="$REPOSITORY_ROOT/test-artifacts/code-analyzer"
mkdir -p "$output_dir/logs"
cd "$REPOSITORY_ROOT"

status=0
node "$TOOLS_DIR/code-analyzer/plugin/run.mjs" code-analyzer run \
  --config-file code-analyzer.yml \
  --rule-selector Recommended --rule-selector AppExchange --rule-selector Security \
  --workspace force-app \
  --output-file "$output_dir/results.json" --output-file "$output_dir/results.html" \
  --severity-threshold 2 --view table || status=$?

if [ "$status" -eq 0 ]; then
  echo "code-analyzer: no violation at severity High or Critical; all findings are in $output_dir/results.html"
else
  echo "code-analyzer: failed (exit $status); see $output_dir/results.html" >&2
fi
exit "$status"
