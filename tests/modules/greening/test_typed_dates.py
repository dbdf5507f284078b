"""Dates the greening pages read by hand (not through a form class) are bounded
2000–2100 (parkops.query_args.form_date): the form comes back with the field's error,
"Enter a date between 2000 and 2100." as a form class's date field says, and what was
typed; nothing saved. Before, a task due 9999-12-31 or a round of year 1 was stored,
then a bare 400 page lost what was typed."""

import pytest
from sqlalchemy import func, select

from modules.greening.band_models import BandVersion
from modules.greening.models import Round, RuleVersion, Task
from parkops.extensions import db

SAID = "Enter a date between 2000 and 2100."


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def in_english(client):
    return lambda: client.post("/language/en")


@pytest.mark.parametrize("month", ["0001-01", "1999-12"])
def test_a_round_of_a_month_before_2000_is_refused(
    client, as_user, in_english, grove, rules_in_force, month
):
    as_user(grove.assessor)
    in_english()
    answer = client.post("/greening/rounds", data={"site_id": grove.psy.id, "month": month})
    assert answer.status_code == 303 and answer.headers["Location"] == "/greening/rounds"
    assert SAID in client.get(answer.headers["Location"]).get_data(as_text=True)
    assert count(Round) == 0


@pytest.mark.parametrize("due", ["9999-12-31", "2101-01-01"])
def test_a_task_due_after_2100_is_refused(client, as_user, in_english, grove, make_zone, due):
    zone = make_zone()
    as_user(grove.office)
    in_english()
    url = f"/greening/zones/{zone.id}/tasks/new"
    answer = client.post(url, data={"title": "扫落叶", "due_on": due})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and SAID in page
    assert "扫落叶" in page and due in page  # the form again, as typed
    assert count(Task) == 0


@pytest.mark.parametrize(
    ("url", "model"), [("/greening/rules/new", RuleVersion), ("/greening/bands", BandVersion)]
)
def test_rules_or_bands_from_after_2100_are_refused(client, as_user, in_english, grove, url, model):
    as_user(grove.office)
    in_english()
    before = count(model)
    answer = client.post(url, data={"effective_from": "9999-12-31"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and SAID in page and "9999-12-31" in page
    assert count(model) == before
