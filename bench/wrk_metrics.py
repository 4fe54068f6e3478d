"""Reads wrk output files of one case (plus the lines run.sh appends) and prints one TSV line.

    python3 bench/wrk_metrics.py NAME ROUND-FILE... >> metrics.tsv

Each file is one round. The line holds the figures of the median round by throughput (the lower
middle one for an even count), the peak RSS over all rounds, and the lowest and highest throughput
of the rounds. Columns: see COLUMNS. Exits 1, with the reason on stderr, when any round is not
clean: a non-2xx response, a socket error, an MCP response that is not a successful tool result
(counted by bench/mcp_call.lua), or no request at all.
"""

from __future__ import annotations

import re
import sys

COLUMNS = [
    "name", "requests_per_s", "p50_ms", "p99_ms", "requests", "seconds", "non2xx", "socket_errors",
    "mcp_ok", "mcp_bad", "vmhwm_kib", "server_cpu_s", "upstream_cpu_s", "wrk_cpu_s", "background_cpu_s",
    "steal_s", "rps_min", "rps_max", "rounds",
]

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def ms(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not m:
        raise ValueError(f"not a wrk duration: {value}")
    return float(m.group(1)) * UNITS_MS[m.group(2)]


def parse(text: str) -> dict[str, str | float | int]:
    def find(pattern: str, default: str | None = None) -> str:
        m = re.search(pattern, text, re.MULTILINE)
        if m:
            return m.group(1)
        if default is None:
            raise ValueError(f"no match for {pattern!r} in wrk output")
        return default

    out: dict[str, str | float | int] = {}
    out["requests_per_s"] = float(find(r"^Requests/sec:\s+([\d.]+)"))
    out["p50_ms"] = ms(find(r"^\s+50%\s+(\S+)"))
    out["p99_ms"] = ms(find(r"^\s+99%\s+(\S+)"))
    out["requests"] = int(find(r"^\s+(\d+) requests in"))
    out["seconds"] = ms(find(r"^\s+\d+ requests in ([\d.]+\w+),")) / 1000.0
    out["non2xx"] = int(find(r"^\s+Non-2xx or 3xx responses:\s+(\d+)", "0"))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["socket_errors"] = sum(int(g) for g in errors.groups()) if errors else 0
    out["mcp_ok"] = int(find(r"^mcp_ok (\d+)", "-1"))
    out["mcp_bad"] = int(find(r"^mcp_bad (\d+)", "-1"))
    out["vmhwm_kib"] = int(find(r"^server_vmhwm_kib (\d+)"))
    out["server_cpu_s"] = float(find(r"^server_cpu_seconds ([\d.]+)"))
    out["upstream_cpu_s"] = float(find(r"^upstream_cpu_seconds ([\d.]+)"))
    out["wrk_cpu_s"] = float(find(r"^wrk_cpu_seconds ([\d.]+)"))
    out["background_cpu_s"] = float(find(r"^background_cpu_seconds ([\d.]+)"))
    out["steal_s"] = float(find(r"^steal_seconds ([\d.]+)"))
    return out


def check(name: str, path: str) -> tuple[dict, list[str]]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        m = parse(text)
    except ValueError as e:
        return {}, [f"{e}"]
    problems = []
    if m["requests"] == 0:
        problems.append("no request completed")
    if m["non2xx"]:
        problems.append(f"{m['non2xx']} non-2xx responses")
    if m["socket_errors"]:
        problems.append(f"{m['socket_errors']} socket errors")
    if m["mcp_bad"] > 0:
        sample = re.search(r"^mcp_bad_sample (.*)$", text, re.MULTILINE)
        problems.append(f"{m['mcp_bad']} MCP responses that are not a successful result"
                        + (f", first: {sample.group(1)}" if sample else ""))
    if m["mcp_ok"] == 0:
        problems.append("no successful MCP result")
    return m, problems


def main() -> int:
    name, paths = sys.argv[1], sys.argv[2:]
    runs, failed = [], False
    for path in paths:
        m, problems = check(name, path)
        if problems:
            print(f"{name}: " + "; ".join(problems) + f" ({path})", file=sys.stderr)
            failed = True
        if m:
            runs.append(m)
    if failed or not runs:
        return 1
    ordered = sorted(runs, key=lambda r: r["requests_per_s"])
    median = dict(ordered[(len(ordered) - 1) // 2])
    median["name"] = name
    median["vmhwm_kib"] = max(r["vmhwm_kib"] for r in runs)
    median["rps_min"] = ordered[0]["requests_per_s"]
    median["rps_max"] = ordered[-1]["requests_per_s"]
    median["rounds"] = len(runs)
    print("\t".join(str(median[c]) for c in COLUMNS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
