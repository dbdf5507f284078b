"""Rendered pages kept per process, never older than the last committed write.

``@cached_page`` (under the route's permission decorator, so access is checked on
every request) keeps a GET view's 200 response under the key

    (host, full path with query string, user id or None, language, business day,
     data version read before rendering)

The data version (``parkops.data_version``) moves with every committed write on any
worker, so a kept page is served only while nothing was written since it was made;
time-dependent text ("overdue", "as of 14:05") is at most ``PAGE_CACHE_SECONDS`` old.
The key holds the user, so no one is served another's page.

Per-response values are never shared: while a page is made, the CSRF token, the visitor
form token (``parkops.visitor_forms``) and every idempotency key it carries are noted
(``note_key``); the kept body has them cut out, and each serve puts in the visitor's own
signed CSRF token (``PageCache.csrf_token``), visitor token and a new random key per key.

Not kept, not served from the cache: other methods than GET; a request with flashed
messages waiting (the page would show them once); a response other than 200, one
that sets a cookie, a generator stream, a body over ``PAGE_CACHE_ENTRY_BYTES``;
a page whose making flashed a message. Concurrent misses for one key make the page
once ("single flight"): the others wait for it (at most ``WAIT_SECONDS``).

Settings: ``PAGE_CACHE`` (on), ``PAGE_CACHE_BYTES`` (all kept bodies of a process),
``PAGE_CACHE_ENTRY_BYTES``, ``PAGE_CACHE_SECONDS``.
"""

import functools
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Response, current_app, g, has_request_context, make_response, request, session

from parkops import data_version, i18n, visitor_forms
from parkops.auth import identity
from parkops.cookie_session import SmallStateSerializer
from parkops.timeutil import business_day

EXTENSION = "parkops_page_cache"
KEYS = "_parkops_fresh_keys"  # g: the idempotency keys this response carries
CSRF, KEY, VISITOR = 0, 1, 2  # the kinds of a cut in a kept body
WAIT_SECONDS = 30  # a waiting miss renders on its own after this (a stuck first render)
SIGNED_SECONDS = 60  # a session's signed CSRF token is reused this long (its limit: an hour)
SIGNED_KEPT = 10_000  # sessions whose signed token is kept; forgotten all at once beyond
_DROPPED_HEADERS = {"set-cookie", "content-length"}


@dataclass
class Entry:
    """A kept page: ``parts`` alternate body bytes and cuts ``(CSRF, 0)``, ``(VISITOR, 0)``
    / ``(KEY, n)`` (the page's n-th distinct idempotency key); ``size`` in bytes; ``expires`` on the
    cache's clock (seconds)."""

    parts: list
    status: int
    headers: list[tuple[str, str]]
    size: int
    expires: float


@dataclass
class _Flight:
    done: threading.Event = field(default_factory=threading.Event)
    waiting: int = 0


class PageCache:
    """A byte-bounded LRU of ``Entry`` with single-flight misses; thread-safe.

    ``clock`` returns seconds (``time.monotonic``); ``renders`` counts the pages made
    and kept, for the operator and the tests."""

    def __init__(self, max_bytes: int, max_entry_bytes: int, seconds: float, clock=time.monotonic):
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.seconds = seconds
        self.clock = clock
        self.size = 0
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._flights: dict[tuple, _Flight] = {}
        self._signed: dict[str, tuple[float, bytes]] = {}  # raw CSRF token: (clock, signed)
        self._signers: dict = {}  # CSRF secret key: its URLSafeTimedSerializer
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple) -> Entry | None:
        with self._lock:
            return self._get(key)

    def _get(self, key: tuple) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires <= self.clock():
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry

    def _drop(self, key: tuple) -> None:
        self.size -= self._entries.pop(key).size

    def put(self, key: tuple, entry: Entry) -> bool:
        """Keep ``entry``, evicting the least recently used; False when it is too big."""
        if entry.size > min(self.max_entry_bytes, self.max_bytes):
            return False
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = entry
            self.size += entry.size
            while self.size > self.max_bytes:
                self._drop(next(iter(self._entries)))
        return True

    def begin(self, key: tuple) -> tuple[Entry | None, _Flight | None, bool]:
        """``(entry, flight, leads)``: the kept entry if one appeared meanwhile; else
        the key's flight, and whether this caller makes the page (else it waits)."""
        with self._lock:
            entry = self._get(key)
            if entry is not None:
                return entry, None, False
            flight = self._flights.get(key)
            if flight is None:
                flight = self._flights[key] = _Flight()
                return None, flight, True
            flight.waiting += 1
            return None, flight, False

    def end(self, key: tuple, flight: _Flight) -> None:
        with self._lock:
            self._flights.pop(key, None)
        flight.done.set()

    def csrf_token(self) -> bytes:
        """This session's signed CSRF token, signed once a minute per session rather than
        with every serve: the token is valid for an hour, and the signature vouches for
        the same session's raw token either way. A session without a raw token yet (a
        visitor's first page) is given one. What Flask-WTF's ``generate_csrf`` makes (40
        hex digits of randomness in the session, signed by a ``URLSafeTimedSerializer``
        with the salt ``wtf-csrf-token``, which ``validate_csrf`` checks), with the
        serializer kept rather than built each time and its small compressor
        (``SmallStateSerializer``): a first scan makes one, and it cost a fifth of it."""
        app, sess = current_app._get_current_object(), session._get_current_object()
        here = g._get_current_object()
        field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        raw, now = sess.get(field), self.clock()
        kept = self._signed.get(raw) if raw else None
        if kept is not None and now - kept[0] < SIGNED_SECONDS:
            setattr(here, field, kept[1].decode())  # what generate_csrf() returns later on
            return kept[1]
        if field in here:  # signed already in this request (generate_csrf)
            signed = here.get(field).encode()
        else:
            if not isinstance(raw, str):
                raw = sess[field] = secrets.token_hex(20)
            key = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
            signer = self._signers.get(key)
            if signer is None:
                signer = self._signers[key] = SmallStateSerializer(key, salt="wtf-csrf-token")
            signed = signer.dumps(raw).encode()
            setattr(here, field, signed.decode())  # what generate_csrf() returns later on
        if len(self._signed) >= SIGNED_KEPT:
            self._signed = {}
        self._signed[sess[field]] = (now, signed)
        return signed

    def waiting(self) -> int:
        """How many requests wait for pages being made now."""
        with self._lock:
            return sum(flight.waiting for flight in self._flights.values())


def init_app(app) -> None:
    app.extensions[EXTENSION] = PageCache(
        int(app.config["PAGE_CACHE_BYTES"]),
        int(app.config["PAGE_CACHE_ENTRY_BYTES"]),
        float(app.config["PAGE_CACHE_SECONDS"]),
    )


def page_cache(app=None) -> PageCache:
    return (app or current_app).extensions[EXTENSION]


def note_key(key: str) -> None:
    """Note an idempotency key put in this response (``parkops.idempotency.field``)."""
    if has_request_context():
        g.setdefault(KEYS, []).append(key)


def cached_page(view: Callable) -> Callable:
    """Keep the GET view's page as the module docstring says."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        # The proxies resolved once each (a lookup through one costs a microsecond).
        app, req = current_app._get_current_object(), request._get_current_object()
        if req.method != "GET" or not app.config["PAGE_CACHE"] or "_flashes" in session:
            return view(*args, **kwargs)
        cache = app.extensions[EXTENSION]
        key = _key(req)
        entry = cache.get(key)
        if entry is None:
            entry, flight, leads = cache.begin(key)
            if entry is None and not leads:
                flight.done.wait(WAIT_SECONDS)
                entry = cache.get(key)
            if entry is None:
                g.pop(KEYS, None)
                try:
                    response = make_response(view(*args, **kwargs))
                    _keep(cache, key, response)
                finally:
                    if leads:
                        cache.end(key, flight)
                return response
        return _serve(entry, cache)

    wrapper.parkops_cached_page = True
    return wrapper


def serves(endpoint: str | None, app=None) -> bool:
    """Whether the page cache is on and the ``endpoint``'s view is a ``@cached_page``
    (of ``app``, else the current one)."""
    app = app or current_app._get_current_object()
    view = app.view_functions.get(endpoint) if endpoint else None
    return app.config["PAGE_CACHE"] and getattr(view, "parkops_cached_page", False)


def _key(req) -> tuple:
    """The kept page's key for the request ``req`` (module docstring)."""
    found = identity.current()
    return (
        req.host,
        req.full_path,
        found and found.user_id,
        i18n.select_locale(),  # the language as chosen: babel's Locale is not needed here
        business_day(),
        data_version.seen(),
    )


def _keep(cache: PageCache, key: tuple, response: Response) -> None:
    if (
        response.status_code != 200
        or "_flashes" in session
        or "Set-Cookie" in response.headers
        or (response.is_streamed and not response.direct_passthrough)
    ):
        return
    response.direct_passthrough = False  # a send_file body: read it once, keep it
    body = response.get_data()
    if len(body) > cache.max_entry_bytes:
        return
    cache.put(
        key,
        Entry(
            parts=_cut(body),
            status=200,
            headers=[(k, v) for k, v in response.headers if k.lower() not in _DROPPED_HEADERS],
            size=len(body),
            expires=cache.clock() + cache.seconds,
        ),
    )


def _cut(body: bytes) -> list:
    """``body`` split at this response's CSRF tokens and idempotency keys."""
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    keys = list(dict.fromkeys(g.get(KEYS, ())))
    fresh = {k.encode(): (KEY, n) for n, k in enumerate(keys)}
    if token:
        fresh[token.encode()] = (CSRF, 0)
    if visitor := g.get(visitor_forms.MADE):
        fresh[visitor.encode()] = (VISITOR, 0)
    if not fresh:
        return [body]
    pattern = re.compile(b"|".join(re.escape(v) for v in fresh))
    parts, start = [], 0
    for match in pattern.finditer(body):
        parts += [body[start : match.start()], fresh[match.group()]]
        start = match.end()
    parts.append(body[start:])
    return parts


def _serve(entry: Entry, cache: PageCache) -> Response:
    # Each token is made once per serve however many forms carry it (a crew page has
    # four CSRF cuts). An idempotency key is 32 random hex digits, as ``uuid4().hex``
    # makes them, without building a UUID (a third of the cost).
    fresh: dict = {}
    out = []
    for part in entry.parts:
        if part.__class__ is bytes:
            out.append(part)
            continue
        made = fresh.get(part)
        if made is None:
            if part[0] == CSRF:
                made = cache.csrf_token()
            elif part[0] == VISITOR:
                made = visitor_forms.token().encode()
            else:
                made = os.urandom(16).hex().encode()
            fresh[part] = made
        out.append(made)
    return Response(b"".join(out), status=entry.status, headers=entry.headers)
