#!/usr/bin/env python3
"""Drives billjob's REST surface with m3ter's own Python SDK (PyPI `m3ter==0.9.0`).

The SDK is pointed at billjob instead of api.m3ter.com; billjob runs with `--sandbox`, so its
upstream is the in-process emulation of m3ter's BillJob API. Every operation the SDK offers for
BillJobs is exercised the way a real m3ter customer would call it, and the answers are checked
against what m3ter documents (see shared notes, m3ter-billjob.md).

    python m3ter_sdk_e2e.py --base-url http://127.0.0.1:8080 --token TOKEN

Exit status 0 when every check held, 1 on the first failed check (with a FAIL line naming it).
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from datetime import date
from typing import Any, NoReturn

import m3ter
from m3ter import M3ter

STATUSES = ("PENDING", "INITIALIZING", "RUNNING", "COMPLETE", "CANCELLED")
ACTIVE_STATUSES = ("PENDING", "INITIALIZING", "RUNNING")
LIFECYCLE = ("PENDING", "INITIALIZING", "RUNNING", "COMPLETE")


class CheckFailed(Exception):
    """One expectation about billjob's behaviour did not hold."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def fail(message: str) -> NoReturn:
    raise CheckFailed(message)


def step(name: str) -> None:
    print(f"--- {name}", flush=True)


# Real-looking create requests: different frequencies, accounts, dates and currencies, as a billing
# team would submit them. Omitted keyword arguments are left out of the JSON by the SDK.
CREATE_REQUESTS: list[dict[str, Any]] = [
    dict(
        account_ids=["8c3f1b4e-0d2a-4b7e-9f61-2a5d3c4b5e6f", "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"],
        bill_date=date(2024, 2, 1),
        billing_frequency="MONTHLY",
        bill_frequency_interval=1,
        last_date_in_billing_period=date(2024, 1, 31),
        due_date=date(2024, 3, 1),
        external_invoice_date=date(2024, 2, 1),
        target_currency="USD",
        timezone="UTC",
        currency_conversions=[{"from": "EUR", "to": "USD", "multiplier": 1.12}],
    ),
    dict(
        account_ids=["3f2504e0-4f89-11d3-9a0c-0305e82c3301"],
        bill_date=date(2024, 4, 1),
        billing_frequency="ANNUALLY",
        bill_frequency_interval=1,
        year_epoch=date(2023, 4, 1),
        target_currency="GBP",
        timezone="Europe/London",
    ),
    dict(
        billing_frequency="WEEKLY",
        bill_date=date(2024, 5, 13),
        week_epoch=date(2024, 1, 1),
        target_currency="EUR",
        currency_conversions=[
            {"from": "USD", "to": "EUR", "multiplier": 0.92},
            {"from": "GBP", "to": "EUR", "multiplier": 1.17},
        ],
    ),
    dict(
        billing_frequency="DAILY",
        bill_date=date(2024, 6, 2),
        day_epoch=date(2024, 6, 1),
        due_date=date(2024, 6, 30),
        timezone="America/New_York",
    ),
]

# Request keyword -> response attribute, for the fields a create must echo back unchanged.
ECHOED = {
    "account_ids": "account_ids",
    "bill_date": "bill_date",
    "billing_frequency": "billing_frequency",
    "bill_frequency_interval": "bill_frequency_interval",
    "last_date_in_billing_period": "last_date_in_billing_period",
    "due_date": "due_date",
    "external_invoice_date": "external_invoice_date",
    "target_currency": "target_currency",
    "timezone": "timezone",
    "day_epoch": "day_epoch",
    "week_epoch": "week_epoch",
    "year_epoch": "year_epoch",
}


def conversions_of(job: Any) -> list[tuple[str, str, float | None]]:
    return [(c.from_, c.to, c.multiplier) for c in (job.currency_conversions or [])]


def check_job_shape(job: Any, where: str) -> None:
    check(isinstance(job.id, str) and job.id != "", f"{where}: id must be a non-empty string, got {job.id!r}")
    check(job.status in STATUSES, f"{where}: status {job.status!r} is not one of {STATUSES}")
    check(job.type in ("CREATE", "RECALCULATE"), f"{where}: type {job.type!r} is not CREATE or RECALCULATE")


def expect_status_error(kind: type[m3ter.APIStatusError], status: int, where: str, call: Any) -> m3ter.APIStatusError:
    """Runs `call`, which must raise `kind` with HTTP `status`; returns the exception."""
    try:
        result = call()
    except kind as exc:
        check(exc.status_code == status, f"{where}: expected HTTP {status}, got {exc.status_code}")
        return exc
    except m3ter.APIStatusError as exc:
        fail(f"{where}: expected {kind.__name__} (HTTP {status}), got {type(exc).__name__} "
             f"(HTTP {exc.status_code}): {exc.body!r}")
    fail(f"{where}: expected {kind.__name__} (HTTP {status}), but the call succeeded: {result!r}")


def run(base_url: str, token: str, org: str, lifecycle_timeout: float) -> None:
    client = M3ter(
        api_key="k",
        api_secret="s",
        token=token,
        org_id=org,
        base_url=f"{base_url.rstrip('/')}/v1",
        # A retried 5xx would hide a server error from this test.
        max_retries=0,
        # Validate every response against the SDK's models, as the SDK's own strict tests do.
        _strict_response_validation=True,
    )
    print(f"m3ter SDK {m3ter.__version__} -> {client.base_url} org={org}", flush=True)

    step("create: several BillJobs with real field values")
    created: list[Any] = []
    for i, kwargs in enumerate(CREATE_REQUESTS):
        job = client.bill_jobs.create(**kwargs)
        where = f"create #{i} ({kwargs.get('billing_frequency')})"
        check_job_shape(job, where)
        check(job.type == "CREATE", f"{where}: type must be CREATE, got {job.type!r}")
        check(job.status in STATUSES, f"{where}: unexpected status {job.status!r}")
        for arg, attr in ECHOED.items():
            if arg in kwargs:
                got = getattr(job, attr)
                check(got == kwargs[arg], f"{where}: {attr} should echo {kwargs[arg]!r}, got {got!r}")
        if "currency_conversions" in kwargs:
            want = [(c["from"], c["to"], c["multiplier"]) for c in kwargs["currency_conversions"]]
            check(conversions_of(job) == want, f"{where}: currencyConversions {conversions_of(job)} != {want}")
        created.append(job)
        print(f"created {job.id} status={job.status} frequency={job.billing_frequency}", flush=True)

    # The SDK sends `{}` for a create without arguments; m3ter accepts it (every field is optional).
    job = client.bill_jobs.create()
    check_job_shape(job, "create with {}")
    check(job.type == "CREATE", f"create with {{}}: type must be CREATE, got {job.type!r}")
    created.append(job)
    print(f"created {job.id} from an empty body", flush=True)

    ids = [j.id for j in created]
    check(len(set(ids)) == len(ids), f"create returned duplicate ids: {ids}")

    step("retrieve: each created BillJob")
    for made in created:
        got = client.bill_jobs.retrieve(made.id)
        check_job_shape(got, f"retrieve {made.id}")
        check(got.id == made.id, f"retrieve {made.id}: returned id {got.id!r}")
        check(got.type == "CREATE", f"retrieve {made.id}: type {got.type!r}")
        for attr in (*ECHOED.values(), "currency_conversions"):
            check(getattr(got, attr) == getattr(made, attr),
                  f"retrieve {made.id}: {attr} {getattr(got, attr)!r} differs from create's {getattr(made, attr)!r}")

    step("recalculate: bill_ids=[...]")
    bill_ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    recalc = client.bill_jobs.recalculate(bill_ids=bill_ids)
    check_job_shape(recalc, "recalculate")
    check(recalc.type == "RECALCULATE", f"recalculate: type must be RECALCULATE, got {recalc.type!r}")
    if recalc.bill_ids is not None:
        check(recalc.bill_ids == bill_ids, f"recalculate: billIds {recalc.bill_ids} != {bill_ids}")
    again = client.bill_jobs.retrieve(recalc.id)
    check(again.id == recalc.id and again.type == "RECALCULATE",
          f"retrieve of the recalculation job {recalc.id} gave id={again.id!r} type={again.type!r}")
    created.append(recalc)
    print(f"recalculation job {recalc.id} status={recalc.status}", flush=True)

    step("cancel: a freshly created (active) BillJob")
    target = client.bill_jobs.create(billing_frequency="MONTHLY", bill_date=date(2024, 7, 1), target_currency="USD")
    check(target.status in ACTIVE_STATUSES, f"a new BillJob should be active, got {target.status!r}")
    cancelled = client.bill_jobs.cancel(target.id)
    check_job_shape(cancelled, "cancel")
    check(cancelled.id == target.id, f"cancel returned id {cancelled.id!r}, expected {target.id!r}")
    check(cancelled.status == "CANCELLED", f"cancel: status must be CANCELLED, got {cancelled.status!r}")
    after = client.bill_jobs.retrieve(target.id)
    check(after.status == "CANCELLED", f"retrieve after cancel: status must stay CANCELLED, got {after.status!r}")
    created.append(target)
    print(f"cancelled {target.id}", flush=True)

    step("list: page_size=2, auto-paginating over nextToken")
    page = client.bill_jobs.list(page_size=2)
    pages = 0
    listed: list[Any] = []
    for p in page.iter_pages():
        pages += 1
        check(len(p.data) <= 2, f"page {pages} holds {len(p.data)} items with pageSize=2")
        listed.extend(p.data)
        check(pages <= 1000, "pagination did not end after 1000 pages")
    listed_ids = [j.id for j in listed]
    # The same walk through the SDK's item iterator (what most users write).
    iter_ids = [j.id for j in client.bill_jobs.list(page_size=2)]
    check(iter_ids == listed_ids, "iterating the cursor and walking its pages gave different ids")
    for j in listed:
        check_job_shape(j, f"list item {j.id}")
    for made in created:
        n = listed_ids.count(made.id)
        check(n == 1, f"list: BillJob {made.id} appears {n} times over {pages} pages (expected exactly once)")
    check(len(set(listed_ids)) == len(listed_ids), f"list: some id appears twice: {listed_ids}")
    check(pages >= (len(created) + 1) // 2, f"list: {len(created)} jobs came back in only {pages} pages of 2")
    # m3ter lists newest first: our jobs must come back in reverse creation order.
    ours = [i for i in listed_ids if i in {j.id for j in created}]
    check(ours == [j.id for j in reversed(created)], f"list is not newest-first: {ours}")
    print(f"listed {len(listed_ids)} BillJobs over {pages} pages", flush=True)

    step("list: explicit next_token continues where the first page stopped")
    first = client.bill_jobs.list(page_size=2)
    check(first.next_token is not None, "list: the first page of 2 must carry a nextToken")
    second = client.bill_jobs.list(page_size=2, next_token=first.next_token)
    check([j.id for j in second.data] == listed_ids[2:4],
          f"list with next_token: got {[j.id for j in second.data]}, expected {listed_ids[2:4]}")

    step("list: status filter")
    cancelled_listing = [j for j in client.bill_jobs.list(status="CANCELLED", page_size=2)]
    check(all(j.status == "CANCELLED" for j in cancelled_listing),
          f"status=CANCELLED returned {sorted({j.status for j in cancelled_listing})}")
    check(target.id in {j.id for j in cancelled_listing}, f"status=CANCELLED does not list {target.id}")
    for status in ACTIVE_STATUSES + ("COMPLETE",):
        rows = list(client.bill_jobs.list(status=status, page_size=100))
        check(all(j.status == status for j in rows), f"status={status} returned {sorted({j.status for j in rows})}")
        check(target.id not in {j.id for j in rows}, f"status={status} lists the cancelled job {target.id}")

    step("list: active filter")
    active = list(client.bill_jobs.list(active="TRUE", page_size=100))
    check(all(j.status in ACTIVE_STATUSES for j in active),
          f"active=TRUE returned inactive statuses {sorted({j.status for j in active} - set(ACTIVE_STATUSES))}")
    check(target.id not in {j.id for j in active}, f"active=TRUE lists the cancelled job {target.id}")
    everything = {j.id for j in client.bill_jobs.list(active="FALSE", page_size=100)}
    missing = [j.id for j in created if j.id not in everything]
    check(not missing, f"active=FALSE must list every BillJob; missing {missing}")

    step("lifecycle: a BillJob runs PENDING -> INITIALIZING -> RUNNING -> COMPLETE")
    fresh = client.bill_jobs.create(billing_frequency="AD_HOC", bill_date=date(2024, 8, 1), target_currency="CHF")
    watched = fresh.id
    seen = [fresh.status]
    deadline = time.monotonic() + lifecycle_timeout
    while seen[-1] != "COMPLETE":
        if time.monotonic() > deadline:
            fail(f"lifecycle: {watched} did not reach COMPLETE within {lifecycle_timeout}s (saw {seen})")
        time.sleep(0.05)
        status = client.bill_jobs.retrieve(watched).status
        if status != seen[-1]:
            seen.append(status)
    print(f"lifecycle of {watched}: {' -> '.join(seen)}", flush=True)
    check(seen == list(LIFECYCLE), f"lifecycle: expected {' -> '.join(LIFECYCLE)}, saw {' -> '.join(seen)}")
    complete = {j.id for j in client.bill_jobs.list(status="COMPLETE", page_size=100)}
    check(watched in complete, f"status=COMPLETE does not list the completed job {watched}")
    active_now = {j.id for j in client.bill_jobs.list(active="TRUE", page_size=100)}
    check(watched not in active_now, f"active=TRUE lists the completed job {watched}")

    # Undocumented upstream behaviour (m3ter documents only "cancel an ongoing BillJob"): report it.
    try:
        res = client.bill_jobs.cancel(watched)
        print(f"INFO: cancel of a COMPLETE job answered 200 with status {res.status}", flush=True)
    except m3ter.APIStatusError as exc:
        print(f"INFO: cancel of a COMPLETE job answered HTTP {exc.status_code}: {exc.body!r}", flush=True)
        check(400 <= exc.status_code < 500, f"cancel of a COMPLETE job gave a server error {exc.status_code}")

    step("404: retrieve an unknown BillJob -> m3ter.NotFoundError with m3ter's message")
    unknown = str(uuid.uuid4())
    exc = expect_status_error(m3ter.NotFoundError, 404, f"retrieve {unknown}",
                              lambda: client.bill_jobs.retrieve(unknown))
    check(isinstance(exc.body, dict) and isinstance(exc.body.get("message"), str) and exc.body["message"],
          f"404 body must be m3ter's {{\"message\": ...}}, got {exc.body!r}")
    ctype = exc.response.headers.get("content-type", "")
    check(ctype.startswith("application/json"), f"404 passed through from upstream should be application/json, got {ctype!r}")
    print(f"404 -> {type(exc).__name__}: {exc.body['message']!r}", flush=True)
    expect_status_error(m3ter.NotFoundError, 404, f"cancel {unknown}", lambda: client.bill_jobs.cancel(unknown))

    step("400: recalculate with empty bill_ids -> m3ter.BadRequestError")
    exc = expect_status_error(m3ter.BadRequestError, 400, "recalculate(bill_ids=[])",
                              lambda: client.bill_jobs.recalculate(bill_ids=[]))
    body = exc.body
    check(isinstance(body, dict) and (isinstance(body.get("message"), str) or isinstance(body.get("title"), str)),
          f"400 body must be m3ter's {{\"message\"}} or a problem+json object, got {body!r}")
    print(f"400 -> {type(exc).__name__} ({exc.response.headers.get('content-type')}): {body!r}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True, help="billjob's REST root, e.g. http://127.0.0.1:8080")
    parser.add_argument("--token", required=True, help="bearer token billjob's sandbox accepts (M3TER_API_KEY)")
    parser.add_argument("--org", default=f"org-sdk-{uuid.uuid4().hex[:12]}", help="organization id (default: fresh)")
    parser.add_argument("--lifecycle-timeout", type=float, default=60.0,
                        help="seconds to wait for a BillJob to reach COMPLETE (default 60)")
    args = parser.parse_args()
    try:
        run(args.base_url, args.token, args.org, args.lifecycle_timeout)
    except CheckFailed as exc:
        print(f"FAIL: {exc}", file=sys.stderr, flush=True)
        return 1
    except m3ter.APIStatusError as exc:
        print(f"FAIL: unexpected HTTP {exc.status_code} from {exc.request.method} {exc.request.url}: {exc.body!r}",
              file=sys.stderr, flush=True)
        return 1
    except m3ter.APIError as exc:
        print(f"FAIL: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 1
    print("PASS: m3ter SDK end-to-end", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
