"""The home page's to-do for greening: a gardener's overdue and today's tasks, the
lead's appeals to decide and overdue tasks at her sites."""

from datetime import timedelta

from modules.greening import appeals, rounds
from parkops.timeutil import business_day
from tests.modules.greening.test_tasks import task_in


def waiting(client) -> str:
    html = client.get("/").get_data(as_text=True)
    return html[html.index('id="waiting"') :] if 'id="waiting"' in html else ""


def test_a_gardener_sees_her_overdue_and_todays_tasks(client, as_user, grove, make_zone):
    today = business_day()
    mine, his = make_zone(), make_zone(responsible=grove.gardener2)
    task_in(mine, today - timedelta(days=1))
    task_in(mine, today - timedelta(days=3))
    task_in(mine, today)
    task_in(his, today - timedelta(days=1))
    as_user(grove.gardener)
    shown = waiting(client)
    assert "2 maintenance tasks overdue" in shown
    assert "1 maintenance task due today" in shown
    assert 'href="/greening/tasks"' in shown
    as_user(grove.zoo_gardener)
    assert "maintenance task" not in waiting(client)


def test_the_lead_sees_appeals_to_decide_and_overdue_tasks(
    client, as_user, grove, make_zone, rules_in_force, make_user
):
    zone = make_zone()
    task_in(zone, business_day() - timedelta(days=1))
    round_ = rounds.open_round(grove.psy.id, business_day(), grove.assessor)
    watering = next(i for i in rules_in_force.items if i.name == "浇水")
    deduction = rounds.add_deduction(
        round_, zone, watering.id, 1, "", None, grove.assessor, None, "/"
    )
    appeals.file_appeal(deduction, "不服", None, grove.gardener, None, "/")
    as_user(grove.office)
    shown = waiting(client)
    assert "1 appeal awaits your decision" in shown
    assert 'href="/greening/appeals"' in shown
    assert "1 maintenance task overdue at your sites" in shown
    as_user(make_user("zoooffice", ["office"], sites=[grove.zylz], locale="en"))
    shown = waiting(client)
    assert "appeal" not in shown and "overdue at your sites" not in shown
