#!/usr/bin/env python3
"""Drives a running BillJob sandbox (or anything serving the same API) through all five
operations and validates every response body against m3ter's OpenAPI schemas.

Usage:
    python3 validate_sandbox.py BASE_URL TOKEN [--openapi PATH] [--org ORG] [--no-strict]

    BASE_URL  where `/organizations/{orgId}/billjobs` lives, e.g. http://127.0.0.1:8089
              (or http://127.0.0.1:8080/v1 for a gateway that serves under /v1)
    TOKEN     the bearer token the server expects

Needs the `jsonschema` package (pip install jsonschema). Schemas come from m3ter's
OpenAPI document (`shared/upstream/m3ter-openapi.json`, found next to the workspace or
given with --openapi); failing that, from the extracted copy beside this script,
`m3ter-billjob-schemas.json` (which --openapi also accepts).

OpenAPI 3.0 is not JSON Schema, so each schema is translated first: `$ref`s to
`#/components/schemas/...` are inlined (siblings of `$ref` ignored, as OpenAPI 3.0 says),
`nullable: true` admits null, and the result is checked with Draft 4 rules, whose boolean
`exclusiveMinimum` is OpenAPI 3.0's. `date` and `date-time` formats are checked strictly.
With strict mode (the default) properties that the schema does not declare are reported
too, which catches misspelt field names; the body must also contain no null at all,
since the sandbox leaves absent fields out.

Prints one line per check and a final `N passed, M failed`; exits 1 on any failure.
"""
import argparse
import datetime
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

try:
    import jsonschema
except ImportError:  # pragma: no cover - environment problem, reported plainly
    sys.exit("validate_sandbox.py needs the jsonschema package: pip install jsonschema")

HERE = os.path.dirname(os.path.abspath(__file__))
OPENAPI_CANDIDATES = [
    os.path.join(HERE, "..", "..", "..", "shared", "upstream", "m3ter-openapi.json"),
    "/work/shared/upstream/m3ter-openapi.json",
]
FIXTURE = os.path.join(HERE, "m3ter-billjob-schemas.json")
SCHEMA_PREFIX = "#/components/schemas/"

# The five operations and the schema of each one's 200 response body.
OPERATIONS = {
    "ListBillJobs": ("get", "/organizations/{orgId}/billjobs"),
    "CreateBillJob": ("post", "/organizations/{orgId}/billjobs"),
    "RecalculateBillJob": ("post", "/organizations/{orgId}/billjobs/recalculate"),
    "GetBillJob": ("get", "/organizations/{orgId}/billjobs/{id}"),
    "CancelBillJob": ("post", "/organizations/{orgId}/billjobs/{id}/cancel"),
}


# --------------------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------------------


def load_schemas(openapi_path):
    """Returns (component schemas, {operationId: response schema}, error schema)."""
    paths = [openapi_path] if openapi_path else OPENAPI_CANDIDATES
    for path in paths:
        if path and os.path.exists(path):
            with open(path) as handle:
                spec = json.load(handle)
            if "operations" in spec and "paths" not in spec:
                return fixture_schemas(spec, path)
            responses = {}
            for operation, (method, route) in OPERATIONS.items():
                op = spec["paths"][route][method]
                if op.get("operationId") != operation:
                    raise SystemExit(f"{method.upper()} {route} is not {operation} in {path}")
                responses[operation] = op["responses"]["200"]["content"]["application/json"]["schema"]
            error = spec["components"]["responses"]["Error"]["content"]["application/json"]["schema"]
            return spec["components"]["schemas"], responses, error, path
    if openapi_path:
        raise SystemExit(f"no OpenAPI document at {openapi_path}")
    with open(FIXTURE) as handle:
        return fixture_schemas(json.load(handle), FIXTURE)


def fixture_schemas(fixture, path):
    """The same, from the extracted copy written by extract_billjob_schemas.py."""
    responses = {name: {"$ref": op["response"]} for name, op in fixture["operations"].items()}
    return fixture["schemas"], responses, fixture["errorSchema"], path


def to_json_schema(node, components, depth=0):
    """Translates an OpenAPI 3.0 schema into a self-contained Draft 4 JSON Schema."""
    if depth > 64:
        raise ValueError("schema nesting too deep (recursive $ref?)")
    if isinstance(node, list):
        return [to_json_schema(item, components, depth + 1) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        if not ref.startswith(SCHEMA_PREFIX):
            raise ValueError(f"unsupported $ref {ref}")
        return to_json_schema(components[ref[len(SCHEMA_PREFIX):]], components, depth + 1)
    out = {}
    for key, value in node.items():
        if key.startswith("x-") or key in ("example", "examples", "deprecated", "nullable", "description"):
            continue
        if key == "properties":
            out[key] = {name: to_json_schema(sub, components, depth + 1) for name, sub in value.items()}
        else:
            out[key] = to_json_schema(value, components, depth + 1)
    if node.get("nullable") is True:
        out = {"anyOf": [out, {"type": "null"}]}
    return out


DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def is_date(text):
    if not isinstance(text, str):
        return True
    if not DATE.match(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def is_date_time(text):
    if not isinstance(text, str):
        return True
    if not DATE_TIME.match(text) or not is_date(text[:10]):
        return False
    hour, minute, second = int(text[11:13]), int(text[14:16]), int(text[17:19])
    return hour < 24 and minute < 60 and second < 61


FORMATS = jsonschema.FormatChecker(formats=())
FORMATS.checks("date")(is_date)
FORMATS.checks("date-time")(is_date_time)


def declared_properties(node, components):
    """Names declared by `properties` of a schema and its `allOf` parts, or None."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        node = components[node["$ref"][len(SCHEMA_PREFIX):]]
    if not isinstance(node, dict):
        return None
    names = None
    if isinstance(node.get("properties"), dict):
        names = set(node["properties"])
    for part in node.get("allOf", []):
        more = declared_properties(part, components)
        if more is not None:
            names = (names or set()) | more
    return names


def property_schema(node, name, components):
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        node = components[node["$ref"][len(SCHEMA_PREFIX):]]
    if not isinstance(node, dict):
        return None
    if name in node.get("properties", {}):
        return node["properties"][name]
    for part in node.get("allOf", []):
        found = property_schema(part, name, components)
        if found is not None:
            return found
    return None


def undeclared(node, value, components, at="$"):
    """Properties present in `value` that the OpenAPI schema does not declare."""
    problems = []
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        node = components[node["$ref"][len(SCHEMA_PREFIX):]]
    if isinstance(value, dict):
        names = declared_properties(node, components)
        if names is not None:
            for key, sub in value.items():
                if key not in names:
                    problems.append(f"{at}.{key}: not declared by the schema")
                else:
                    problems += undeclared(property_schema(node, key, components), sub, components, f"{at}.{key}")
    elif isinstance(value, list) and isinstance(node, dict) and "items" in node:
        for index, item in enumerate(value):
            problems += undeclared(node["items"], item, components, f"{at}[{index}]")
    return problems


def nulls(value, at="$"):
    if value is None:
        return [f"{at}: null (absent fields must be left out)"]
    if isinstance(value, dict):
        return [p for key, sub in value.items() for p in nulls(sub, f"{at}.{key}")]
    if isinstance(value, list):
        return [p for index, sub in enumerate(value) for p in nulls(sub, f"{at}[{index}]")]
    return []


# --------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------


class Api:
    def __init__(self, base_url, token, org):
        self.base = base_url.rstrip("/")
        self.token = token
        self.org = org

    def call(self, method, path, body=None, query=None, token=True):
        url = self.base + path.format(orgId=urllib.parse.quote(self.org, safe=""))
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        return status, parsed


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------

ALL_PARAMS = {
    "accountIds": ["8c3f1b4e-0d2a-4b7e-9f61-2a5d3c4b5e6f", "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"],
    "billDate": "2024-02-01",
    "billFrequencyInterval": 1,
    "billingFrequency": "MONTHLY",
    "currencyConversions": [{"from": "EUR", "to": "USD", "multiplier": 1.12}],
    "dayEpoch": "2024-01-01",
    "dueDate": "2024-03-01",
    "externalInvoiceDate": "2024-02-01",
    "lastDateInBillingPeriod": "2024-01-31",
    "monthEpoch": "2024-01-01",
    "targetCurrency": "USD",
    "timezone": "UTC",
    "weekEpoch": "2024-01-01",
    "yearEpoch": "2024-01-01",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url")
    parser.add_argument("token")
    parser.add_argument("--openapi", help="path to m3ter-openapi.json")
    parser.add_argument("--org", default=f"validate-{os.getpid()}", help="orgId to use")
    parser.add_argument("--no-strict", action="store_true", help="allow undeclared properties")
    parser.add_argument(
        "--gateway",
        action="store_true",
        help="BASE_URL is billjob's REST surface: skip the two checks that only apply to m3ter "
        "itself (an empty create body, which the spec's required `body` refuses with 400, and "
        "403 without a token, since the gateway holds the upstream credentials)",
    )
    args = parser.parse_args()

    components, responses, error_schema, source = load_schemas(args.openapi)
    print(f"schemas from {source}")
    validators = {
        name: jsonschema.Draft4Validator(to_json_schema(schema, components), format_checker=FORMATS)
        for name, schema in responses.items()
    }
    error_validator = jsonschema.Draft4Validator(to_json_schema(error_schema, components))
    api = Api(args.base_url, args.token, args.org)
    passed, failed = 0, 0

    def check(label, operation, status, body, want_status=200):
        nonlocal passed, failed
        problems = []
        if status != want_status:
            problems.append(f"status {status}, expected {want_status}")
        if operation is None:
            validator, schema = error_validator, error_schema
        else:
            validator, schema = validators[operation], responses[operation]
        if not isinstance(body, dict):
            problems.append(f"body is not a JSON object: {body!r}")
        else:
            problems += [f"{'/'.join(map(str, e.absolute_path)) or '$'}: {e.message}" for e in validator.iter_errors(body)]
            problems += nulls(body)
            if not args.no_strict:
                problems += undeclared(schema, body, components)
        if problems:
            failed += 1
            print(f"FAIL {label}")
            for problem in problems:
                print(f"     {problem}")
        else:
            passed += 1
            print(f"ok   {label}")
        return body if isinstance(body, dict) else {}

    jobs = "/organizations/{orgId}/billjobs"
    full = check("create with every field", "CreateBillJob", *api.call("POST", jobs, ALL_PARAMS))
    check("create with {}", "CreateBillJob", *api.call("POST", jobs, {}))
    if not args.gateway:
        check("create with an empty body", "CreateBillJob", *api.call("POST", jobs, b""))
    recalc = check(
        "recalculate", "RecalculateBillJob",
        *api.call("POST", jobs + "/recalculate", {"billIds": ["bill-1", "bill-2"], "version": 1}),
    )
    for label, job in (("retrieve created", full), ("retrieve recalculation", recalc)):
        if "id" in job:
            check(label, "GetBillJob", *api.call("GET", f"{jobs}/{urllib.parse.quote(job['id'], safe='')}"))
    if "id" in full:
        check("cancel", "CancelBillJob", *api.call("POST", f"{jobs}/{urllib.parse.quote(full['id'], safe='')}/cancel", b""))

    token, pages = None, 0
    while pages < 50:
        query = {"pageSize": 2}
        if token:
            query["nextToken"] = token
        page = check(f"list page {pages + 1}", "ListBillJobs", *api.call("GET", jobs, query=query))
        pages += 1
        token = page.get("nextToken")
        if not token:
            break
    for query in ({"active": "TRUE"}, {"status": "CANCELLED"}, {"pageSize": 100}):
        check(f"list {urllib.parse.urlencode(query)}", "ListBillJobs", *api.call("GET", jobs, query=query))

    # Error bodies follow the Error response.
    check("404 unknown id", None, *api.call("GET", jobs + "/no-such-job"), want_status=404)
    check("400 validation", None, *api.call("POST", jobs, {"accountIds": []}), want_status=400)
    check("400 bad pageSize", None, *api.call("GET", jobs, query={"pageSize": 0}), want_status=400)
    if not args.gateway:
        check("403 without token", None, *api.call("GET", jobs, token=False), want_status=403)

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
