"""The FastMCP peer of the benchmark: `FastMCP.from_openapi` on the BillJob operations.

    python bench/fastmcp_peer.py --port 9400 --upstream http://127.0.0.1:9200 --openapi m3ter-openapi.json

What people pick to turn an HTTP API into MCP tools without writing code: FastMCP (fastmcp 4.1.6)
reads the OpenAPI document at start-up and makes one tool per operation. It is given the five
BillJob operations of m3ter's document (the paths with `/billjobs`, everything else cut out), one
shared `httpx.AsyncClient` to the upstream with `Authorization: Bearer $M3TER_API_KEY`, and served
over streamable HTTP, stateless with plain JSON responses, like `billjob --stateless`. The tool the
benchmark calls is `GetBillJob` (arguments `orgId`, `id`), the twin of billjob's `retrieve-billjob`.
"""

from __future__ import annotations

import argparse
import json
import os

import httpx
from fastmcp import FastMCP


def billjob_document(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    doc["paths"] = {p: v for p, v in doc["paths"].items() if "/billjobs" in p}
    return doc


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--upstream", required=True)
    p.add_argument("--openapi", required=True)
    a = p.parse_args()
    client = httpx.AsyncClient(
        base_url=a.upstream.rstrip("/"),
        headers={"Authorization": f"Bearer {os.environ.get('M3TER_API_KEY', 'bench-token')}"},
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
        timeout=30.0,
    )
    mcp = FastMCP.from_openapi(openapi_spec=billjob_document(a.openapi), client=client,
                               name="billjob-fastmcp-peer")
    mcp.run(transport="http", host=a.host, port=a.port, stateless_http=True, json_response=True,
            log_level="warning")


if __name__ == "__main__":
    main()
