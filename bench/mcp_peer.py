"""The Python MCP peer of the benchmark: the official `mcp` SDK (2.3.0) serving the same tool.

    python bench/mcp_peer.py --port 9300 --upstream http://127.0.0.1:9200

Exposes `retrieve-billjob` (arguments `orgId`, `id`) over streamable HTTP at /mcp, stateless and
with plain JSON responses, like `billjob --stateless`. The tool calls
`GET {upstream}/organizations/{orgId}/billjobs/{id}` with `Authorization: Bearer $M3TER_API_KEY`
through one shared httpx client (keep-alive pool) and returns the upstream object as the tool's
structured result, so both servers do the same work per call: parse the call, one upstream GET,
the BillJob back as JSON.
"""

from __future__ import annotations

import argparse
import os
from typing import Any
from urllib.parse import quote

import httpx
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings


def build(upstream: str, token: str) -> MCPServer:
    server = MCPServer(name="billjob-python-peer", log_level="WARNING")
    client = httpx.AsyncClient(
        base_url=upstream.rstrip("/"),
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
        timeout=30.0,
    )

    @server.tool(name="retrieve-billjob", description="Retrieve BillJob")
    async def retrieve_billjob(orgId: str, id: str) -> dict[str, Any]:  # noqa: A002, N803 (wire names)
        r = await client.get(f"/organizations/{quote(orgId, safe='')}/billjobs/{quote(id, safe='')}")
        r.raise_for_status()
        return r.json()

    return server


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--upstream", required=True)
    a = p.parse_args()
    server = build(a.upstream, os.environ.get("M3TER_API_KEY", "bench-token"))
    server.run(
        "streamable-http",
        host=a.host,
        port=a.port,
        json_response=True,
        stateless_http=True,
        # Same DNS-rebinding protection as billjob: loopback Host names only.
        transport_security=TransportSecuritySettings(
            allowed_hosts=["127.0.0.1:*", "localhost:*"],
            allowed_origins=["http://127.0.0.1:*", "http://localhost:*"],
        ),
    )


if __name__ == "__main__":
    main()
