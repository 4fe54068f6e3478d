#!/usr/bin/env python3
"""Checks every spec of a corpus with `naftiko-codegen check` and prints a Markdown report:
counts, and for each rejected spec its first error, classified as "not supported yet" (the spec
may be right; we do not implement the construct) or "defect in the spec".

Usage: python3 tests/corpus-tools/report.py [CORPUS_DIR] (build naftiko-codegen first)."""
import pathlib, re, subprocess, sys

root = pathlib.Path(__file__).resolve().parents[2]
corpus = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root / "tests" / "corpus"
check = root / "target" / "debug" / "naftiko-codegen"
accepted, rejected, crashed = [], [], []
for spec in sorted(corpus.glob("*.yaml")):
    p = subprocess.run([str(check), "check", str(spec)], capture_output=True, text=True)
    if p.returncode == 0:
        accepted.append(spec.name)
    elif p.returncode == 1:
        first = p.stderr.split("\n\n")[0]
        # Paths under the corpus are shown relative to it: the report reads the same on every machine.
        msg = first.splitlines()[0].removeprefix("error: ").replace(f"{corpus.resolve()}/", "")
        loc = re.search(r"--> .*?:(\d+):(\d+)", first)
        where = f"{loc.group(1)}:{loc.group(2)}" if loc else "?"
        kind = "not supported yet" if msg.endswith("not supported yet") else "defect in the spec"
        rejected.append((spec.name, where, msg, kind))
    else:
        crashed.append((spec.name, p.returncode, p.stderr[-300:]))
print(f"{len(accepted)} accepted, {len(rejected)} rejected, {len(crashed)} crashed (of {len(accepted) + len(rejected) + len(crashed)})")
kinds = {}
for r in rejected:
    kinds[r[3]] = kinds.get(r[3], 0) + 1
print("; ".join(f"{v} {k}" for k, v in sorted(kinds.items())))
print()
print("| spec | line:col | first error | kind |")
print("|---|---|---|---|")
for name, where, msg, kind in rejected:
    print(f"| {name} | {where} | {msg.replace('|', '/')} | {kind} |")
for c in crashed:
    print(f"CRASH {c}")
sys.exit(1 if crashed else 0)
