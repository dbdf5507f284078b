"""CSRF protection for the forms visitors post (a label's fault report), without a session.

Flask-WTF keeps a form's CSRF token in the session: a visitor's first page then costs a
signed token and a signed session cookie, which made a first scan 1.5 times a returning
one. A visitor page instead carries ``token()``: the HMAC-SHA256, under a key derived
from the secret key, of a random nonce the browser keeps in the small cookie ``COOKIE``
(HttpOnly, SameSite=Lax, Secure as the session's; set by the response that first needs
it, with no signature or serialisation to make). ``@visitor_form`` views accept a post
whose token is that HMAC of the cookie it came with, else Flask-WTF's session token
(a page opened before, or a signed-in user's); anything else is refused as Flask-WTF
refuses it (``CSRFError``: the "form expired" page, nothing done).

Why it protects as much as the session token did: a forged post from another site
needs the token that matches the victim's cookie. It cannot read the cookie (another
origin; HttpOnly), a cross-site post does not carry it (SameSite=Lax), and it cannot
make a token for a nonce without the secret key. A site able to set cookies for this
host (cookie tossing) could plant its own nonce with the token it was given, just as it
could plant its own Flask session with that session's token. Over HTTPS the Referer must
be this host, as Flask-WTF requires (``WTF_CSRF_SSL_STRICT``). ``WTF_CSRF_ENABLED``
switches both off.
"""

import functools
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable

from flask import Flask, Response, current_app, g, request
from flask_wtf.csrf import CSRFError, same_origin

from parkops.extensions import csrf

COOKIE = "parkops_visitor"
FIELD = "csrf_token"  # the field Flask-WTF's token travels in: one name for either
MADE = "_parkops_visitor_token"  # g: this request's token, once made (page_cache cuts it)
EXTENSION = "parkops_visitor_forms"
_NONCE = re.compile(r"[A-Za-z0-9_-]{24}")  # secrets.token_urlsafe(18)
_SET = "_parkops_visitor_nonce"  # g: a nonce this response gives the browser


def token() -> str:
    """This browser's visitor-form token (64 hex digits; a template global): the HMAC of
    the nonce in its ``COOKIE``, or of a new one this response sets. The same within a
    request; a page kept by ``parkops.page_cache`` gets the visitor's own in each serve."""
    made = g.get(MADE)
    if made is None:
        nonce = request.cookies.get(COOKIE, "")
        if not _NONCE.fullmatch(nonce):
            nonce = g.setdefault(_SET, secrets.token_urlsafe(18))
        made = g.setdefault(MADE, _sign(nonce))
    return made


def visitor_form(view: Callable) -> Callable:
    """A view whose POST comes from visitor pages: it takes the visitor token, or Flask-WTF's
    session token; otherwise ``CSRFError`` before the view runs (nothing done)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        config = current_app.config
        if config["WTF_CSRF_ENABLED"] and request.method in config["WTF_CSRF_METHODS"]:
            if _valid(request.form.get(FIELD, "")):
                _same_origin_over_https()
                g.csrf_valid = True  # what Flask-WTF's forms read: checked already
            else:
                csrf.protect()  # the session token, with its own refusals
        return view(*args, **kwargs)

    csrf.exempt(wrapper)  # from the global check, which only knows the session token
    return wrapper


def init_app(app: Flask) -> None:
    key = hashlib.sha256(b"parkops.visitor_forms\0" + str(app.secret_key).encode()).digest()
    app.extensions[EXTENSION] = hmac.new(key, digestmod=hashlib.sha256)
    app.after_request(_set_cookie)
    app.jinja_env.globals["visitor_token"] = token


def _sign(nonce: str) -> str:
    mac = current_app.extensions[EXTENSION].copy()  # keyed once: copies are cheaper
    mac.update(nonce.encode())
    return mac.hexdigest()


def _valid(sent: str) -> bool:
    nonce = request.cookies.get(COOKIE, "")
    return bool(sent) and bool(_NONCE.fullmatch(nonce)) and hmac.compare_digest(sent, _sign(nonce))


def _same_origin_over_https() -> None:
    if request.is_secure and current_app.config.get("WTF_CSRF_SSL_STRICT", True):
        if not request.referrer:
            raise CSRFError("The referrer header is missing.")
        if not same_origin(request.referrer, f"https://{request.host}/"):
            raise CSRFError("The referrer does not match the host.")


def _set_cookie(response: Response) -> Response:
    nonce = g.get(_SET)
    if nonce is not None:
        # Written out rather than through Response.set_cookie: the nonce needs no quoting.
        secure = "; Secure" if current_app.config["SESSION_COOKIE_SECURE"] else ""
        response.headers.add(
            "Set-Cookie", f"{COOKIE}={nonce}; HttpOnly; Path=/; SameSite=Lax{secure}"
        )
    return response
