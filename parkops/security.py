"""Response headers that every page carries."""

from flask import Flask, current_app

# Everything is served from the installation itself (intranet installs have no
# internet), so the policy can be strict: no third-party origin at all.
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)
HSTS = "max-age=31536000"


def _headers(response):
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()")
    if response.mimetype == "text/html":
        h.setdefault("Cache-Control", "no-store")
    # Only an installation served over HTTPS asks browsers to insist on it: a
    # plain-http intranet install must stay reachable.
    if current_app.config["BASE_URL"].startswith("https://"):
        h.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_headers)
