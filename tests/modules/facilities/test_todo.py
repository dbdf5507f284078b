"""What the home page lists for facilities: the crew's orders and the reports waiting for
them, and the repairs a supervisor or squad lead must check (never her own)."""

from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from modules.facilities import todo
from modules.facilities.models import RepairOrder, SquadLead
from parkops.extensions import db
from tests.modules.facilities.test_orders import report, step


def items(user) -> list[tuple[str, str, bool]]:
    with current_app.test_request_context(), force_locale("en"):
        return [(i.text, i.url, i.overdue) for i in todo.todo(user)]


def test_the_crew_and_the_supervisors_see_what_waits(client, as_user, park, make_facility):
    assert items(park.crew) == items(park.inspector) == []
    as_user(park.crew)
    report(client, make_facility())
    order = db.session.scalar(select(RepairOrder))
    reported = (
        "1 reported problem waits for the crew",
        "/facilities/orders?view=all&state=reported",
        False,
    )
    assert items(park.crew) == items(park.crew2) == [reported]
    assert items(park.zoo_crew) == []  # another site's crew
    step(client, order, "assign", assignees=[park.crew2.id])
    mine = ("1 repair order assigned to you", "/facilities/orders?view=mine", False)
    assert items(park.crew2) == [mine] and items(park.crew) == []
    order.deadline_at -= timedelta(days=30)
    db.session.commit()
    assert items(park.crew2) == [mine[:2] + (True,)]
    as_user(park.crew2)
    step(client, order, "start")
    step(client, order, "repaired", labour_minutes="10", note="好了")
    check = ("1 repair waits for your check", "/facilities/orders?view=all&state=repaired", True)
    assert items(park.inspector) == [check] and items(park.crew2) == []
    assert items(park.cashier) == []
    db.session.add(SquadLead(site_id=park.psy.id, user_id=park.crew2.id))
    db.session.commit()
    assert items(park.crew2) == []  # she repaired it: someone else checks
    db.session.query(SquadLead).delete()
    db.session.add(SquadLead(site_id=park.psy.id, user_id=park.crew.id))
    db.session.commit()
    assert items(park.crew) == [check]


def test_the_home_page_shows_the_crew_their_orders(client, as_user, park, make_facility):
    as_user(park.crew)
    report(client, make_facility())
    client.post("/language/en")
    html = client.get("/").get_data(as_text=True)
    waiting = html[html.index('id="waiting"') :]
    assert 'href="/facilities/orders?view=all&amp;state=reported"' in waiting
