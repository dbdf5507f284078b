"""Dates the greening pages read by hand (not through a form class) are bounded
2000–2100 as a query's are (parkops.query_args.parse_date): a 400 that says so,
nothing saved. Before, a task due 9999-12-31 or a round of year 1 was stored."""

import pytest
from sqlalchemy import func, select

from modules.greening.band_models import BandVersion
from modules.greening.models import Round, RuleVersion, Task
from parkops.extensions import db

SAID = "Date out of range: enter a date between 2000 and 2100."


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("month", ["0001-01", "1999-12"])
def test_a_round_of_a_month_before_2000_is_refused(client, as_user, grove, rules_in_force, month):
    as_user(grove.assessor)
    answer = client.post("/greening/rounds", data={"site_id": grove.psy.id, "month": month})
    assert answer.status_code == 400 and SAID in answer.get_data(as_text=True)
    assert count(Round) == 0


@pytest.mark.parametrize("due", ["9999-12-31", "2101-01-01"])
def test_a_task_due_after_2100_is_refused(client, as_user, grove, make_zone, due):
    zone = make_zone()
    as_user(grove.office)
    url = f"/greening/zones/{zone.id}/tasks/new"
    answer = client.post(url, data={"title": "扫", "due_on": due})
    assert answer.status_code == 400 and SAID in answer.get_data(as_text=True)
    assert count(Task) == 0


@pytest.mark.parametrize(
    ("url", "model"), [("/greening/rules/new", RuleVersion), ("/greening/bands", BandVersion)]
)
def test_rules_or_bands_from_after_2100_are_refused(client, as_user, grove, url, model):
    as_user(grove.office)
    before = count(model)
    answer = client.post(url, data={"effective_from": "9999-12-31"})
    assert answer.status_code == 400 and SAID in answer.get_data(as_text=True)
    assert count(model) == before
