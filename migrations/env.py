"""Alembic environment for ParkOps, run through Flask-Migrate (``parkops db …``).

Autogenerate compares column types (``compare_type``); ParkOps' own column type,
``parkops.db.UTCDateTime``, is compared through the type it decorates and is
written into migrations as that plain SQLAlchemy type, so that a migration never
imports application code that may change after it was written.
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from parkops.db import UTCDateTime

config = context.config
# Keep the loggers that exist already: a process that upgrades and then goes on
# (tests, `parkops init` inside a larger script) must still log its errors.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
engine = target_db.engine
config.set_main_option(
    "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def render_item(kind: str, obj, autogen_context):
    """``UTCDateTime()`` is rendered as ``sa.DateTime(timezone=True)``; the rest as usual."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return f"sa.{obj.impl!r}"
    return False


def skip_empty_revision(context, revision, directives):
    # `parkops db migrate` with no model change writes no empty migration file.
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def options() -> dict:
    configured = dict(current_app.extensions["migrate"].configure_args)
    configured.setdefault("process_revision_directives", skip_empty_revision)
    configured.setdefault("compare_type", True)
    configured.setdefault("render_item", render_item)
    return configured


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_db.metadata,
        literal_binds=True,
        **options(),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_db.metadata, **options())
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
