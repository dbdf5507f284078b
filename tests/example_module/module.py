"""A tiny module that exercises every part of the ModuleSpec contract."""

import click
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from parkops.auth.access import public, require
from parkops.extensions import db
from parkops.rectification.services import link_evidence
from parkops.registry import (
    EvidenceKind,
    Indicator,
    JobSpec,
    ModuleSpec,
    NavEntry,
    Permission,
    TodoItem,
)

bp = Blueprint("example", __name__)
runs: list[str] = []


@bp.route("/")
@require("example.view")
def index():
    return "example index"


@bp.route("/records/<int:record_id>")
@require("example.view")
def record(record_id: int):
    return f"record {record_id}"


@bp.route("/hello")
@public
def hello():
    return "hello"


@bp.route("/records", methods=["POST"])
@require("example.edit")
def create():
    link_evidence("example.record", 7, "Example record 7", site_id=None)
    db.session.commit()
    return "created", 201


def _indicator():
    return "3 of 4", True


def _todo(user):
    """Crew have two things waiting, one of them late."""
    if not user.can("example.view"):
        return []
    return [
        TodoItem("Paint the bench", "/example/records/1"),
        TodoItem("Fix the gate", "/example/records/2", overdue=True),
    ]


def _job():
    runs.append("ran")


cli = click.Group("example", help="Example commands.")


@cli.command("ping")
def ping():
    click.echo("pong")


spec = ModuleSpec(
    name="example",
    label=_l("Example"),
    blueprint=bp,
    url_prefix="/example",
    nav=(NavEntry(_l("Example"), "example.index", "example.view"),),
    permissions=(
        Permission("example.view", _l("See examples"), ("crew",)),
        Permission("example.edit", _l("Edit examples"), ("crew",)),
    ),
    evidence_kinds=(
        EvidenceKind(
            "example.record",
            _l("Example record"),
            "example.record",
            ("14",),
            permission="example.view",
        ),
    ),
    indicators=(
        Indicator(
            "example.share", _l("Example share"), ("14",), _indicator, permission="example.view"
        ),
    ),
    jobs=(JobSpec("example.job", _job, "interval", {"hours": 1}),),
    cli=cli,
    todo=_todo,
)
