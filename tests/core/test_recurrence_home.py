"""The office's home counts the problems at risk of recurring that its own ledger list
shows: an indicator the reader may not see flags nothing for them.

This file is also a tiny module (``spec``) with two indicators, one the office cannot see.
"""

import pytest
from sqlalchemy import select

from parkops.extensions import db
from parkops.rectification.models import Problem, Status
from parkops.rectification.services import load_notice
from parkops.registry import Indicator, ModuleSpec

spec = ModuleSpec(
    name="watch2",
    label="Watch",
    indicators=(
        Indicator(
            "watch2.complaints",
            "Sanitation complaints",
            ("15",),
            lambda site_ids: ("3 complaints this week", False),
            permission="ledger.view",
        ),
        Indicator(
            "watch2.cash",
            "Cash gaps",
            ("17",),
            lambda site_ids: ("2 gaps", False),
            permission="ticketing.view",  # the office does not hold it
        ),
    ),
)


@pytest.fixture
def app(make_app):
    app = make_app(MODULES=["tests.core.test_recurrence_home"])
    with app.app_context():
        load_notice()
        for code in ("15", "17"):
            db.session.scalar(select(Problem).where(Problem.code == code)).status = Status.COMPLETED
        db.session.commit()
        yield app


def test_the_home_count_matches_the_list_it_links_to(make_user, login, client):
    login(make_user("office1", ["office"], all_sites=True))
    client.post("/language/en")
    listed = client.get("/ledger/?at_risk=1").get_data(as_text=True)
    assert 'id="problem-15"' in listed and 'id="problem-17"' not in listed
    home = client.get("/").get_data(as_text=True)
    assert "1 completed problems at risk of recurring" in home
