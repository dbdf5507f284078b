"""Many phones at once against the running workers: the visitor's and the crew's flow.

A visitor phone opens a label's scan page, reports a fault with a photo (multipart, as
the form sends it, with its CSRF token and idempotency key) and opens the confirmation;
a crew phone opens the scan page signed in and taps "inspected, fine". One visitor and
one crew phone in ten send their post twice with the same key, as a phone does when the
network drops the first answer: the second must lead where the first did, adding nothing.

Each phone has its own keep-alive connection to worker ``i mod N`` and its own
``X-Forwarded-For`` address (the workers run with ``PARKOPS_PROXY_COUNT=1``, as behind
nginx), so the per-address limit on visitor reports counts each phone on its own.
Only 127.0.0.1 is contacted; the whole run ends by ``seconds`` (phones not done then
count as errors).
"""

import http.client
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from io import BytesIO

from PIL import Image

from bench.load import CSRF_FIELD, HOST, percentile_ms

CATEGORY = re.compile(r'name="category" value="([a-z_]+)"')
INSPECT = re.compile(r'action="/facilities/(\d+)/inspect"')
THANKS = re.compile(r"/thanks/([^/?#]+)$")
RETRY_EVERY = 10  # phones 0 and 1 of every ten (a visitor, a crew) repeat their post


@dataclass(frozen=True)
class Phone:
    number: int
    port: int
    token: str  # the label it scans
    cookie: str | None  # the crew's session; None for a visitor

    @property
    def address(self) -> str:
        return f"10.{self.number // 65536 % 256}.{self.number // 256 % 256}.{self.number % 256}"


@dataclass
class Outcome:
    """What the phones did: latencies per step (seconds), errors, and what was created."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # the visitors' report references
    inspected: int = 0  # crew phones whose inspection was taken
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def step(self, name: str, seconds: float) -> None:
        with self.lock:
            self.latencies.setdefault(name, []).append(seconds)

    def all_latencies(self) -> list[float]:
        return [s for values in self.latencies.values() for s in values]


class _Refused(Exception):
    """A response other than the flow expects."""


def photo_jpeg(side: int = 1600) -> bytes:
    """A phone photo as the page's script sends it (shrunk to ``side`` on the long side)."""
    image = Image.radial_gradient("L").resize((side, side * 3 // 4)).convert("RGB")
    out = BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _multipart(fields: dict[str, str], photo: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="IMG.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + photo
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class _Session:
    """One phone's connection, cookies and address; every request timed into ``outcome``."""

    def __init__(self, phone: Phone, outcome: Outcome):
        self.phone, self.outcome = phone, outcome
        self.cookies: dict[str, str] = {}
        if phone.cookie:
            name, _, value = phone.cookie.partition("=")
            self.cookies[name] = value
        self.conn = http.client.HTTPConnection(HOST, phone.port, timeout=120)

    def request(self, step: str, method: str, path: str, expect: int, body=b"", kind=None):
        headers = {"X-Forwarded-For": self.phone.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if kind:
            headers["Content-Type"] = kind
        started = time.perf_counter()
        self.conn.request(method, path, body=body or None, headers=headers)
        response = self.conn.getresponse()
        page = response.read()
        self.outcome.step(step, time.perf_counter() - started)
        for header in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        if response.status != expect:
            raise _Refused(f"{step} {path}: HTTP {response.status}, expected {expect}")
        if response.will_close:
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.phone.port, timeout=120)
        return response, page.decode(errors="replace")

    def form_post(self, step: str, path: str, body: bytes, kind: str, retry: bool) -> str:
        """Posts (twice when ``retry``); the redirect's Location, the same both times."""
        response, _page = self.request(step, "POST", path, 303, body, kind)
        location = response.getheader("Location", "")
        if retry:
            again, _page = self.request(step + " (retry)", "POST", path, 303, body, kind)
            if again.getheader("Location", "") != location:
                raise _Refused(f"{step}: the retry led elsewhere ({location!r})")
        return location


def _visitor(session: _Session, photo: bytes, retry: bool) -> None:
    scan = f"/q/{session.phone.token}"
    _response, page = session.request("scan page, visitor", "GET", scan, 200)
    csrf, category = CSRF_FIELD.search(page), CATEGORY.search(page)
    if csrf is None or category is None:
        raise _Refused(f"{scan}: no report form")
    fields = {
        "csrf_token": csrf.group(1),
        "idempotency_key": uuid.uuid4().hex,
        "category": category.group(1),
        "description": f"bench phone {session.phone.number}",
        "phone": "",
    }
    body, kind = _multipart(fields, photo)
    location = session.form_post("report with a photo", scan, body, kind, retry)
    reference = THANKS.search(location)
    if reference is None:
        raise _Refused(f"{scan}: the report led to {location!r}")
    session.request("confirmation", "GET", _path(location), 200)
    with session.outcome.lock:
        session.outcome.references.append(reference.group(1))


def _path(location: str) -> str:
    """The path of a redirect's Location (absolute or not)."""
    if "://" in location:
        return "/" + location.split("://", 1)[1].split("/", 1)[1]
    return location


def _crew(session: _Session, retry: bool) -> None:
    scan = f"/q/{session.phone.token}"
    _response, page = session.request("scan page, crew", "GET", scan, 200)
    csrf, facility = CSRF_FIELD.search(page), INSPECT.search(page)
    if csrf is None or facility is None:
        raise _Refused(f"{scan}: no inspection button for the crew")
    body = f"csrf_token={csrf.group(1)}&idempotency_key={uuid.uuid4().hex}".encode()
    path = f"/facilities/{facility.group(1)}/inspect"
    session.form_post("inspection", path, body, "application/x-www-form-urlencoded", retry)
    with session.outcome.lock:
        session.outcome.inspected += 1


def run_phones(phones: list[Phone], seconds: float, photo: bytes) -> Outcome:
    """Every phone runs its flow once, all at the same time; returns when all are done or
    ``seconds`` have passed."""
    outcome = Outcome()
    start = threading.Barrier(len(phones) + 1)

    def flow(phone: Phone) -> None:
        session = _Session(phone, outcome)
        retry = phone.number % RETRY_EVERY < 2
        start.wait()
        try:
            _crew(session, retry) if phone.cookie else _visitor(session, photo, retry)
        except (_Refused, OSError, http.client.HTTPException) as exc:
            with outcome.lock:
                outcome.errors.append(f"phone {phone.number}: {exc}")
        finally:
            session.conn.close()

    threads = [threading.Thread(target=flow, args=(p,), daemon=True) for p in phones]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    deadline = time.monotonic() + seconds
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    outcome.seconds = time.perf_counter() - began
    unfinished = sum(thread.is_alive() for thread in threads)
    if unfinished:
        outcome.errors.append(f"{unfinished} phones not done after {seconds:.0f} s")
    return outcome


def summary(outcome: Outcome) -> str:
    lines = [f"{'step':<28} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8}"]
    for step, values in [*outcome.latencies.items(), ("all", outcome.all_latencies())]:
        lines.append(
            f"{step:<28} {len(values):>8} {percentile_ms(values, 0.50):>8.1f}"
            f" {percentile_ms(values, 0.95):>8.1f}"
        )
    return "\n".join(lines)
