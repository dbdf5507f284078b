"""Settings: defaults, then instance/config.py, then PARKOPS_* environment variables.

Every setting is documented in the README; the environment wins so that a
deployment can be configured without touching files.
"""

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

DEFAULTS: dict[str, object] = {
    "DATABASE_URL": None,  # None: SQLite file in the instance folder
    "HOST": "127.0.0.1",
    "PORT": 5000,
    "BASE_URL": None,  # what QR codes point to; None: http://HOST:PORT
    "THREADS": 8,
    # whole-ledger exports and weekly reports built at once per process (others wait);
    # as many photos decoded at once, apart from them (parkops/heavy.py)
    "HEAVY_AT_ONCE": 2,
    # comma-separated module names, loaded in this order
    "MODULES": "facilities,ticketing,receivables,merchants,greening,patrols",
    "DEFAULT_LOCALE": "zh",
    "TIMEZONE": "Asia/Shanghai",
    "SMTP_HOST": "",
    "SMTP_PORT": 25,
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "SMTP_FROM": "parkops@localhost",
    "SMTP_STARTTLS": False,
    "WEBHOOK_URL": "",
    "UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
    # A photo as a phone's camera takes it (50 MP, 15 MB), shrunk on the server.
    "PHOTO_MAX_BYTES": 30 * 1024 * 1024,
    "IMAGE_MAX_PIXELS": 40_000_000,  # pixels decoded at once (a JPEG is decoded smaller)
    # Attachments in an S3-compatible bucket (MinIO, Ceph, AWS) when S3_BUCKET is set;
    # else in <instance>/attachments.
    "S3_BUCKET": "",
    "S3_ENDPOINT_URL": "",  # http://minio.internal:9000; empty: AWS
    "S3_ACCESS_KEY": "",
    "S3_SECRET_KEY": "",
    "S3_REGION": "",
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCK_MINUTES": 15,
    "SESSION_IDLE_MINUTES": 480,  # a working shift: an idle session ends after this
    "SCHEDULER_IN_SERVE": True,
    "SECURE_COOKIES": None,  # None: Secure only when BASE_URL is https
    "PROXY_COUNT": 0,  # reverse proxies in front (nginx: 1); their X-Forwarded-* are trusted
    "AUDIT_KEY": None,  # None: generated once into <instance>/audit_key
    "AUDIT_MARK_PATH": None,  # None: <instance>/audit_mark.json
    # Rendered pages kept per process until the next committed write (parkops.page_cache).
    "PAGE_CACHE": True,
    "PAGE_CACHE_BYTES": 32 * 1024 * 1024,  # all kept pages of one process
    "PAGE_CACHE_ENTRY_BYTES": 2 * 1024 * 1024,  # a bigger page or download is not kept
    "PAGE_CACHE_SECONDS": 60,  # the age of time-dependent text ("overdue") at most
}

_INT = {
    "PORT",
    "THREADS",
    "HEAVY_AT_ONCE",
    "SMTP_PORT",
    "UPLOAD_MAX_BYTES",
    "PHOTO_MAX_BYTES",
    "IMAGE_MAX_PIXELS",
    "LOGIN_MAX_FAILURES",
    "LOGIN_LOCK_MINUTES",
    "SESSION_IDLE_MINUTES",
    "PROXY_COUNT",
    "PAGE_CACHE_BYTES",
    "PAGE_CACHE_ENTRY_BYTES",
    "PAGE_CACHE_SECONDS",
}
_BOOL = {"SMTP_STARTTLS", "SCHEDULER_IN_SERVE", "SECURE_COOKIES", "PAGE_CACHE"}


def _coerce(key: str, raw: str) -> object:
    if key in _INT:
        return int(raw)
    if key in _BOOL:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return raw


def from_environment(environ: os._Environ | dict) -> dict[str, object]:
    """The PARKOPS_* variables, typed, without their prefix."""
    found = {}
    for key in [*DEFAULTS, "SECRET_KEY", "INSTANCE_PATH"]:
        raw = environ.get(f"PARKOPS_{key}")
        if raw is not None and raw != "":
            found[key] = _coerce(key, raw)
    return found


def instance_path_from_env() -> str | None:
    path = os.environ.get("PARKOPS_INSTANCE_PATH")
    return str(Path(path).resolve()) if path else None


def finish(config: dict, instance_path: str) -> None:
    """Derive the settings that depend on others; fill in Flask's own keys."""
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = f"sqlite:///{Path(instance_path) / 'parkops.db'}"
    config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    if not config.get("BASE_URL"):
        config["BASE_URL"] = f"http://{config['HOST']}:{config['PORT']}"
    config["BASE_URL"] = str(config["BASE_URL"]).rstrip("/")
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _instance_secret(instance_path)
    if not config.get("AUDIT_KEY"):
        config["AUDIT_KEY"] = _instance_secret(instance_path, "audit_key")
    secure = config.get("SECURE_COOKIES")
    if secure is None:
        secure = str(config["BASE_URL"]).startswith("https://")
    config["SESSION_COOKIE_SECURE"] = secure
    config["REMEMBER_COOKIE_SECURE"] = secure
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["REMEMBER_COOKIE_HTTPONLY"] = True
    config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    # The browser forgets the cookie after the idle time too; the server checks it anyway.
    config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=int(config["SESSION_IDLE_MINUTES"]))
    # A signed-in session is written when it changes, at least once a minute of use (the
    # idle clock, parkops.auth.login), which moves its expiry on: signing it again with
    # every response only costs time.
    config["SESSION_REFRESH_EACH_REQUEST"] = False
    config["MAX_CONTENT_LENGTH"] = max(
        int(config["UPLOAD_MAX_BYTES"]) * 4, int(config["PHOTO_MAX_BYTES"]) * 2
    )
    config["BABEL_DEFAULT_LOCALE"] = config["DEFAULT_LOCALE"]
    config["BABEL_DEFAULT_TIMEZONE"] = config["TIMEZONE"]
    config["WTF_CSRF_TIME_LIMIT"] = None  # a form left open on a phone all shift still posts
    if isinstance(config.get("MODULES"), str):
        config["MODULES"] = [m.strip() for m in config["MODULES"].split(",") if m.strip()]


def _instance_secret(instance_path: str, name: str = "secret_key") -> str:
    """A random key kept in the instance folder (``name``, mode 0600), so it survives
    restarts. Several workers starting at once on a new installation all end up with the
    one key: each writes its own to a private file and links it into place, which only
    the first one does; the others then read the winner's. (Written in place, each would
    have kept its own: a session signed by one worker was refused by another.)"""
    path = Path(instance_path) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{name}.")  # mode 0600
        try:
            with os.fdopen(handle, "w") as out:
                out.write(secrets.token_hex(32))
            try:
                os.link(draft, path)
            except FileExistsError:
                pass  # another process was first: its key is everyone's
        finally:
            os.unlink(draft)
    return path.read_text().strip()
