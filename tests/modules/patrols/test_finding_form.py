"""The finding forms' refusals: a past follow-up deadline (new finding and assign), a
place that matches nothing shown under the place's field; the empty list's words."""

from datetime import timedelta

from sqlalchemy import func, select

from modules.patrols.models import Finding
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.flashes import confirmation
from tests.modules.patrols.test_findings import _submitted_run

PAST = "The deadline cannot be before today."


def _record(client, park, **extra):
    return client.post(
        f"/patrols/findings/new?site={park.psy.id}",
        data={
            "summary": "护栏松动",
            "severity": "normal",
            "person_id": "0",
            "owner_id": str(park.inspector2.id),
            **extra,
        },
    )


def _between(page: str, field: str, next_field: str) -> str:
    """The form's text from the input named ``field`` to the one named ``next_field``
    (where the field's errors are shown)."""
    return page[page.index(f'name="{field}"') : page.index(f'name="{next_field}"')]


def test_a_new_findings_deadline_before_today_is_refused_under_its_field(park, as_user, client):
    as_user(park.inspector)
    yesterday = (business_day() - timedelta(days=1)).isoformat()
    refused = _record(client, park, deadline=yesterday)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert PAST in _between(page, "deadline", "photos")
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0
    today = business_day().isoformat()
    assert confirmation(client, _record(client, park, deadline=today)) == "Patrol finding recorded."
    assert db.session.scalar(select(Finding.deadline)) == business_day()


def test_assigning_a_deadline_before_today_is_refused(app, park, as_user, client):
    with app.test_request_context():
        _submitted_run(park)
    finding = db.session.scalar(select(Finding))
    as_user(park.inspector)
    yesterday = (business_day() - timedelta(days=1)).isoformat()
    refused = client.post(
        f"/patrols/findings/{finding.id}/assign",
        data={"owner_id": park.inspector2.id, "deadline": yesterday},
    )
    assert refused.status_code == 422 and PAST in refused.get_data(as_text=True)
    db.session.expire_all()
    assert finding.deadline is None and finding.owner_id != park.inspector2.id


def test_a_place_that_matches_nothing_is_refused_under_the_place_field(park, as_user, client):
    as_user(park.inspector)
    refused = _record(client, park, subject_kind="patrols.checkpoint", subject_text="无此处")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    message = "No place matches “无此处”."
    assert message in _between(page, "subject_text", "person_id")
    assert message not in _between(page, "summary", "severity")
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0


def test_the_empty_findings_list_speaks_of_patrol_findings(park, as_user, client):
    as_user(park.inspector)
    page = client.get("/patrols/findings").get_data(as_text=True)
    assert "No patrol findings." in page and "No finding." not in page
