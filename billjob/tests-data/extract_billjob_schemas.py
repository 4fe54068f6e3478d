#!/usr/bin/env python3
"""Regenerates m3ter-billjob-schemas.json from m3ter's OpenAPI document.

Usage: python3 extract_billjob_schemas.py [path/to/m3ter-openapi.json] > m3ter-billjob-schemas.json

The output holds, verbatim, every schema under components.schemas that the five
BillJob operations reach through $ref (request and 200-response bodies), the schema
of components.responses.Error, and for each operation its method, path and the $ref
of its 200 response body. The sandbox's Rust tests validate responses against it and,
when the upstream document is present, check that it still matches upstream.
"""
import json
import sys

DEFAULT = "/work/shared/upstream/m3ter-openapi.json"


def refs(node, found):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            refs(value, found)
    elif isinstance(node, list):
        for value in node:
            refs(value, found)


def main():
    spec = json.load(open(sys.argv[1] if len(sys.argv) > 1 else DEFAULT))
    schemas = spec["components"]["schemas"]
    operations = {}
    wanted = set()
    for path, item in spec["paths"].items():
        if "/billjobs" not in path:
            continue
        for method, op in item.items():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            body = op["responses"]["200"]["content"]["application/json"]["schema"]
            operations[op["operationId"]] = {
                "method": method.upper(),
                "path": path,
                "response": body["$ref"],
            }
            refs(body, wanted)
            refs(op.get("requestBody", {}), wanted)
    closure = set()
    while wanted:
        name = wanted.pop()
        if name in closure:
            continue
        closure.add(name)
        refs(schemas[name], wanted)
    out = {
        "source": "m3ter OpenAPI 3.0.1 (shared/upstream/m3ter-openapi.json), extracted by extract_billjob_schemas.py",
        "operations": dict(sorted(operations.items())),
        "errorSchema": spec["components"]["responses"]["Error"]["content"]["application/json"]["schema"],
        "schemas": {name: schemas[name] for name in sorted(closure)},
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
