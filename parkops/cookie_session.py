"""Flask's signed-cookie sessions, with each verified cookie remembered for a while.

A browser sends the same session cookie with request after request. Verifying its
signature and decoding it costs as much as serving a kept page (``parkops.page_cache``),
so the content of a cookie that verified is kept per process under the cookie's exact
value, with the time it was signed: the same bytes verify the same way, and the age
limit (``PERMANENT_SESSION_LIFETIME``) is still checked at every request. Only cookies
whose values are all plain (strings, numbers, booleans) are kept, so no request can
change what another one reads; a session with flashed messages is decoded each time.

Cookies (and CSRF tokens, ``parkops.page_cache``) are signed by ``SmallStateSerializer``:
itsdangerous's format, with zlib run on a small state (see its docstring).
"""

import threading
import time
import zlib

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.url_safe import URLSafeSerializerMixin

KEPT = 10_000  # cookies remembered per process; all forgotten at once beyond
_PLAIN = (str, int, float, bool, type(None))


class SmallStateSerializer(URLSafeTimedSerializer):
    """``URLSafeTimedSerializer`` whose payloads are compressed with a 512-byte window and
    the smallest hash table (``memLevel`` 1), not zlib's defaults: ``zlib.compress`` sets
    up about 256 KiB of state for every call, 44 us even for a cookie of 200 bytes (3 us
    this way, and as short: the window still spans the whole payload). That was a fifth
    of a visitor's first scan, which makes a session cookie and a CSRF token. The output
    is a zlib stream like any other: ``loads`` reads it, and what the default one made."""

    def dump_payload(self, obj) -> bytes:
        # itsdangerous's URLSafeSerializerMixin.dump_payload, with the small compressor.
        json = super(URLSafeSerializerMixin, self).dump_payload(obj)
        packer = zlib.compressobj(6, zlib.DEFLATED, 9, 1)
        compressed = packer.compress(json) + packer.flush()
        if len(compressed) < len(json) - 1:
            return b"." + base64_encode(compressed)
        return base64_encode(json)


class KeptCookieSessionInterface(SecureCookieSessionInterface):
    """``SecureCookieSessionInterface`` with the verified cookies kept (module docstring)."""

    def __init__(self):
        self._verified: dict[str, tuple[dict, float]] = {}  # cookie: (content, signed at)
        self._lock = threading.Lock()
        self._serializers: dict[tuple, object] = {}  # (keys…): Flask's signing serializer

    def get_signing_serializer(self, app: Flask):
        # Flask builds one for every cookie read and written; it depends on the keys alone.
        # Built as Flask's SecureCookieSessionInterface does, with the small compressor.
        if not app.secret_key:
            return None
        keys = (*(app.config.get("SECRET_KEY_FALLBACKS") or ()), app.secret_key)
        found = self._serializers.get(keys)
        if found is None:
            found = self._serializers[keys] = SmallStateSerializer(
                list(keys),  # the current key last, as itsdangerous expects
                salt=self.salt,
                serializer=self.serializer,
                signer_kwargs={
                    "key_derivation": self.key_derivation,
                    "digest_method": self.digest_method,
                },
            )
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
