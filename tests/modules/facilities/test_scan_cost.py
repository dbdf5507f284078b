"""The crew's scan page costs the same statements whatever its history holds: recent
inspections are read as the columns shown, not as users with their roles and sites."""

from modules.facilities import inspections
from modules.facilities.models import Facility
from parkops.auth.models import User
from parkops.extensions import db


def _statements(client, count_queries, path) -> tuple[int, str]:
    """A server's request starts from an empty session: so does this one."""
    db.session.remove()
    with count_queries() as q:
        response = client.get(path)
    assert response.status_code == 200
    return q.count, response.get_data(as_text=True)


def test_the_crew_scan_page_takes_the_same_statements_whoever_inspected(
    client, as_user, park, make_facility, count_queries
):
    facility = make_facility()
    facility_id, path = facility.id, f"/q/{facility.token}"
    inspectors = [park.crew2.id, park.zoo_crew.id, park.crew.id]
    as_user(park.crew)
    client.get(path)  # the first page warms per-process caches
    empty, _page = _statements(client, count_queries, path)

    for inspector in inspectors:
        found = db.session.get(Facility, facility_id)
        inspections.log_inspection(found, db.session.get(User, inspector), None)
    busy, page = _statements(client, count_queries, path)

    assert "Crew Two" in page and "Zoo Crew" in page
    assert busy == empty == 7
