"""The dispatch (派单) picker: its only candidate comes chosen, so a phone needs no
extra pick before 派单; with several, nobody is chosen for the supervisor."""

import re

from sqlalchemy import select

from modules.facilities.models import RepairOrder
from parkops.extensions import db
from tests.modules.facilities.test_orders import report


def _options(page: str) -> list[str]:
    picker = re.search(r'<select[^>]*name="assignees".*?</select>', page, re.S).group(0)
    return re.findall(r"<option[^>]*>", picker)


def test_the_only_member_of_the_squad_comes_chosen(client, login, park, make_facility):
    facility = make_facility("ride", site=park.zylz, name="旋转木马")
    login(park.zoo_crew)
    assert report(client, facility).status_code == 303
    order = db.session.scalar(select(RepairOrder))
    options = _options(client.get(f"/facilities/orders/{order.id}").get_data(as_text=True))
    assert len(options) == 1 and "selected" in options[0]


def test_with_two_candidates_none_is_chosen_for_the_user(client, login, park, make_facility):
    facility = make_facility("ride", name="旋转木马")
    login(park.crew)
    assert report(client, facility).status_code == 303
    order = db.session.scalar(select(RepairOrder))
    options = _options(client.get(f"/facilities/orders/{order.id}").get_data(as_text=True))
    assert len(options) == 2 and not any("selected" in o for o in options)
