"""The HTTP side: sign in through the form, then keep-alive GETs from several threads.

Only 127.0.0.1 is ever contacted, and every loop is bounded by a request count and
a deadline, so a run always ends by itself.
"""

import http.client
import re
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

HOST = "127.0.0.1"
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _connect(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(HOST, port, timeout=60)


def _cookies(response: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header in response.headers.get_all("Set-Cookie") or ():
        for name, morsel in SimpleCookie(header).items():
            jar[name] = morsel.value


def _cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def sign_in(port: int, username: str, password: str) -> str:
    """The Cookie header of a session signed in through the real form (CSRF included)."""
    jar: dict[str, str] = {}
    conn = _connect(port)
    try:
        conn.request("GET", "/login")
        response = conn.getresponse()
        page = response.read().decode()
        _cookies(response, jar)
        token = CSRF_FIELD.search(page)
        if token is None:
            raise RuntimeError("the sign-in page carries no CSRF token")
        body = urlencode({"csrf_token": token.group(1), "username": username, "password": password})
        conn.request(
            "POST",
            "/login",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": _cookie_header(jar),
            },
        )
        response = conn.getresponse()
        response.read()
        _cookies(response, jar)
        if response.status != 303:
            raise RuntimeError(f"signing in as {username} failed: HTTP {response.status}")
        # Follow the redirect as a browser does: the first page after signing in gives
        # the session its CSRF token (renewed at sign-in), which every later request
        # then carries instead of being handed a new one.
        landing = urlsplit(response.getheader("Location"))
        conn.request("GET", landing.path or "/", headers={"Cookie": _cookie_header(jar)})
        response = conn.getresponse()
        response.read()
        _cookies(response, jar)
    finally:
        conn.close()
    return _cookie_header(jar)


def first_visit(port: int, path: str) -> str:
    """The Cookie header a visitor's browser keeps after its first GET of ``path`` (a
    session with its CSRF token, say): what a returning visitor then sends."""
    jar: dict[str, str] = {}
    conn = _connect(port)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        _cookies(response, jar)
    finally:
        conn.close()
    return _cookie_header(jar)


@dataclass
class Run:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]
    body_bytes: int
    answered: dict[int, int]  # port: responses 200 it gave
    statuses: Counter  # (port, HTTP status or the exception's name): how often

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile_ms(self, share: float) -> float:
        return percentile_ms(self.latencies, share)


def percentile_ms(latencies: list[float], share: float) -> float:
    """The ``share`` (0.95) percentile of latencies in seconds, in milliseconds."""
    if len(latencies) < 2:
        return 1000 * (latencies[0] if latencies else 0.0)
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
    return 1000 * quantiles[round(share * 100) - 1]


@dataclass
class Fetched:
    status: int
    content_type: str
    body: bytes


def fetch(port: int, path: str, cookie: str | None) -> Fetched:
    conn = _connect(port)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return Fetched(response.status, response.getheader("Content-Type", ""), response.read())
    finally:
        conn.close()


def hammer(
    ports: list[int],
    path: str,
    cookie: str | None,
    *,
    total: int,
    concurrency: int,
    seconds: float,
) -> Run:
    """``total`` GETs of ``path`` from ``concurrency`` keep-alive connections, or until
    ``seconds`` have passed, whichever comes first. Client thread i talks to
    ``ports[i % len(ports)]`` (round-robin over the workers, as a proxy would)."""
    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    errors = 0
    sizes: list[int] = []
    answered = dict.fromkeys(ports, 0)
    statuses: Counter = Counter()
    deadline = time.monotonic() + seconds

    def take_one() -> bool:
        nonlocal issued
        with lock:
            if issued >= total or time.monotonic() >= deadline:
                return False
            issued += 1
            return True

    def worker(port: int) -> None:
        nonlocal errors
        # Given a cookie, each client thread is a browser: it keeps the cookies the
        # server sets (a session re-signed as it ages, say) and sends them back, as a
        # phone would; sending the sign-in's cookie for ever would make every later
        # request re-sign it. Without one, every request is a first visit.
        jar = None
        if cookie:
            jar = {name: morsel.value for name, morsel in SimpleCookie(cookie).items()}
        conn = _connect(port)
        try:
            while take_one():
                started = time.perf_counter()
                try:
                    headers = {"Cookie": _cookie_header(jar)} if jar else {}
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    body = response.read()
                    if jar is not None:
                        _cookies(response, jar)
                except (OSError, http.client.HTTPException) as failure:
                    # A timed-out or dropped request is an error, not a lost thread.
                    with lock:
                        errors += 1
                        statuses[port, type(failure).__name__] += 1
                    conn.close()
                    conn = _connect(port)
                    continue
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    sizes.append(len(body))
                    errors += response.status != 200
                    answered[port] += response.status == 200
                    statuses[port, response.status] += 1
                if response.will_close:
                    conn.close()
                    conn = _connect(port)
        finally:
            conn.close()

    threads = [
        threading.Thread(target=worker, args=(ports[i % len(ports)],), daemon=True)
        for i in range(concurrency)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Run(
        requests=len(latencies),
        errors=errors,
        seconds=time.perf_counter() - started,
        latencies=latencies,
        body_bytes=max(sizes, default=0),
        answered=answered,
        statuses=statuses,
    )


class _Assets(HTMLParser):
    """Same-origin stylesheets, scripts and images a page makes the browser load."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        url = None
        if tag == "link" and "stylesheet" in (found.get("rel") or "").split():
            url = found.get("href")
        elif tag in ("script", "img"):
            url = found.get("src")
        if url and not urlsplit(url).netloc and url.startswith("/") and url not in self.urls:
            self.urls.append(url)


def page_weight(port: int, path: str, cookie: str | None) -> int:
    """The response plus, for HTML, every same-origin asset it references: what a first
    visit loads."""
    page = fetch(port, path, cookie)
    if not page.content_type.startswith("text/html"):
        return len(page.body)
    parser = _Assets()
    parser.feed(page.body.decode(errors="replace"))
    return len(page.body) + sum(len(fetch(port, url, cookie).body) for url in parser.urls)
