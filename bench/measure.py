"""What is measured in-process: SQL statements per page, and timed service operations."""

import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import event

from bench.scenarios import Operation, Page
from parkops.extensions import db


@contextmanager
def counting(app: Flask):
    """Counts the statements the app's engine runs inside the block: ``with counting(app) as n``."""
    with app.app_context():
        engine = db.engine
    counter = [0]

    def before(*_args):
        counter[0] += 1

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


def queries_per_page(app: Flask, page: Page, password: str) -> tuple[int, int]:
    """(statements, HTTP status) of one request for ``page`` in steady state.

    A test client of the same installation, signed in through the form; the first
    request warms per-process caches, the second is counted; the page cache is off for
    both, so the count is the page as it is made.
    """
    client = app.test_client()
    if page.user:
        response = client.post("/login", data={"username": page.user, "password": password})
        if response.status_code != 303:
            raise RuntimeError(f"signing in as {page.user} failed: HTTP {response.status_code}")
    cache = app.config["PAGE_CACHE"]
    app.config["PAGE_CACHE"] = False  # the page as it is made, not its kept copy
    try:
        client.get(page.path)
        with counting(app) as counter:
            status = client.get(page.path).status_code
    finally:
        app.config["PAGE_CACHE"] = cache
    return counter[0], status


@dataclass
class Timing:
    runs: int
    p50_ms: float
    p95_ms: float
    queries: float


def time_operation(app: Flask, operation: Operation) -> Timing:
    seconds: list[float] = []
    statements = 0
    for _ in range(operation.repeat):
        with app.app_context():
            if operation.prepare is not None:
                operation.prepare()
            with counting(app) as counter:
                started = time.perf_counter()
                operation.run()
                seconds.append(time.perf_counter() - started)
            statements += counter[0]
            db.session.remove()
    ordered = sorted(seconds)
    return Timing(
        runs=len(seconds),
        p50_ms=1000 * statistics.median(ordered),
        p95_ms=1000 * ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        queries=statements / len(seconds),
    )
