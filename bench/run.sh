#!/usr/bin/env bash
# Throughput, latency and memory of billjob against reference peers, on this machine, in one run.
#
#   bash bench/run.sh
#
# REST: wrk against (a) a fixed-JSON nginx upstream directly, (b) nginx as a keep-alive reverse
# proxy in front of it, (c) billjob in front of it, (d) a hand-written Rust reference on billjob's
# own stack (bench/rust-peer). MCP: wrk POSTing tools/call of retrieve-billjob to billjob
# --stateless, to the Rust reference, and to the official Python SDK (mcp 2.3.0,
# bench/mcp_peer.py), all calling the same upstream, under two protocol revisions. Writes
# bench/RESULTS.md; raw wrk outputs and server logs go to bench/out/. See bench/README.md for what
# is measured and how to read it.
#
# Environment (all optional):
#   BENCH_DURATION=10s  BENCH_WARMUP=3s  BENCH_CONNECTIONS=32  BENCH_THREADS=2   wrk settings
#   BENCH_ROUNDS=3      every case is measured once per round, cases interleaved; the report gives
#                       each case's median round (by throughput) and the spread over rounds
#   BENCH_PIN=1         pin the server under test to BENCH_SERVER_CPU (0) and wrk + the upstream to
#                       BENCH_CLIENT_CPU (1); BENCH_PIN=0 lets the scheduler place everything
#   BENCH_SKIP_BUILD=1  use the billjob binary as it is (BILLJOB_BIN, default target/release/billjob)
#   BENCH_REBUILD=1     also time the incremental `cargo build -p billjob` (dev profile) after touching the spec
#   BENCH_SKIP_INSTALL=1  do not install anything (wrk, nginx, the Python venv must be there)
#   BENCH_MCP_PROTOCOLS="2025-11-25 2026-07-28"  protocol revisions the MCP comparison runs under
#   BENCH_PROFILE=1     after the rounds, profile billjob's REST case with perf (if installed) and
#                       put its top frames in the report
#   BENCH_CALLGRIND=1   also count billjob's and the hyper floor's instructions per REST request
#                       with bench/callgrind.sh (if valgrind is installed) and report them
#   BENCH_QUIET_WAIT=300  seconds to wait, before each measured run, for other work on the machine
#                       (a build) to stop; the run goes ahead after that, and reports the load
#   NAFTIKO_CI_CACHE    where the Python venv lives (see tests/interop/install.sh)

set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
OUT="$HERE/out"
RESULTS="$HERE/RESULTS.md"

DURATION="${BENCH_DURATION:-10s}"
WARMUP="${BENCH_WARMUP:-3s}"
# wrk counts an answer slower than this as a socket error (a failed run); its default, 2 s, is
# shorter than what the Python peers take for some answers under 32 connections on 2 cores.
TIMEOUT="${BENCH_TIMEOUT:-30s}"
ROUNDS="${BENCH_ROUNDS:-3}"
CONNS="${BENCH_CONNECTIONS:-32}"
THREADS="${BENCH_THREADS:-2}"
PIN="${BENCH_PIN:-1}"
SERVER_CPU="${BENCH_SERVER_CPU:-0}"
CLIENT_CPU="${BENCH_CLIENT_CPU:-1}"
MCP_PROTOCOLS="${BENCH_MCP_PROTOCOLS:-2025-11-25 2026-07-28}"
BIN="${BILLJOB_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/billjob}"
PEER_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/bench-rust-peer"
FASTMCP_VERSION=4.1.6
# m3ter's OpenAPI document, for the FastMCP peer (FastMCP rows are skipped without it).
M3TER_OPENAPI="${M3TER_OPENAPI:-$ROOT/../shared/upstream/m3ter-openapi.json}"
HYPER_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/bench-hyper-peer"
TOKEN="bench-token"
ORG="org-bench"
JOB="bj-0001"

# The fixed BillJob every upstream request gets: m3ter's documented shape (shared notes), COMPLETE.
BILLJOB_JSON='{"id":"bj-0001","version":3,"lastDateInBillingPeriod":"2026-10-31","billingFrequency":"MONTHLY","billFrequencyInterval":1,"billDate":"2026-11-01","externalInvoiceDate":"2026-11-01","dueDate":"2026-12-01","accountIds":["acc-0001","acc-0002"],"billIds":["bill-0001","bill-0002"],"targetCurrency":"USD","currencyConversions":[{"from":"EUR","to":"USD","multiplier":1.12}],"timezone":"UTC","yearEpoch":"2026-01-01","monthEpoch":"2026-01-01","weekEpoch":"2026-01-05","dayEpoch":"2026-01-01","status":"COMPLETE","total":2,"pending":0,"type":"CREATE","dtCreated":"2026-11-01T00:00:05Z","dtLastModified":"2026-11-01T00:02:41Z","createdBy":"svc-bench","lastModifiedBy":"svc-bench"}'
# What a correct response must contain (REST body, MCP structuredContent).
EXPECT='"status":"COMPLETE"'

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Processes: every one started here is recorded and stopped on exit, however the script ends.
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Command prefixes that pin to a CPU (set in main; empty when pinning is off). Prefixes, not a
# function, so that `$!` of a backgrounded server is the server itself.
SERVER_PIN=()
CLIENT_PIN=()

# own_pid PID COMM: PID if that process is COMM, else its child that is (a wrapper forked it).
own_pid() {
    local pid="$1" comm="$2" c
    for _ in $(seq 1 50); do
        if [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$comm"* ]]; then echo "$pid"; return 0; fi
        for c in $(pgrep -P "$pid" || true); do
            if [[ "$(cat "/proc/$c/comm" 2>/dev/null)" == "$comm"* ]]; then echo "$c"; return 0; fi
        done
        sleep 0.1
    done
    die "process $pid is not $comm"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL PID: until URL answers at all (any status), or PID dies, or 30 s pass. URL must be
# one that answers at once (not an MCP GET, which may open an event stream).
wait_http() {
    local url="$1" pid="$2" end=$((SECONDS + 30))
    while ((SECONDS < end)); do
        kill -0 "$pid" 2>/dev/null || die "process $pid exited before $url answered"
        if curl -s -o /dev/null -m 1 "$url"; then return 0; fi
        sleep 0.1
    done
    die "$url did not answer within 30 s"
}

# ---------------------------------------------------------------------------------------------
# 1. What the benchmark needs.
install() {
    command -v python3 >/dev/null || die "python3 is needed (the venv of tests/interop/install.sh is made with it)"
    local missing=()
    command -v wrk >/dev/null || missing+=(wrk)
    command -v nginx >/dev/null || missing+=(nginx-light)
    command -v curl >/dev/null || missing+=(curl)
    command -v taskset >/dev/null || missing+=(util-linux)
    if ((${#missing[@]})); then
        [[ "${BENCH_SKIP_INSTALL:-0}" == 1 ]] && die "missing: ${missing[*]}"
        log "installing ${missing[*]} (apt-get)"
        local sudo=()
        [[ $(id -u) -eq 0 ]] || sudo=(sudo)
        "${sudo[@]}" apt-get update -qq
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    # The Python MCP peer: the interop checks' pinned venv (mcp==2.3.0).
    # shellcheck source=../tests/interop/install.sh
    source "$ROOT/tests/interop/install.sh"
    if [[ "${BENCH_SKIP_INSTALL:-0}" != 1 ]]; then
        mkdir -p "$INTEROP_CACHE"
        interop_install_python
    fi
    [[ -x "$INTEROP_PY" ]] || die "no Python venv at $INTEROP_VENV"
    PY="$INTEROP_PY"
    # The FastMCP peer: a venv of its own (fastmcp pins its own mcp), beside the interop one.
    FASTMCP_VENV="$INTEROP_CACHE/bench-fastmcp-venv"
    FASTMCP_PY="$FASTMCP_VENV/bin/python"
    if [[ "${BENCH_SKIP_INSTALL:-0}" != 1 ]] && ! "$FASTMCP_PY" -c "import fastmcp, httpx" 2>/dev/null; then
        log "installing fastmcp==$FASTMCP_VERSION (venv $FASTMCP_VENV)"
        python3 -m venv "$FASTMCP_VENV"
        "$FASTMCP_PY" -m pip install -q "fastmcp==$FASTMCP_VERSION" httpx
    fi
    # The upstream and the reference proxy run as this user, from their own prefix.
    NGINX="$(command -v nginx)"
}

build() {
    if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
        log "cargo build --release -p billjob"
        (cd "$ROOT" && cargo build --release -p billjob --quiet)
        # The Rust reference peer is not a workspace member; it shares the workspace's target dir.
        log "cargo build --release --manifest-path bench/rust-peer/Cargo.toml"
        (cd "$ROOT" && CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}" \
            cargo build --release --quiet --manifest-path "$HERE/rust-peer/Cargo.toml")
    fi
    [[ -x "$BIN" ]] || die "no billjob binary at $BIN"
    [[ -x "$PEER_BIN" ]] || die "no Rust reference peer at $PEER_BIN"
    [[ -x "$HYPER_BIN" ]] || die "no hyper reference peer at $HYPER_BIN"
}

# ---------------------------------------------------------------------------------------------
# 2. nginx instances (upstream and reference proxy), each in the foreground from its own prefix.
NGINX_COMMON='daemon off;
master_process on;
worker_processes 1;
error_log stderr warn;
pid nginx.pid;
events { worker_connections 4096; }'

# start_nginx NAME server|client HTTP-BLOCK: writes $OUT/NAME/nginx.conf, starts it, sets NGINX_PID.
start_nginx() {
    local name="$1" cpu="$2" http="$3" dir="$OUT/$1"
    rm -rf "$dir"
    mkdir -p "$dir/logs"
    printf '%s\nhttp {\n%s\n}\n' "$NGINX_COMMON" "$http" >"$dir/nginx.conf"
    "$NGINX" -t -q -p "$dir" -c "$dir/nginx.conf" -e stderr || die "bad nginx config $dir/nginx.conf"
    local pin=("${SERVER_PIN[@]}")
    [[ "$cpu" == client ]] && pin=("${CLIENT_PIN[@]}")
    "${pin[@]}" "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e stderr >"$dir/stderr.log" 2>&1 &
    PIDS+=("$!")
    NGINX_PID="$(own_pid "$!" nginx)"
    [[ "$NGINX_PID" == "${PIDS[-1]}" ]] || PIDS+=("$NGINX_PID")
}

# nginx_worker MASTER: the worker process's pid (one worker).
nginx_worker() {
    local w
    for _ in $(seq 1 50); do
        w="$(pgrep -P "$1" | head -n1 || true)"
        [[ -n "$w" ]] && { echo "$w"; return 0; }
        sleep 0.1
    done
    die "nginx $1 has no worker"
}

start_upstream() {
    UP_PORT="$(free_port)"
    start_nginx upstream client "
    access_log off;
    keepalive_requests 100000000;
    server {
        listen 127.0.0.1:$UP_PORT backlog=4096;
        # The token the proxies must add: a request without it is refused, and so fails the run.
        location /organizations/ {
            if (\$http_authorization != \"Bearer $TOKEN\") { return 401; }
            default_type application/json;
            return 200 '$BILLJOB_JSON';
        }
        location / { return 404; }
    }"
    wait_http "http://127.0.0.1:$UP_PORT/" "$NGINX_PID"
    # The worker does the work: its CPU time and memory are the upstream's.
    UP_PID="$(nginx_worker "$NGINX_PID")"
    local body
    body="$(curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$UP_PORT/organizations/$ORG/billjobs/$JOB")" \
        || die "upstream does not answer"
    [[ "$body" == "$BILLJOB_JSON" ]] || die "upstream answers something else: $body"
    log "upstream: nginx on 127.0.0.1:$UP_PORT (worker pid $UP_PID)"
}

# ---------------------------------------------------------------------------------------------
# 3. Measuring one server.

# cpu_ticks PID: user + system clock ticks the process (all its threads) has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# busy_ticks: clock ticks all CPUs have spent busy (user, nice, system, irq, softirq) so far;
# steal_ticks: ticks the hypervisor gave to someone else.
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }
steal_ticks() { awk '/^cpu / { print $9; exit }' /proc/stat; }

# vmhwm_kib PID: peak resident set size.
vmhwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

# wait_quiet: other work on the machine (a build, say) skews every figure. Waits up to
# BENCH_QUIET_WAIT seconds (default 300) for a second in which the CPUs are less than 10% busy.
wait_quiet() {
    local limit="${BENCH_QUIET_WAIT:-300}" start=$SECONDS b0 b1 pct hz
    hz="$(getconf CLK_TCK)"
    while :; do
        b0="$(busy_ticks)"
        sleep 1
        b1="$(busy_ticks)"
        pct=$(((b1 - b0) * 100 / hz))
        ((pct < 10)) && return 0
        if ((SECONDS - start >= limit)); then
            log "machine still busy (${pct}% of a core used by others): measuring anyway; see 'background CPU'"
            return 0
        fi
        ((SECONDS - start < 2)) && log "machine busy (${pct}% of a core): waiting up to ${limit} s for it to calm down"
    done
}

# measure NAME ROUND SERVER_PID URL [wrk options...]: a warm-up, then the measured run, into
# $OUT/NAME.rROUND.txt. Besides wrk's figures it records the server's and the upstream's CPU time,
# the server's peak RSS so far, and how much CPU anything else on the machine used meanwhile.
measure() {
    local name="$1" round="$2" pid="$3" url="$4"
    shift 4
    local hz t0 t1 up0 up1 b0 b1 st0 st1 wrk_cpu hwm file="$OUT/$name.r$round.txt" TIMEFORMAT='%U %S'
    hz="$(getconf CLK_TCK)"
    "${CLIENT_PIN[@]}" wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" --timeout "$TIMEOUT" --latency "$@" "$url" >"$OUT/$name.r$round.warmup.txt" 2>&1
    wait_quiet
    t0="$(cpu_ticks "$pid")"
    up0="$(cpu_ticks "$UP_PID")"
    b0="$(busy_ticks)"
    st0="$(steal_ticks)"
    { time "${CLIENT_PIN[@]}" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout "$TIMEOUT" --latency "$@" "$url" >"$file" 2>&1; } 2>"$file.cpu"
    b1="$(busy_ticks)"
    st1="$(steal_ticks)"
    t1="$(cpu_ticks "$pid")"
    up1="$(cpu_ticks "$UP_PID")"
    wrk_cpu="$(awk '{ print $1 + $2 }' "$file.cpu")"
    rm -f "$file.cpu"
    hwm="$(vmhwm_kib "$pid")"
    [[ "$pid" == "$UP_PID" ]] && up1="$up0" # the direct baseline: the server is the upstream
    {
        echo "--- measured by run.sh: wrk -t$THREADS -c$CONNS -d$DURATION --timeout $TIMEOUT --latency $* $url (round $round)"
        echo "server_pid $pid"
        echo "server_vmhwm_kib $hwm"
        awk -v a="$t0" -v b="$t1" -v ua="$up0" -v ub="$up1" -v ba="$b0" -v bb="$b1" -v sa="$st0" -v sb="$st1" \
            -v w="$wrk_cpu" -v hz="$hz" 'BEGIN {
            s = (b - a) / hz; u = (ub - ua) / hz; all = (bb - ba) / hz; bg = all - s - u - w
            if (bg < 0) bg = 0
            printf "server_cpu_seconds %.2f\nupstream_cpu_seconds %.2f\nwrk_cpu_seconds %.2f\n", s, u, w
            printf "all_cpu_seconds %.2f\nbackground_cpu_seconds %.2f\nsteal_seconds %.2f\n", all, bg, (sb - sa) / hz
        }'
    } >>"$file"
    # Any failed request fails the whole run at once.
    python3 "$HERE/wrk_metrics.py" "$name" "$file" >/dev/null || die "$name round $round (above)"
    log "$name round $round: $(awk '/^Requests\/sec/ { r = $2 } /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
        /^steal_seconds/ { st = $2 } END { printf "%s requests/s, p50 %s, p99 %s, steal %s s", r, p50, p99, st }' "$file")"
}

# ---------------------------------------------------------------------------------------------
# 4. The peers. Each setup_* function starts servers and registers cases; every case is then
# measured once per round, all cases in turn, so that slow drifts of the machine (other virtual
# machines taking CPU: "steal") spread over all peers instead of hitting one.

CASE_NAMES=()
CASE_PIDS=()
CASE_URLS=()
CASE_KINDS=()
CASE_PROTOS=()
PROXY_MASTER=""

# add_case NAME SERVER_PID URL KIND [PROTOCOL]: KIND is direct, rest or mcp.
add_case() {
    CASE_NAMES+=("$1")
    CASE_PIDS+=("$2")
    CASE_URLS+=("$3")
    CASE_KINDS+=("$4")
    CASE_PROTOS+=("${5:-}")
}

# run_case INDEX ROUND
run_case() {
    local i="$1" round="$2"
    local name="${CASE_NAMES[$i]}" pid="${CASE_PIDS[$i]}" url="${CASE_URLS[$i]}"
    kill -0 "$pid" 2>/dev/null || die "$name: server $pid is gone"
    case "${CASE_KINDS[$i]}" in
        direct) measure "$name" "$round" "$pid" "$url" -H "Authorization: Bearer $TOKEN" ;;
        rest) measure "$name" "$round" "$pid" "$url" ;;
        mcp) BENCH_MCP_PROTOCOL="${CASE_PROTOS[$i]}" BENCH_MCP_EXPECT="$EXPECT" \
            BENCH_MCP_TOOL="$([[ "$name" == mcp-fastmcp-* ]] && echo GetBillJob || echo retrieve-billjob)" \
            measure "$name" "$round" "$pid" "$url" -s "$HERE/mcp_call.lua" ;;
    esac
}

setup_direct() {
    add_case rest-direct "$UP_PID" "http://127.0.0.1:$UP_PORT/organizations/$ORG/billjobs/$JOB" direct
}

setup_nginx() {
    local port
    port="$(free_port)"
    start_nginx proxy server "
    access_log off;
    keepalive_requests 100000000;
    upstream m3ter {
        server 127.0.0.1:$UP_PORT;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$port backlog=4096;
        location /v1/ {
            proxy_pass http://m3ter/;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_set_header Host \$http_host;
            proxy_set_header Authorization \"Bearer $TOKEN\";
        }
    }"
    PROXY_MASTER=$NGINX_PID
    local url="http://127.0.0.1:$port/v1/organizations/$ORG/billjobs/$JOB"
    wait_http "http://127.0.0.1:$port/" "$PROXY_MASTER"
    curl -sf "$url" | grep -qF "$EXPECT" || die "nginx proxy does not return the BillJob"
    add_case rest-nginx "$(nginx_worker "$PROXY_MASTER")" "$url" rest
}

# start_rust WHO LOG: billjob --stateless (WHO=billjob) or the Rust reference peer (WHO=rustref)
# on free ports in front of the upstream; sets RS_PID, RS_REST, RS_MCP.
start_rust() {
    local who="$1" rest mcp cmd
    rest="$(free_port)"
    mcp="$(free_port)"
    case "$who" in
        billjob) cmd=("$BIN" --stateless) ;;
        rustref) cmd=("$PEER_BIN") ;;
    esac
    M3TER_API_KEY="$TOKEN" RUST_LOG=warn "${SERVER_PIN[@]}" "${cmd[@]}" --rest-addr "127.0.0.1:$rest" \
        --mcp-addr "127.0.0.1:$mcp" --upstream "http://127.0.0.1:$UP_PORT" >"$OUT/$2" 2>&1 &
    PIDS+=("$!")
    RS_PID="$(own_pid "$!" "$(basename "${cmd[0]}" | cut -c1-15)")"
    [[ "$RS_PID" == "${PIDS[-1]}" ]] || PIDS+=("$RS_PID")
    RS_REST="http://127.0.0.1:$rest"
    RS_MCP="http://127.0.0.1:$mcp/mcp"
    wait_http "$RS_REST/" "$RS_PID"
    wait_http "http://127.0.0.1:$mcp/" "$RS_PID"
}

# setup_rust_rest WHO: a process of its own for the REST case, so that its memory is REST's alone.
setup_rust_rest() {
    local who="$1"
    start_rust "$who" "rest-$who.server.log"
    local url="$RS_REST/v1/organizations/$ORG/billjobs/$JOB"
    curl -sf "$url" | grep -qF "$EXPECT" || die "$who REST does not return the BillJob"
    add_case "rest-$who" "$RS_PID" "$url" rest
}

# setup_hyper_rest: the hyper-only proxy (the floor of the stack), REST only.
setup_hyper_rest() {
    local port pid
    port="$(free_port)"
    M3TER_API_KEY="$TOKEN" "${SERVER_PIN[@]}" "$HYPER_BIN" --rest-addr "127.0.0.1:$port" \
        --upstream "http://127.0.0.1:$UP_PORT" >"$OUT/rest-hyperref.server.log" 2>&1 &
    PIDS+=("$!")
    pid="$(own_pid "$!" "bench-hyper-pee")"
    [[ "$pid" == "${PIDS[-1]}" ]] || PIDS+=("$pid")
    local url="http://127.0.0.1:$port/v1/organizations/$ORG/billjobs/$JOB"
    wait_http "http://127.0.0.1:$port/" "$pid"
    curl -sf "$url" | grep -qF "$EXPECT" || die "hyper peer REST does not return the BillJob"
    add_case rest-hyperref "$pid" "$url" rest
}

# check_mcp URL PROTOCOL: one tools/call with curl must be a successful result carrying the BillJob.
check_mcp() {
    local url="$1" proto="$2" tool="${3:-retrieve-billjob}" body headers=() meta=""
    headers=(-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream'
        -H "MCP-Protocol-Version: $proto")
    if ((${proto%%-*} >= 2026)); then
        headers+=(-H 'Mcp-Method: tools/call' -H "Mcp-Name: $tool")
        meta=",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"$proto\",\"io.modelcontextprotocol/clientCapabilities\":{}}"
    fi
    body="$(curl -s "${headers[@]}" "$url" -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"$tool\",\"arguments\":{\"orgId\":\"$ORG\",\"id\":\"$JOB\"}$meta}}")"
    python3 - "$body" "$EXPECT" <<'EOF' || die "tools/call on $url ($proto) is not a successful result: $body"
import json, sys
body, expect = sys.argv[1], sys.argv[2]
r = json.loads(body)
assert r.get("id") == 1 and "error" not in r, r
res = r["result"]
assert res.get("isError") is False, res
assert json.loads("{" + expect + "}").items() <= res["structuredContent"].items(), res
EOF
}

# setup_rust_mcp WHO: one process for the MCP cases (all protocol revisions).
setup_rust_mcp() {
    local who="$1" proto
    start_rust "$who" "mcp-$who.server.log"
    for proto in $MCP_PROTOCOLS; do
        check_mcp "$RS_MCP" "$proto"
        add_case "mcp-$who-$proto" "$RS_PID" "$RS_MCP" mcp "$proto"
    done
}

# setup_fastmcp: FastMCP.from_openapi on the BillJob operations (tool GetBillJob).
setup_fastmcp() {
    local port pid proto
    if [[ ! -f "$M3TER_OPENAPI" ]]; then
        log "no m3ter OpenAPI document at $M3TER_OPENAPI (M3TER_OPENAPI): no FastMCP rows"
        return 0
    fi
    [[ -x "$FASTMCP_PY" ]] || die "no FastMCP venv at $FASTMCP_VENV"
    port="$(free_port)"
    M3TER_API_KEY="$TOKEN" "${SERVER_PIN[@]}" "$FASTMCP_PY" "$HERE/fastmcp_peer.py" --port "$port" \
        --upstream "http://127.0.0.1:$UP_PORT" --openapi "$M3TER_OPENAPI" \
        >"$OUT/mcp-fastmcp.server.log" 2>&1 &
    PIDS+=("$!")
    pid="$(own_pid "$!" python)"
    [[ "$pid" == "${PIDS[-1]}" ]] || PIDS+=("$pid")
    wait_http "http://127.0.0.1:$port/" "$pid"
    for proto in $MCP_PROTOCOLS; do
        check_mcp "http://127.0.0.1:$port/mcp" "$proto" GetBillJob
        add_case "mcp-fastmcp-$proto" "$pid" "http://127.0.0.1:$port/mcp" mcp "$proto"
    done
}

setup_python() {
    local port pid proto
    port="$(free_port)"
    M3TER_API_KEY="$TOKEN" "${SERVER_PIN[@]}" "$PY" "$HERE/mcp_peer.py" --port "$port" \
        --upstream "http://127.0.0.1:$UP_PORT" >"$OUT/mcp-python.server.log" 2>&1 &
    PIDS+=("$!")
    pid="$(own_pid "$!" python)"
    [[ "$pid" == "${PIDS[-1]}" ]] || PIDS+=("$pid")
    wait_http "http://127.0.0.1:$port/" "$pid"
    for proto in $MCP_PROTOCOLS; do
        check_mcp "http://127.0.0.1:$port/mcp" "$proto"
        add_case "mcp-python-$proto" "$pid" "http://127.0.0.1:$port/mcp" mcp "$proto"
    done
}

# profile_billjob: where billjob's REST time goes. One more run of the REST case under perf (CPU
# clock sampling, self time), after the measured rounds so that it disturbs none of them; the top
# shared objects and symbols go to $OUT/profile.txt and into the report. BENCH_PROFILE=0 skips it.
profile_billjob() {
    [[ "${BENCH_PROFILE:-1}" == 1 ]] || return 0
    command -v perf >/dev/null || { log "no perf: no profile in the report"; return 0; }
    local i pid="" url="" wrk_pid
    for i in "${!CASE_NAMES[@]}"; do
        if [[ "${CASE_NAMES[$i]}" == rest-billjob ]]; then
            pid="${CASE_PIDS[$i]}"
            url="${CASE_URLS[$i]}"
        fi
    done
    [[ -n "$pid" ]] || return 0
    wait_quiet
    "${CLIENT_PIN[@]}" wrk -t"$THREADS" -c"$CONNS" -d7s "$url" >"$OUT/profile.wrk.txt" 2>&1 &
    wrk_pid=$!
    sleep 1
    if ! perf record -q -e cpu-clock -F 999 -p "$pid" -o "$OUT/perf.data" -- sleep 5 >"$OUT/perf.log" 2>&1; then
        log "perf record failed (see $OUT/perf.log): no profile in the report"
        wait "$wrk_pid" || true
        return 0
    fi
    wait "$wrk_pid" || true
    # awk reads to the end (no SIGPIPE under pipefail, as with head).
    {
        echo "by shared object:"
        perf report -i "$OUT/perf.data" --no-children --sort dso --stdio 2>/dev/null \
            | awk '!/^#/ && NF && n++ < 6'
        echo
        echo "by symbol (top 25):"
        perf report -i "$OUT/perf.data" --no-children --sort symbol --stdio 2>/dev/null \
            | awk '!/^#/ && NF && n++ < 25' | cut -c1-150
    } >"$OUT/profile.txt" || log "perf report failed: the profile may be incomplete"
    log "profile of billjob (REST): $OUT/profile.txt"
}

# profile_callgrind: instructions per REST request of billjob and the hyper floor, counted by
# bench/callgrind.sh (valgrind; a figure other load on the machine does not move), into
# $OUT/callgrind.md and the report. BENCH_CALLGRIND=0 skips it.
profile_callgrind() {
    [[ "${BENCH_CALLGRIND:-1}" == 1 ]] || return 0
    command -v valgrind >/dev/null || { log "no valgrind: no instruction counts in the report"; return 0; }
    BILLJOB_BIN="$BIN" HYPER_BIN="$HYPER_BIN" CG_OUT="$OUT/callgrind" bash "$HERE/callgrind.sh" \
        >"$OUT/callgrind.md" 2>"$OUT/callgrind.log" \
        || { log "callgrind.sh failed (see $OUT/callgrind.log)"; rm -f "$OUT/callgrind.md"; }
}

# ---------------------------------------------------------------------------------------------
# 5. The report.
# Start-up to the first answer, idle RSS and the regeneration loop (bench/startup.py), with the
# release naftiko-codegen; BENCH_REBUILD=1 also times the incremental dev build after a spec edit.
startup_and_codegen() {
    local codegen="${CARGO_TARGET_DIR:-$ROOT/target}/release/naftiko-codegen" largest
    if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
        log "cargo build --release -p naftiko-codegen"
        (cd "$ROOT" && cargo build --release -p naftiko-codegen --quiet)
    fi
    largest="$(ls -S "$ROOT"/tests/corpus/*.yaml | head -n1)"
    log "start-up, idle RSS, codegen (largest corpus spec: $(basename "$largest"))"
    "${SERVER_PIN[@]}" python3 "$HERE/startup.py" "$BIN" "$codegen" "http://127.0.0.1:$UP_PORT" \
        "$ROOT/specs/billjob.yaml" "$largest" >"$OUT/startup.tsv" || die "startup.py (above)"
    echo "largest_spec $(basename "$largest")" >>"$OUT/startup.tsv"
    if [[ "${BENCH_REBUILD:-0}" == 1 ]]; then
        log "incremental cargo build -p billjob after touching specs/billjob.yaml"
        (cd "$ROOT" && cargo build -p billjob --quiet)
        touch "$ROOT/specs/billjob.yaml"
        local t0ns timings="$OUT/macro-timings.tsv" macro_us
        rm -f "$timings"
        t0ns="$(date +%s%N)"
        # The macro appends its own expansion time to $timings (naftiko-macros, record_timing).
        (cd "$ROOT" && NAFTIKO_MACRO_TIMINGS="$timings" cargo build -p billjob --quiet)
        echo -e "rebuild_ms\t$(( ($(date +%s%N) - t0ns) / 1000000 ))\t-\t-\tms" >>"$OUT/startup.tsv"
        macro_us="$(awk -F'\t' '{ s += $2 } END { print s + 0 }' "$timings" 2>/dev/null || echo 0)"
        if ((macro_us > 0)); then
            echo -e "macro_ms\t$((macro_us / 1000)).$(((macro_us % 1000) / 100))\t-\t-\tms" >>"$OUT/startup.tsv"
        fi
    fi
}

write_results() {
    local commit dirty=""
    commit="$(git -C "$ROOT" rev-parse --short HEAD)"
    [[ -z "$(git -C "$ROOT" status --porcelain --untracked-files=no -- . ':!bench' 2>/dev/null)" ]] \
        || dirty=" (work tree has uncommitted changes outside bench/)"
    {
        echo "date $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo "nproc $(nproc)"
        echo "cpu $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
        echo "mem $(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
        echo "kernel $(uname -r)"
        echo "nginx $("$NGINX" -v 2>&1 | sed 's/^nginx version: //')"
        echo "wrk $(wrk -v 2>&1 | head -n1 | awk '{ print $2 }')"
        echo "billjob $commit$dirty"
        echo "python $("$PY" --version 2>&1 | awk '{ print $2 }')"
        echo "mcp $("$PY" -c 'from importlib.metadata import version as v; print(v("mcp"), "(uvicorn", v("uvicorn") + ", httpx", v("httpx") + ")")')"
        echo "pin $PIN $SERVER_CPU $CLIENT_CPU"
        echo "wrk_settings -t$THREADS -c$CONNS -d$DURATION --timeout $TIMEOUT --latency (after a $WARMUP warm-up with the same settings)"
        echo "rounds $ROUNDS"
    } >"$OUT/machine.txt"
    python3 "$HERE/report.py" "$OUT/machine.txt" "$OUT/metrics.tsv" "$OUT/profile.txt" "$OUT/startup.tsv" \
        "$OUT/callgrind.md" >"$RESULTS"
    log "wrote $RESULTS"
}

main() {
    install
    build
    mkdir -p "$OUT"
    rm -f "$OUT"/*.txt "$OUT"/*.log "$OUT/metrics.tsv" "$OUT/perf.data"
    ((ROUNDS >= 1)) || die "BENCH_ROUNDS must be at least 1"
    if [[ "$PIN" == 1 ]] && (($(nproc) < 2)); then
        log "one CPU only: not pinning"
        PIN=0
    fi
    if [[ "$PIN" == 1 ]]; then
        SERVER_PIN=(taskset -c "$SERVER_CPU")
        CLIENT_PIN=(taskset -c "$CLIENT_CPU")
    fi
    start_upstream
    setup_direct
    setup_nginx
    setup_rust_rest billjob
    setup_rust_rest rustref
    setup_hyper_rest
    setup_rust_mcp billjob
    setup_rust_mcp rustref
    setup_python
    setup_fastmcp
    local round i files
    log "${#CASE_NAMES[@]} cases, $ROUNDS rounds of wrk -t$THREADS -c$CONNS -d$DURATION (after $WARMUP warm-ups)"
    for ((round = 1; round <= ROUNDS; round++)); do
        for i in "${!CASE_NAMES[@]}"; do
            run_case "$i" "$round"
        done
    done
    echo "master_vmhwm_kib $(vmhwm_kib "$PROXY_MASTER")" >"$OUT/rest-nginx.master.txt"
    profile_billjob
    profile_callgrind
    startup_and_codegen
    # The figures of each case: its median round by throughput, and the spread over rounds.
    for i in "${!CASE_NAMES[@]}"; do
        files=()
        for ((round = 1; round <= ROUNDS; round++)); do files+=("$OUT/${CASE_NAMES[$i]}.r$round.txt"); done
        python3 "$HERE/wrk_metrics.py" "${CASE_NAMES[$i]}" "${files[@]}" >>"$OUT/metrics.tsv" \
            || die "${CASE_NAMES[$i]} (above)"
    done
    write_results
    cat "$RESULTS"
}

main "$@"
