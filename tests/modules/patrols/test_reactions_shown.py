"""Whatever module reacts to a patrol finding (greening deducting in a zone, merchants
recording a violation…), its Reaction is kept with the finding and shown on the finding
and in the summary of the run it came from. This file is itself such a module (its
``spec``, in the style of tests/core/test_extension_points.py), beside the example's
dependant, which reacts to every finding with a linked line."""

import pytest
from sqlalchemy import select

from modules.patrols.models import Finding, FindingReaction
from parkops import signals
from parkops.extensions import db
from parkops.registry import ModuleSpec
from tests.modules.patrols.test_findings import _submitted_run

EXAMPLE = "tests.example_module.module"
DEPENDENT = "tests.example_module.dependent"
link = {"url": ""}  # the link this module's next reaction gives


def _deduct(sender, *, subject_kind, subject_id, summary, severity, user):
    if subject_kind != "patrols.checkpoint":
        return None  # says nothing about other subjects
    return signals.Reaction(f"Deducted 2 points: {summary}", link["url"])


spec = ModuleSpec(
    name="deducting", label="Deducting", reactions=((signals.finding_recorded, _deduct),)
)


@pytest.fixture
def app(make_app):
    app = make_app(MODULES=["patrols", EXAMPLE, DEPENDENT, __name__])
    with app.app_context():
        yield app


def _found(app, park, url=""):
    link["url"] = url
    with app.test_request_context():
        run = _submitted_run(park)
    return run, db.session.scalar(select(Finding).where(Finding.run_id == run.id))


def test_every_modules_reaction_is_kept_in_the_order_the_modules_are_loaded(app, park):
    _run, finding = _found(app, park, "/greening/zones/5")
    kept = [(r.text, r.url) for r in finding.reactions]
    assert kept == [
        (f"Noted: {finding.summary}", f"/example/records/{finding.subject_id}"),
        (f"Deducted 2 points: {finding.summary}", "/greening/zones/5"),
    ]


def test_the_finding_and_its_runs_summary_show_each_reaction(app, park, as_user, client):
    run, finding = _found(app, park, "/greening/zones/5")
    as_user(park.inspector)
    for page in (f"/patrols/findings/{finding.id}", f"/patrols/runs/{run.id}"):
        html = client.get(page).get_data(as_text=True)
        assert f'<a href="/greening/zones/5">Deducted 2 points: {finding.summary}</a>' in html
        assert f'<a href="/example/records/{finding.subject_id}">Noted: ' in html


def test_a_reaction_without_a_link_shows_its_text(app, park, as_user, client):
    run, finding = _found(app, park, "")
    as_user(park.inspector)
    html = client.get(f"/patrols/runs/{run.id}").get_data(as_text=True)
    assert f"<li data-reaction>Deducted 2 points: {finding.summary}</li>" in html


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://elsewhere.test/x", "//evil.test/"])
def test_a_link_out_of_the_installation_is_dropped_and_the_text_kept(app, park, url):
    _run, finding = _found(app, park, url)
    mine = db.session.scalar(
        select(FindingReaction).where(
            FindingReaction.finding_id == finding.id, FindingReaction.text.startswith("Deducted")
        )
    )
    assert mine.url == ""
