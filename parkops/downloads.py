"""Every file the product sends to be saved or shown: one Content-Disposition header.

The names are Chinese more often than not (``催缴通知书-2026-7.docx``). The header
carries them twice (RFC 6266 / RFC 8187): ``filename*=UTF-8''…`` with the exact
name, read by every current browser, and a plain ``filename="…"`` for the rest,
which keeps the name's ASCII words but is never a meaningless ``-2026-7.docx``:
when no ASCII letter is left, the caller's ``fallback`` (an English name such as
``reminder-letter-2026-7.docx``) is used instead.
"""

import re
from io import BytesIO
from typing import IO
from urllib.parse import quote

from flask import Response, send_file

_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")
# Kept in the quoted ASCII name: letters, digits, dot, dash, underscore, space.
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
_DASHES = re.compile(r" *-[- ]*")  # "a - - b" → "a-b"
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}$")
# RFC 8187 attr-char: what may stand unescaped in filename*.
_ATTR_CHAR = "!#$&+-.^_`|~"


def ascii_name(name: str, fallback: str | None = None) -> str:
    """The ASCII stand-in for ``name``: non-ASCII runs dropped, quotes and slashes
    removed; if no ASCII letter is left in the stem, ``fallback`` (or ``download``
    with the name's suffix) is used."""
    suffix_match = _SUFFIX.search(name)
    suffix = suffix_match.group(0) if suffix_match else ""
    stem = name[: len(name) - len(suffix)]
    stem = _UNSAFE.sub("", _NOT_ASCII.sub("-", stem))
    stem = _DASHES.sub("-", stem).strip("-_. ")
    if re.search(r"[A-Za-z]", stem):
        return stem + suffix
    if fallback:
        return _UNSAFE.sub("", fallback) or "download" + suffix
    return "download" + suffix


def content_disposition(name: str, *, fallback: str | None = None, inline: bool = False) -> str:
    """The header's value, e.g. ``attachment; filename="reminder-letter.docx";
    filename*=UTF-8''%E5%82%AC…``; ``inline`` for what the browser shows (images)."""
    kind = "inline" if inline else "attachment"
    plain = ascii_name(name, fallback)
    if plain == name:
        return f'{kind}; filename="{plain}"'
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe=_ATTR_CHAR)}"


def send_download(
    data: bytes | IO[bytes],
    name: str,
    mimetype: str,
    *,
    fallback: str | None = None,
    inline: bool = False,
) -> Response:
    """A generated file (export, letter, report) as a response named ``name``.

    ``data`` is the file's bytes or a binary file object. It is made for this
    request and may hold personal data, so no cache keeps it (``no-store``)."""
    body = BytesIO(data) if isinstance(data, bytes) else data
    response = send_file(body, mimetype=mimetype, conditional=False, etag=False)
    response.headers["Content-Disposition"] = content_disposition(
        name, fallback=fallback, inline=inline
    )
    response.headers["Cache-Control"] = "no-store"
    return response
