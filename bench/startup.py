#!/usr/bin/env python3
"""Start-up, idle memory and the regeneration loop, measured for bench/RESULTS.md.

    python3 bench/startup.py BILLJOB_BIN CODEGEN_BIN UPSTREAM_URL SPEC LARGEST_SPEC [RUNS]

Prints tab-separated lines `name<TAB>median<TAB>min<TAB>max<TAB>unit`:
- `startup_ms`: from spawning `billjob --upstream URL` on free ports to its first 200 on the REST
  port (`/healthz`, polled over one TCP connection attempt at a time, no sleep between attempts);
- `idle_rss_mib`: its VmRSS one second after that first answer, no request since;
- `codegen_billjob_ms`, `codegen_largest_ms`: wall time of `naftiko-codegen check SPEC` (the whole
  front end: read, resolve, generate, lint), process start included, what a developer waits for.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_answer(port: int, proc: subprocess.Popen, limit_s: float = 10.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < limit_s:
        if proc.poll() is not None:
            raise SystemExit(f"billjob exited with {proc.returncode} before answering")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return time.perf_counter()
        except OSError:
            pass
    raise SystemExit(f"billjob did not answer within {limit_s} s")


def vmrss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise SystemExit("no VmRSS")


def startup(binary: str, upstream: str) -> tuple[float, float]:
    rest, mcp = free_port(), free_port()
    env = dict(os.environ, M3TER_API_KEY="bench-token", RUST_LOG="warn")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [binary, "--rest-addr", f"127.0.0.1:{rest}", "--mcp-addr", f"127.0.0.1:{mcp}",
         "--upstream", upstream],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ms = 1000 * (first_answer(rest, proc) - t0)
        time.sleep(1)
        return ms, vmrss_mib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(10)


def codegen(binary: str, spec: str) -> float:
    t0 = time.perf_counter()
    p = subprocess.run([binary, "check", spec], capture_output=True)
    ms = 1000 * (time.perf_counter() - t0)
    if p.returncode != 0:
        raise SystemExit(f"naftiko-codegen check {spec} failed: {p.stderr.decode()[:500]}")
    return ms


def line(name: str, values: list[float], unit: str) -> None:
    print(f"{name}\t{statistics.median(values):.1f}\t{min(values):.1f}\t{max(values):.1f}\t{unit}")


def main() -> None:
    billjob, codegen_bin, upstream, spec, largest = sys.argv[1:6]
    runs = int(sys.argv[6]) if len(sys.argv) > 6 else 7
    starts, rss = [], []
    for _ in range(runs):
        ms, mib = startup(billjob, upstream)
        starts.append(ms)
        rss.append(mib)
    line("startup_ms", starts, "ms")
    line("idle_rss_mib", rss, "MiB")
    codegen(codegen_bin, spec)  # warm the page cache
    line("codegen_billjob_ms", [codegen(codegen_bin, spec) for _ in range(runs * 3)], "ms")
    line("codegen_largest_ms", [codegen(codegen_bin, largest) for _ in range(runs * 3)], "ms")


if __name__ == "__main__":
    main()
