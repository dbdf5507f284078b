"""Greening without the patrols module: the same signal from any sender deducts, and
the module works on its own."""

import pytest
from sqlalchemy import select

from modules.greening import rounds
from modules.greening.models import Assessment, Deduction
from parkops import signals
from parkops.extensions import db
from parkops.timeutil import business_day


@pytest.fixture
def app(make_app):
    """Greening alone: no patrols."""
    app = make_app(MODULES=["greening"])
    with app.app_context():
        yield app


def test_greening_alone_reacts_to_the_core_signal(
    app, client, as_user, grove, make_zone, rules_in_force
):
    assert app.extensions["parkops"].spec("patrols") is None
    zone = make_zone()
    round_ = rounds.open_round(grove.psy.id, business_day(), grove.assessor)
    found = signals.send(
        signals.finding_recorded,
        sender="elsewhere",
        subject_kind="greening.zone",
        subject_id=zone.id,
        summary="绿篱缺株",
        severity="normal",
        user=grove.assessor,
    )
    assert [r.url for r in found] == [f"/greening/rounds/{round_.id}/zones/{zone.id}"]
    db.session.commit()
    assert db.session.scalar(select(Deduction.note)) == "Patrol finding: 绿篱缺株"
    assert db.session.scalar(select(Assessment.score)) == 98
    as_user(grove.assessor)
    assert client.get(found[0].url).status_code == 200
    assert client.get("/patrols/").status_code == 404
