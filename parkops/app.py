"""The application factory."""

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

# Core components whose tables belong to the schema even before a view imports them.
from parkops import (  # noqa: F401, I001
    attachments,
    audit,
    cookie_session,
    data_version,
    errors,
    home,
    idempotency,
    notify,
    page_cache,
    people,
    scheduler,
    security,
    settings_views,
    visitor_forms,
)
from parkops import config as settings
from parkops.auth import access, identity
from parkops.auth import login as auth_login
from parkops.auth.spec import spec as auth_spec
from parkops.cli import register_cli
from parkops.decisions.spec import spec as decisions_spec
from parkops.extensions import babel, csrf, db, migrate
from parkops.health import spec as health_spec
from parkops.i18n import select_locale, select_timezone
from parkops.module_settings import SettingsStore
from parkops.notifications import spec as notifications_spec
from parkops.rectification.spec import spec as rectification_spec
from parkops.registry import Registry, load_spec, register
from parkops.reports.spec import spec as reports_spec
from parkops.templating import init_templating

PACKAGE_DIR = Path(__file__).parent


def resource_dir(name: str) -> Path:
    """templates/, static/, translations/, migrations/: inside the wheel, or beside the source."""
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / name


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=(config or {}).get("INSTANCE_PATH") or settings.instance_path_from_env(),
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    app.config.from_mapping(settings.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(settings.from_environment(os.environ))
    app.config.update(config or {})
    os.makedirs(app.instance_path, exist_ok=True)
    settings.finish(app.config, app.instance_path)

    if app.config["PROXY_COUNT"]:
        # Behind nginx the client address (login throttling, visitor rate limits) and
        # the scheme (Secure cookies) come from the proxy's headers.
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(resource_dir("migrations")), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(resource_dir("translations")),
    )
    auth_login.init_app(app)
    identity.init_app(app)

    app.extensions["parkops"] = Registry()
    app.extensions["parkops_settings"] = SettingsStore()
    core_specs = (home.spec, health_spec, notifications_spec, auth_spec, rectification_spec)
    for spec in (*core_specs, reports_spec, decisions_spec, settings_views.spec, people.spec):
        register(app, spec)
    for name in app.config["MODULES"]:
        register(app, load_spec(name))

    access.init_app(app)
    security.init_app(app)
    cookie_session.init_app(app)
    errors.init_app(app)
    idempotency.init_app(app)
    data_version.init_app(app)
    page_cache.init_app(app)
    visitor_forms.init_app(app)
    init_templating(app)
    register_cli(app)
    return app
