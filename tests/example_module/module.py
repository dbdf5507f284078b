"""A tiny module that exercises every part of the ModuleSpec contract: the template
the next modules copy. Its domain (spots, findings) is in ``spots.py``; ``dependent.py``
is a second module that requires this one and reacts to its signal.
"""

import click
from flask import Blueprint, abort, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from parkops import idempotency
from parkops.auth.access import check_site, public, require
from parkops.extensions import db
from parkops.module_settings import Money, Setting
from parkops.rectification.services import link_evidence
from parkops.registry import (
    EvidenceKind,
    Indicator,
    JobSpec,
    ModuleSpec,
    NavEntry,
    Permission,
    SubNavEntry,
    TodoItem,
)
from parkops.subjects import SubjectKind
from tests.example_module import spots

bp = Blueprint("example", __name__, template_folder="templates", static_folder="static")
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


class FindingForm(FlaskForm):
    summary = StringField(_l("What is wrong"))
    severity = SelectField(_l("Severity"), choices=[SelectChoice(s, s) for s in spots.SEVERITIES])


@bp.route("/spots")
@require("example.view")
def spot_list():
    found = spots.search_spots(request.args.get("q", ""), current_user, 20)
    return render_template("example/index.html", found=found)


@bp.route("/spots/<int:spot_id>", methods=["GET", "POST"])
@require("example.view")
def spot(spot_id: int):
    found = spots.get_spot(spot_id) or abort(404)
    check_site(found.site_id)
    may_record = spots.may_record_finding(current_user, found)
    form = FindingForm()
    status = 200
    if request.method == "POST":
        if not may_record:
            abort(403)
        key = request.form.get(idempotency.FIELD)
        if done := idempotency.previous_result(key):
            return redirect(done, 303)
        if form.validate():
            try:
                url = spots.record_finding(
                    found, form.summary.data or "", form.severity.data, current_user, key
                )
                return redirect(url, 303)
            except spots.ExampleError as refused:
                form.summary.errors = [str(refused)]
        status = 422
    state = spots.SPOTS[spot_id][2]
    page = render_template(
        "example/spot.html", spot=found, state=state, form=form, may_record=may_record
    )
    return page, status


def _indicator(site_ids):
    return "3 of 4", True


def _todo(user):
    """Crew have two things waiting, one of them late."""
    if not user.can("example.view"):
        return []
    return [
        TodoItem("Paint the bench", "/example/records/1"),
        TodoItem("Fix the gate", "/example/records/2", overdue=True),
    ]


def _check_rules(values: dict) -> list[str]:
    """The rules between the settings (fen): a month's cap holds at least one fine."""
    if values["fine_cap_fen"] < values["fine_fen"]:
        return [_("The monthly cap cannot be below one fine.")]
    return []


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
        Permission("example.manage", _l("Change example rules"), ("office",)),
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
    subnav=(
        SubNavEntry(_l("Spots"), "example.spot_list", "example.view"),
        SubNavEntry(_l("Overview"), "example.index", ("example.view", "example.edit")),
        SubNavEntry(_l("Hidden from crew"), "example.hello", "example.manage"),
        SubNavEntry(
            _l("Rules"), "settings.module", "example.manage", args=(("module", "example"),)
        ),
    ),
    subjects=(SubjectKind("example.spot", _l("Spot"), spots.get_spot, spots.search_spots),),
    stylesheets=("example.css",),
    scripts=("example.js",),
    settings=(
        Setting("label_font", str, "", _l("Font file for printed labels")),
        Setting("batch_size", int, 50, _l("Rows written per batch")),
        Setting("summary_max", int, 200, _l("Longest finding summary"), where="database"),
        Setting("strict", bool, False, _l("Refuse findings without photo"), where="database"),
        Setting("fine_fen", Money(), 5_000, _l("Fine for a late repair (¥)"), where="database"),
        Setting(
            "fine_cap_fen", Money(), 50_000, _l("Most fines in one month (¥)"), where="database"
        ),
    ),
    settings_permission="example.manage",
    settings_check=_check_rules,
)
