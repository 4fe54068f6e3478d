#!/usr/bin/env bash
# Instructions per REST request, counted by callgrind: a figure that does not depend on what else
# the machine is doing (unlike bench/run.sh's wall-clock figures on a shared machine).
#
#     bash bench/callgrind.sh                 # billjob and the hyper floor peer
#     CG_SERVERS="billjob" bash bench/callgrind.sh
#
# For each server: a fixed-JSON nginx upstream (the one of run.sh, token checked), the server
# under `valgrind --tool=callgrind` pinned to one CPU (so billjob picks its single-threaded
# runtime, as in run.sh), CG_WARMUP requests, the counters zeroed, CG_REQUESTS requests of
# `GET /v1/organizations/org-bench/billjobs/bj-0001` over CG_CONNECTIONS keep-alive connections
# (every answer checked: 200 and the BillJob), the counters dumped. Instructions per request =
# the dump's total / CG_REQUESTS; the top frames (self cost) come from callgrind_annotate.
#
# Knobs: CG_REQUESTS (4000), CG_WARMUP (500), CG_CONNECTIONS (8), CG_SERVERS ("billjob hyper"),
# CG_TOP (25), BILLJOB_BIN, HYPER_BIN (default target/release/...), CG_OUT (bench/out/callgrind).
# Builds nothing: `cargo build --release -p billjob` and the rust-peer build of run.sh first.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
REQUESTS="${CG_REQUESTS:-4000}"
WARMUP="${CG_WARMUP:-500}"
CONNS="${CG_CONNECTIONS:-8}"
SERVERS="${CG_SERVERS:-billjob hyper}"
TOP="${CG_TOP:-25}"
BIN="${BILLJOB_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/billjob}"
HYPER_BIN="${HYPER_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/bench-hyper-peer}"
OUT="${CG_OUT:-$HERE/out/callgrind}"
TOKEN="bench-token"
PATH_="/v1/organizations/org-bench/billjobs/bj-0001"
# The same BillJob as run.sh's upstream.
BILLJOB_JSON="$(sed -n "s/^BILLJOB_JSON='\(.*\)'$/\1/p" "$HERE/run.sh")"
[[ -n "$BILLJOB_JSON" ]] || { echo "callgrind.sh: no BILLJOB_JSON in run.sh" >&2; exit 1; }

PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

log() { echo "callgrind.sh: $*" >&2; }
die() { log "$*"; exit 1; }
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_http() {
    local url="$1" pid="$2" end=$((SECONDS + 120))
    while ((SECONDS < end)); do
        kill -0 "$pid" 2>/dev/null || die "process $pid exited before $url answered"
        if curl -s -o /dev/null -m 2 "$url"; then return 0; fi
        sleep 0.2
    done
    die "$url did not answer within 120 s"
}

# drive PORT COUNT: COUNT keep-alive GETs over CONNS connections; fails on any other answer.
drive() {
    python3 - "$1" "$2" "$CONNS" "$PATH_" '"status":"COMPLETE"' <<'PY'
import socket, sys, threading
port, count, conns, path, expect = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5].encode()
req = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
errors = []
def worker(n):
    s = socket.create_connection(("127.0.0.1", port))
    f = s.makefile("rb")
    for _ in range(n):
        s.sendall(req)
        status = f.readline()
        length = None
        while True:
            line = f.readline()
            if line in (b"\r\n", b""):
                break
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                length = int(v)
        if length is None:
            errors.append("no content-length"); return
        body = f.read(length)
        if b" 200 " not in status or expect not in body:
            errors.append(status.decode(errors="replace").strip()); return
    s.close()
share = [count // conns + (1 if i < count % conns else 0) for i in range(conns)]
ts = [threading.Thread(target=worker, args=(n,)) for n in share if n]
for t in ts: t.start()
for t in ts: t.join()
if errors:
    sys.exit(f"bad answers: {errors[:3]}")
PY
}

mkdir -p "$OUT"
command -v valgrind >/dev/null || die "valgrind is not installed"
command -v nginx >/dev/null || die "nginx is not installed"

# The upstream: run.sh's fixed-JSON nginx.
UP_PORT="$(free_port)"
UP_DIR="$OUT/upstream"
rm -rf "$UP_DIR"
mkdir -p "$UP_DIR/logs"
cat >"$UP_DIR/nginx.conf" <<EOF
daemon off;
master_process off;
error_log stderr warn;
pid nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 100000000;
    server {
        listen 127.0.0.1:$UP_PORT;
        location /organizations/ {
            if (\$http_authorization != "Bearer $TOKEN") { return 401; }
            default_type application/json;
            return 200 '$BILLJOB_JSON';
        }
        location / { return 404; }
    }
}
EOF
nginx -p "$UP_DIR" -c "$UP_DIR/nginx.conf" -e stderr >"$UP_DIR/stderr.log" 2>&1 &
PIDS+=("$!")
wait_http "http://127.0.0.1:$UP_PORT/" "$!"

for server in $SERVERS; do
    port="$(free_port)"
    case "$server" in
        billjob)
            mcp="$(free_port)"
            cmd=("$BIN" --rest-addr "127.0.0.1:$port" --mcp-addr "127.0.0.1:$mcp"
                --upstream "http://127.0.0.1:$UP_PORT")
            ;;
        hyper) cmd=("$HYPER_BIN" --rest-addr "127.0.0.1:$port" --upstream "http://127.0.0.1:$UP_PORT") ;;
        *) die "unknown server $server (billjob, hyper)" ;;
    esac
    [[ -x "${cmd[0]}" ]] || die "no binary ${cmd[0]}"
    file="$OUT/$server.callgrind.out"
    rm -f "$file" "$file".*
    M3TER_API_KEY="$TOKEN" RUST_LOG=warn taskset -c 0 valgrind --tool=callgrind \
        --callgrind-out-file="$file" "${cmd[@]}" >"$OUT/$server.log" 2>&1 &
    pid="$!"
    PIDS+=("$pid")
    wait_http "http://127.0.0.1:$port/" "$pid"
    drive "$port" "$WARMUP" || die "$server: warm-up failed"
    callgrind_control -z "$pid" >/dev/null
    drive "$port" "$REQUESTS" || die "$server: measured run failed"
    callgrind_control -d "measured" "$pid" >/dev/null
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    dump="$(ls "$file".* 2>/dev/null | head -n1)"
    [[ -n "$dump" ]] || die "$server: no dump"
    total="$(awk '/^(summary|totals):/ { print $2; exit }' "$dump")"
    per="$(awk -v t="$total" -v n="$REQUESTS" 'BEGIN { printf "%.0f", t / n }')"
    echo "## $server: $per instructions/request ($total over $REQUESTS requests, $CONNS connections)"
    echo
    echo '```text'
    # Self cost by function; the frames on the stack at the dump (main, the runtime's
    # block_on...) show their inclusive cost, 100%: left out.
    callgrind_annotate --auto=no --threshold=100 "$dump" 2>/dev/null | sed -n '/file:function/,$p' \
        | grep -E '^ *[0-9,]+ \( *[0-9.]+%\)' | grep -v '(100.0%)' | head -n "$TOP" \
        | sed -E 's/ \[[^]]*\]$//; s/\?\?\?://' | cut -c1-150 || true # head closes the pipe early
    echo '```'
    echo
done
