# Shared settings for the Salesforce check scripts; sourced, not run.
# KEYROUTE_TOOLS_DIR: where the prepared checkers are installed (default ~/.cache/keyroute-tools).
# KEYROUTE_SHARED_TOOLS: the folder holding the prepared installers (default: shared/tools
# beside the repository, where CI puts its copy of shared/).

REPOSITORY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TOOLS_DIR=${KEYROUTE_TOOLS_DIR:-$HOME/.cache/keyroute-tools}
SHARED_TOOLS=${KEYROUTE_SHARED_TOOLS:-$(dirname "$REPOSITORY_ROOT")/shared/tools}
# The checkers need Node 22 or later; the project installs Node 24 in node_modules/.bin.
export PATH="$REPOSITORY_ROOT/node_modules/.bin:$PATH"

# Installs one prepared tool (apex-ls or code-analyzer) unless it is already there.
install_tool() {
  local name=$1
  local installer="$SHARED_TOOLS/$name/install.sh"
  if [ ! -f "$installer" ]; then
    echo "error: installer $installer not found; set KEYROUTE_SHARED_TOOLS to the folder that holds $name/install.sh" >&2
    exit 3
  fi
  bash "$installer" "$TOOLS_DIR/$name" >&2
}
