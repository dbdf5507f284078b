"""Scoring rules: versions from a day on, refusals, the pages, and a past round keeping
the version it was opened with."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from modules.greening import rounds, rules
from modules.greening.models import RuleItem, RuleVersion
from modules.greening.rules import ItemData
from modules.greening.zones import GreeningError
from parkops.audit import AuditEntry
from parkops.extensions import db
from parkops.timeutil import business_day


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    "item, words",
    [
        (ItemData("杂草", "", -5, 1), "points are a whole number from 1 to 100"),
        (ItemData("杂草", "", 0, 1), "points are a whole number from 1 to 100"),
        (ItemData("杂草", "", 101, 1), "points are a whole number from 1 to 100"),
        (ItemData("杂草", "", 10, 11), "from 1 to the item's points"),
        (ItemData("杂草", "", 10, -1), "from 1 to the item's points"),
        (ItemData("", "", 10, 2), "needs a name"),
    ],
)
def test_a_bad_item_is_refused_and_nothing_stored(grove, item, words):
    good = ItemData("修剪", "", 20, 5)
    with pytest.raises(GreeningError, match=words):
        rules.add_version(business_day(), [good, item], "", grove.office)
    assert count(RuleVersion) == 0 and count(RuleItem) == 0


def test_the_past_is_not_rewritten_and_a_day_starts_one_version(grove, rules_in_force):
    items = [ItemData("杂草", "", 30, 3)]
    with pytest.raises(GreeningError, match="past is not rewritten"):
        rules.add_version(business_day() - timedelta(days=1), items, "", grove.office)
    with pytest.raises(GreeningError, match="already starts on that day"):
        rules.add_version(business_day(), items, "", grove.office)
    with pytest.raises(GreeningError, match="at least one item"):
        rules.add_version(business_day() + timedelta(days=1), [], "", grove.office)
    with pytest.raises(GreeningError, match="may not"):
        rules.add_version(business_day() + timedelta(days=1), items, "", grove.assessor)
    assert count(RuleVersion) == 1


def test_a_version_from_tomorrow_leaves_today_and_its_rounds_alone(grove, rules_in_force):
    assert rules_in_force.total_points == 100
    round_ = rounds.open_round(grove.psy.id, business_day(), grove.assessor)
    tomorrow = business_day() + timedelta(days=1)
    later = rules.add_version(tomorrow, [ItemData("杂草", "", 50, 10)], "", grove.office)
    assert rules.version_on(business_day()).id == rules_in_force.id
    assert rules.version_on(tomorrow).id == later.id
    assert round_.rule_version_id == rules_in_force.id
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "greening.rules_changed")
    )
    assert [e.details["items"] for e in entry] == [6, 1]


def test_the_office_saves_a_new_version_through_the_form(client, as_user, grove, rules_in_force):
    as_user(grove.office)
    form = client.get("/greening/rules/new").get_data(as_text=True)
    assert 'value="杂草"' in form  # prefilled with the items in force
    tomorrow = (business_day() + timedelta(days=1)).isoformat()
    posted = {
        "effective_from": tomorrow,
        "note": "加重杂草扣分",
        "row": ["1", "2", "3"],
        "name-1": "杂草",
        "points-1": "30",
        "deduction-1": "3",
        "photo-1": "1",
        "name-2": "修剪",
        "points-2": "-20",
        "deduction-2": "5",
        "name-3": "",  # an empty row is left out
    }
    refused = client.post("/greening/rules/new", data=posted)
    assert refused.status_code == 422
    assert "Item 2: points are a whole number" in refused.get_data(as_text=True)
    posted["points-2"] = "20"
    assert client.post("/greening/rules/new", data=posted).status_code == 303
    version = rules.version_on(business_day() + timedelta(days=1))
    assert [(i.name, i.points, i.deduction, i.photo_required) for i in version.items] == [
        ("杂草", 30, 3, True),
        ("修剪", 20, 5, False),
    ]
    page = client.get("/greening/rules").get_data(as_text=True)
    assert "加重杂草扣分" in page and "to come" in page


def test_who_sees_and_who_edits_the_rules(client, as_user, grove, rules_in_force):
    as_user(grove.gardener)
    assert "杂草" in client.get("/greening/rules").get_data(as_text=True)
    assert client.get("/greening/rules/new").status_code == 403
    as_user(grove.assessor)
    assert client.post("/greening/rules/new", data={"row": ["1"]}).status_code == 403
    as_user(grove.cashier)
    assert client.get("/greening/rules").status_code == 403
