#!/usr/bin/env python3
"""MCP resources and prompts against the official Python MCP client (PyPI `mcp`):
`tests/specs/conformance.yaml` served by the `conformance-gateway` binary.

    python resources_check.py --gateway target/debug/conformance-gateway

In `legacy` mode (the 2025-11-25 `initialize` handshake) and `auto` mode (2026-07-28
`server/discover` first), the client lists resources, templates and prompts, reads the static
text and binary files and the templated resource (a call to the spec's own REST adapter),
renders both prompts, and gets the errors the MCP specification asks for: an unknown resource
(-32002, or -32602 from 2026-07-28), an unknown prompt and a missing argument (-32602).
Exit status 0 when every check held in every mode.
"""

from __future__ import annotations

import argparse
import base64
import json
import pathlib
import socket
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
TEXT = (ROOT / "tests/specs/conformance/static-text.txt").read_text()
BINARY = (ROOT / "tests/specs/conformance/static-binary.png").read_bytes()


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(gateway: str) -> tuple[subprocess.Popen, int]:
    rest, mcp = free_port(), free_port()
    proc = subprocess.Popen([gateway, str(rest), str(mcp)])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", mcp), timeout=2).close()
            return proc, mcp
        except OSError:
            if proc.poll() is not None:
                sys.exit("conformance-gateway exited before it was ready")
            time.sleep(0.1)
    proc.kill()
    sys.exit("conformance-gateway not ready within 30 s")


async def run_mode(url: str, mode: str) -> None:
    from mcp import Client
    from mcp.shared.exceptions import MCPError

    async with Client(url, mode=mode, read_timeout_seconds=30) as client:
        caps = client.server_capabilities
        assert caps.resources is not None and caps.prompts is not None, caps
        version = str(client.protocol_version)
        print(f"[{mode}] protocol {version}", flush=True)

        listed = {r.uri: r for r in (await client.list_resources()).resources}
        assert set(listed) == {"test://static-text", "test://static-binary"}, sorted(listed)
        assert listed["test://static-binary"].mime_type == "image/png", listed
        templates = (await client.list_resource_templates()).resource_templates
        assert [t.uri_template for t in templates] == ["test://template/{id}/data"], templates

        text = (await client.read_resource("test://static-text")).contents
        assert len(text) == 1 and text[0].text == TEXT, text
        assert text[0].mime_type == "text/plain", text
        blob = (await client.read_resource("test://static-binary")).contents
        assert len(blob) == 1 and base64.b64decode(blob[0].blob) == BINARY, blob
        data = (await client.read_resource("test://template/42/data")).contents
        assert json.loads(data[0].text) == {"id": "42", "text": "Data for ID: 42"}, data
        print(f"[{mode}] resources read: text, blob, template -> {data[0].text}", flush=True)

        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
        assert set(prompts) == {"test_simple_prompt", "test_prompt_with_arguments"}, prompts
        args = [(a.name, a.required) for a in prompts["test_prompt_with_arguments"].arguments]
        assert args == [("arg1", True), ("arg2", True)], args
        got = await client.get_prompt("test_prompt_with_arguments", {"arg1": "a", "arg2": "b"})
        assert [m.content.text for m in got.messages] == ["Prompt with arguments: arg1='a', arg2='b'"], got
        print(f"[{mode}] prompt rendered: {got.messages[0].content.text}", flush=True)

        not_found = -32602 if version >= "2026-07-28" else -32002
        for call, code in [
            (lambda: client.read_resource("test://nothing"), not_found),
            (lambda: client.get_prompt("nothing", {}), -32602),
            (lambda: client.get_prompt("test_prompt_with_arguments", {"arg1": "a"}), -32602),
        ]:
            try:
                await call()
            except MCPError as exc:
                assert exc.code == code, (exc.code, exc.message)
                print(f"[{mode}] error {exc.code}: {exc.message}", flush=True)
            else:
                raise AssertionError("expected a JSON-RPC error")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gateway", required=True)
    a = ap.parse_args()
    import anyio

    proc, mcp = start(a.gateway)
    failed = 0
    try:
        for mode in ["legacy", "auto"]:
            try:
                anyio.run(run_mode, f"http://127.0.0.1:{mcp}/mcp", mode)
            except Exception as exc:  # report every mode
                failed += 1
                print(f"FAIL [{mode}]: {exc!r}", file=sys.stderr, flush=True)
    finally:
        proc.kill()
        proc.wait()
    if failed == 0:
        print("resources and prompts: every check held in legacy and auto modes")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
