"""Flask's signed-cookie sessions, with each verified cookie remembered for a while.

A browser sends the same session cookie with request after request. Verifying its
signature and decoding it costs as much as serving a kept page (``parkops.page_cache``),
so the content of a cookie that verified is kept per process under the cookie's exact
value, with the time it was signed: the same bytes verify the same way, and the age
limit (``PERMANENT_SESSION_LIFETIME``) is still checked at every request. Only cookies
whose values are all plain (strings, numbers, booleans) are kept, so no request can
change what another one reads; a session with flashed messages is decoded each time.
"""

import threading
import time

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

KEPT = 10_000  # cookies remembered per process; all forgotten at once beyond
_PLAIN = (str, int, float, bool, type(None))


class KeptCookieSessionInterface(SecureCookieSessionInterface):
    """``SecureCookieSessionInterface`` with the verified cookies kept (module docstring)."""

    def __init__(self):
        self._verified: dict[str, tuple[dict, float]] = {}  # cookie: (content, signed at)
        self._lock = threading.Lock()
        self._serializers: dict[tuple, object] = {}  # (keys…): Flask's signing serializer

    def get_signing_serializer(self, app: Flask):
        # Flask builds one for every cookie read and written; it depends on the keys alone.
        keys = (*(app.config.get("SECRET_KEY_FALLBACKS") or ()), app.secret_key)
        found = self._serializers.get(keys)
        if found is None:
            found = self._serializers[keys] = super().get_signing_serializer(app)
        return found

    def open_session(self, app: Flask, request):
        value = request.cookies.get(self.get_cookie_name(app))
        max_age = app.permanent_session_lifetime.total_seconds()
        kept = self._verified.get(value) if value else None
        if kept is not None and time.time() - kept[1] <= max_age:
            return self.session_class(kept[0])
        serializer = self.get_signing_serializer(app)
        if serializer is None or not value:
            return super().open_session(app, request)
        try:
            data, signed = serializer.loads(value, max_age=int(max_age), return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if all(isinstance(v, _PLAIN) for v in data.values()):
            with self._lock:
                if len(self._verified) >= KEPT:
                    self._verified = {}
                self._verified[value] = (dict(data), signed.timestamp())
        return self.session_class(data)


def init_app(app: Flask) -> None:
    app.session_interface = KeptCookieSessionInterface()
