#!/usr/bin/env python3
"""Shaped results against third-party clients: `tests/specs/shapes.yaml` served by the
`shapes-gateway` binary in front of a local upstream (stdlib HTTP server) that answers like a
ship registry.

    python shapes_check.py --gateway target/debug/shapes-gateway mcp
    python shapes_check.py --gateway target/debug/shapes-gateway schemathesis --schemathesis PATH

`mcp`: the official Python MCP client (PyPI `mcp`) lists the tools and calls them; the client
itself validates every `structuredContent` against the tool's `outputSchema` (it raises when it
does not fit), and this script checks the values and validates once more with `jsonschema`.
`schemathesis`: schemathesis runs against the REST adapter's `/openapi.json`, whose shaped
operations publish their response schemas (response_schema_conformance).
Exit status 0 when every check held.
"""

from __future__ import annotations

import argparse
import http.server
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

SHIPS = {
    "IMO-1": {"imo_number": "IMO-1", "vessel_name": "Northern Star", "gross_tonnage": 52000,
              "dimensions": {"length_overall": 300.5}, "year_built": "2009",
              "port_calls": [{"port": "Oslo"}, {"port": "Kiel"}]},
    "IMO-2": {"imo_number": "IMO-2", "vessel_name": "Aurora", "gross_tonnage": 31000.5,
              "dimensions": {"length_overall": 210}, "year_built": 2015, "port_calls": []},
}


class Registry(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/ships":
            body, status = {"data": list(SHIPS.values())}, 200
        elif path.startswith("/ships/"):
            imo = urllib.request.unquote(path[len("/ships/"):])
            # Unknown ships still answer: a ship with only its number (fields missing → null).
            body, status = SHIPS.get(imo, {"imo_number": imo}), 200
        else:
            body, status = {"message": "not found"}, 404
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(gateway: str) -> tuple[subprocess.Popen, int, int]:
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Registry)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    rest, mcp = free_port(), free_port()
    proc = subprocess.Popen([gateway, f"http://127.0.0.1:{upstream.server_port}", str(rest), str(mcp)])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{rest}/healthz", timeout=2):
                socket.create_connection(("127.0.0.1", mcp), timeout=2).close()
                return proc, rest, mcp
        except OSError:
            if proc.poll() is not None:
                sys.exit("shapes-gateway exited before it was ready")
            time.sleep(0.1)
    proc.kill()
    sys.exit("shapes-gateway not ready within 30 s")


async def mcp_checks(url: str) -> None:
    import jsonschema
    from mcp import Client

    async with Client(url, read_timeout_seconds=30) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == {"list-ships", "get-ship", "hello"}, sorted(tools)
        for name, tool in tools.items():
            assert tool.output_schema and tool.output_schema.get("type") == "object", (name, tool.output_schema)

        calls = [
            ("list-ships", {}, {"result": [{"imo": "IMO-1", "name": "Northern Star"},
                                           {"imo": "IMO-2", "name": "Aurora"}]}),
            ("get-ship", {"imo": "IMO-1"}, {"imo": "IMO-1", "specs": {"tonnage": 52000}}),
            ("get-ship", {"imo": "IMO-9"}, {"imo": "IMO-9", "specs": {"tonnage": None}}),
            ("hello", {"name": "Alice"}, {"greeting": "Hello, Alice!"}),
        ]
        for name, args, want in calls:
            # The SDK validates structuredContent against outputSchema here and raises if it
            # does not fit.
            result = await client.call_tool(name, args)
            assert not result.is_error, (name, result)
            got = result.structured_content
            assert got == want, (name, got, want)
            jsonschema.validate(got, tools[name].output_schema)
            print(f"ok: {name}({json.dumps(args)}) -> {json.dumps(got)[:120]}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gateway", required=True)
    ap.add_argument("--schemathesis")
    ap.add_argument("part", choices=["mcp", "schemathesis"])
    a = ap.parse_args()
    proc, rest, mcp = start(a.gateway)
    try:
        if a.part == "mcp":
            import anyio

            anyio.run(mcp_checks, f"http://127.0.0.1:{mcp}/mcp")
            print("shaped tools: structuredContent fits outputSchema for every call")
            return 0
        checks = ("not_a_server_error,status_code_conformance,content_type_conformance,"
                  "response_schema_conformance,negative_data_rejection,unsupported_method")
        with tempfile.TemporaryDirectory() as d:
            return subprocess.run(
                [a.schemathesis, "run", f"http://127.0.0.1:{rest}/openapi.json",
                 "--origin", f"http://127.0.0.1:{rest}", "-n", "20", "--seed", "1",
                 "--generation-database", "none", "--phases", "examples,coverage,fuzzing",
                 "--checks", checks, "--request-timeout", "10", "--workers", "1", "--no-color"],
                cwd=d,
            ).returncode
    finally:
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    sys.exit(main())
