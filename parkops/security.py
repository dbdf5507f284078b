"""Response headers that every page carries."""

from flask import Flask, current_app

# Everything is served from the installation itself (intranet installs have no
# internet), so the policy can be strict: no third-party origin at all.
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)
HSTS = "max-age=31536000"


BASE = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()"),
)


def _headers(response):
    # One pass over what the view set (a view may set its own policy), not one per header.
    h = response.headers
    present = {name.lower() for name in h.keys()}
    wanted = list(BASE)
    if response.mimetype == "text/html":
        wanted.append(("Cache-Control", "no-store"))
    # Only an installation served over HTTPS asks browsers to insist on it: a
    # plain-http intranet install must stay reachable.
    if current_app.config["BASE_URL"].startswith("https://"):
        wanted.append(("Strict-Transport-Security", HSTS))
    h.extend([(name, value) for name, value in wanted if name.lower() not in present])
    return response


def init_app(app: Flask) -> None:
    app.after_request(_headers)
