#!/usr/bin/env python3
"""Drives billjob's MCP surface with the official Python MCP client (PyPI `mcp==2.3.0`).

The client is run twice: `mode="legacy"` (the 2025-11-25 `initialize` handshake) and the default
`mode="auto"` (tries the 2026-07-28 `server/discover` probe first and falls back to `initialize`).
Each run lists the tools and checks their annotations and input schemas, then calls them against
billjob's sandbox upstream.

    python mcp_python.py --url http://127.0.0.1:9090/mcp

Exit status 0 when every check held in every mode, 1 otherwise (one FAIL line per failed mode).
"""

from __future__ import annotations

import argparse
import sys
import uuid
from typing import Any

import anyio
from mcp import Client, MCPError
from mcp.types import CallToolResult, Tool

TOOLS = ("list-billjobs", "create-billjob", "create-recalculation-billjob", "retrieve-billjob", "cancel-billjob")
READ_ONLY = ("list-billjobs", "retrieve-billjob")
# Tool -> (required arguments, {argument: JSON Schema type}).
SCHEMAS: dict[str, tuple[set[str], dict[str, str]]] = {
    "list-billjobs": (
        {"orgId"},
        {"orgId": "string", "pageSize": "integer", "nextToken": "string", "active": "string", "status": "string"},
    ),
    "create-billjob": ({"orgId", "body"}, {"orgId": "string", "body": "object"}),
    "create-recalculation-billjob": ({"orgId", "body"}, {"orgId": "string", "body": "object"}),
    "retrieve-billjob": ({"orgId", "id"}, {"orgId": "string", "id": "string"}),
    "cancel-billjob": ({"orgId", "id"}, {"orgId": "string", "id": "string"}),
}
INVALID_PARAMS = -32602


class CheckFailed(Exception):
    """One expectation about billjob's MCP surface did not hold."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def types_of(schema: dict[str, Any]) -> set[str]:
    """The JSON Schema type(s) a property allows, ignoring "null" (an optional value)."""
    t = schema.get("type")
    if isinstance(t, str):
        return {t} - {"null"}
    if isinstance(t, list):
        return {x for x in t if x != "null"}
    found: set[str] = set()
    for key in ("anyOf", "oneOf"):
        for sub in schema.get(key, []):
            found |= types_of(sub)
    return found


def check_tool(tool: Tool) -> None:
    name = tool.name
    ann = tool.annotations
    check(ann is not None, f"{name}: no annotations")
    assert ann is not None
    if name in READ_ONLY:
        check(ann.read_only_hint is True, f"{name}: readOnlyHint must be true, got {ann.read_only_hint!r}")
        check(ann.destructive_hint is not True, f"{name}: a read-only tool must not be destructiveHint true")
    else:
        check(ann.read_only_hint is not True, f"{name}: readOnlyHint must not be true on a writing tool")
        check(ann.destructive_hint is False, f"{name}: destructiveHint must be false, got {ann.destructive_hint!r}")
    check(bool(tool.description), f"{name}: no description")

    schema = tool.input_schema
    check(schema.get("type") == "object", f"{name}: inputSchema.type must be object, got {schema.get('type')!r}")
    required, props = SCHEMAS[name]
    got_required = set(schema.get("required", []))
    check("orgId" in got_required, f"{name}: inputSchema.required {sorted(got_required)} lacks orgId")
    check(got_required == required, f"{name}: inputSchema.required is {sorted(got_required)}, expected {sorted(required)}")
    check(schema.get("additionalProperties") is False,
          f"{name}: inputSchema.additionalProperties must be false, got {schema.get('additionalProperties')!r}")
    properties = schema.get("properties", {})
    check(set(properties) == set(props), f"{name}: properties {sorted(properties)}, expected {sorted(props)}")
    for prop, want in props.items():
        got = types_of(properties[prop])
        check(got == {want}, f"{name}: property {prop} has type {sorted(got)}, expected {want}")


def ok_result(result: CallToolResult, what: str) -> Any:
    text = " ".join(getattr(c, "text", "") for c in result.content)
    check(not result.is_error, f"{what}: isError is true: {text[:500]}")
    check(result.structured_content is not None, f"{what}: no structuredContent")
    check(any(c.type == "text" for c in result.content), f"{what}: no text content beside structuredContent")
    return result.structured_content


async def expect_error(client: Client, tool: str, args: dict[str, Any], what: str) -> str:
    """The call must fail, either as a JSON-RPC error or as a result with isError true."""
    try:
        result = await client.call_tool(tool, args)
    except MCPError as exc:
        return f"JSON-RPC error {exc.code}: {exc.message}"
    text = " ".join(getattr(c, "text", "") for c in result.content)
    check(result.is_error, f"{what}: expected an error, got a successful result {result.structured_content!r}")
    check(bool(text), f"{what}: an isError result must say what went wrong in its text content")
    return f"isError result: {text[:200]}"


async def run_mode(url: str, mode: str, org: str) -> None:
    async with Client(url, mode=mode, read_timeout_seconds=30) as client:
        print(f"[{mode}] connected: protocol {client.protocol_version}, server {client.server_info}", flush=True)
        check(client.server_capabilities.tools is not None, f"[{mode}] server does not declare the tools capability")

        tools: list[Tool] = []
        cursor: str | None = None
        for _ in range(100):
            page = await client.list_tools(cursor=cursor)
            tools.extend(page.tools)
            cursor = page.next_cursor
            if cursor is None:
                break
        names = [t.name for t in tools]
        check(sorted(names) == sorted(TOOLS), f"[{mode}] tools/list gave {names}, expected {list(TOOLS)}")
        for tool in tools:
            check_tool(tool)
        print(f"[{mode}] tools/list: {names}", flush=True)

        listed = ok_result(await client.call_tool("list-billjobs", {"orgId": org, "pageSize": 10}), "list-billjobs")
        check(isinstance(listed, dict) and isinstance(listed.get("data"), list),
              f"list-billjobs: structuredContent must be m3ter's {{data, nextToken}}, got {listed!r}")

        body = {"billingFrequency": "MONTHLY", "billDate": "2024-02-01", "targetCurrency": "USD",
                "accountIds": [str(uuid.uuid4())], "currencyConversions": [{"from": "EUR", "to": "USD", "multiplier": 1.12}]}
        created = ok_result(await client.call_tool("create-billjob", {"orgId": org, "body": body}), "create-billjob")
        check(isinstance(created, dict) and isinstance(created.get("id"), str), f"create-billjob: no id in {created!r}")
        check(created.get("type") == "CREATE", f"create-billjob: type {created.get('type')!r}")
        check(created.get("billingFrequency") == "MONTHLY" and created.get("targetCurrency") == "USD",
              f"create-billjob: fields not echoed: {created!r}")
        job_id = created["id"]
        print(f"[{mode}] create-billjob -> {job_id} ({created.get('status')})", flush=True)

        got = ok_result(await client.call_tool("retrieve-billjob", {"orgId": org, "id": job_id}), "retrieve-billjob")
        check(isinstance(got, dict) and got.get("id") == job_id, f"retrieve-billjob: expected id {job_id}, got {got!r}")

        listed = ok_result(await client.call_tool("list-billjobs", {"orgId": org, "pageSize": 100}), "list-billjobs")
        check(job_id in [j.get("id") for j in listed.get("data", [])], f"list-billjobs does not list {job_id}")
        filtered = ok_result(await client.call_tool("list-billjobs", {"orgId": org, "status": "CANCELLED"}),
                             "list-billjobs status=CANCELLED")
        check(all(j.get("status") == "CANCELLED" for j in filtered.get("data", [])),
              f"list-billjobs status=CANCELLED returned {filtered!r}")

        recalc = ok_result(await client.call_tool("create-recalculation-billjob",
                                                  {"orgId": org, "body": {"billIds": [str(uuid.uuid4())]}}),
                           "create-recalculation-billjob")
        check(recalc.get("type") == "RECALCULATE", f"create-recalculation-billjob: type {recalc.get('type')!r}")

        cancelled = ok_result(await client.call_tool("cancel-billjob", {"orgId": org, "id": recalc["id"]}),
                              "cancel-billjob")
        check(cancelled.get("status") == "CANCELLED", f"cancel-billjob: status {cancelled.get('status')!r}")

        unknown = str(uuid.uuid4())
        result = await client.call_tool("retrieve-billjob", {"orgId": org, "id": unknown})
        check(result.is_error, f"retrieve-billjob of unknown id {unknown}: isError must be true, got {result!r}")
        text = " ".join(getattr(c, "text", "") for c in result.content)
        check(bool(text), "retrieve-billjob of an unknown id: the isError result has no text")
        print(f"[{mode}] retrieve-billjob unknown id -> isError: {text[:160]}", flush=True)

        result = await client.call_tool("create-recalculation-billjob", {"orgId": org, "body": {"billIds": []}})
        check(result.is_error, f"create-recalculation-billjob with billIds=[]: isError must be true, got {result!r}")

        # Invalid params. MCP 2025-06-18 lists "invalid arguments" among JSON-RPC protocol errors
        # (-32602); 2025-11-25 (SEP-1303) moves input validation errors into tool results with
        # isError true. Either is an error; a success is not.
        how = await expect_error(client, "retrieve-billjob", {"orgId": org}, "retrieve-billjob without id")
        print(f"[{mode}] missing required argument -> {how}", flush=True)
        how = await expect_error(client, "list-billjobs", {"orgId": org, "pageSize": "ten"}, "list-billjobs pageSize='ten'")
        print(f"[{mode}] wrongly typed argument -> {how}", flush=True)
        how = await expect_error(client, "list-billjobs", {"orgId": org, "bogus": 1}, "list-billjobs with an unknown argument")
        print(f"[{mode}] unknown argument -> {how}", flush=True)
        try:
            await client.call_tool("no-such-tool", {})
        except MCPError as exc:
            print(f"[{mode}] unknown tool -> JSON-RPC error {exc.code}: {exc.message}", flush=True)
        else:
            raise CheckFailed("calling an unknown tool must be a JSON-RPC error (MCP: protocol error for unknown tools)")


async def main_async(url: str, modes: list[str], org: str, timeout: float) -> int:
    failed = 0
    for mode in modes:
        try:
            with anyio.fail_after(timeout):
                await run_mode(url, mode, f"{org}-{mode}")
        except CheckFailed as exc:
            print(f"FAIL [{mode}]: {exc}", file=sys.stderr, flush=True)
            failed += 1
        except TimeoutError:
            print(f"FAIL [{mode}]: no answer within {timeout}s", file=sys.stderr, flush=True)
            failed += 1
        except Exception as exc:  # a transport or protocol failure is a failed check too
            print(f"FAIL [{mode}]: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            failed += 1
        else:
            print(f"PASS [{mode}]", flush=True)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="billjob's MCP endpoint, e.g. http://127.0.0.1:9090/mcp")
    parser.add_argument("--modes", default="legacy,auto", help="client modes to run (default legacy,auto)")
    parser.add_argument("--org", default=f"org-mcp-{uuid.uuid4().hex[:12]}", help="organization id prefix")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds allowed per mode (default 60)")
    args = parser.parse_args()
    return anyio.run(main_async, args.url, [m.strip() for m in args.modes.split(",") if m.strip()], args.org, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
