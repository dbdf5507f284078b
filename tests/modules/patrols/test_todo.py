"""The home page's to-do: follow-ups a user owns (past deadline marked), fixes an inspector
may verify, and a crew's patrols due now."""

from datetime import timedelta

from modules.patrols import schedules
from modules.patrols.models import Finding, FindingState
from parkops.auth.models import Department
from parkops.extensions import db
from parkops.timeutil import business_day, local_midnight_utc, utcnow

ALL_DAY = " ".join(f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 1440, 90))  # one open always


def _finding(park, owner, state=FindingState.OPEN, days=1, fixed_by=None, site=None):
    found = Finding(
        site_id=(site or park.psy).id,
        summary="进水口漂浮垃圾",
        recorded_by_id=park.inspector.id,
        owner_id=owner.id,
        deadline=business_day() + timedelta(days=days),
        state=state,
        fixed_by_id=fixed_by.id if fixed_by else None,
    )
    db.session.add(found)
    db.session.commit()
    return found


def test_an_owner_sees_the_follow_ups_to_fix_and_the_late_ones_first(park, as_user, client):
    _finding(park, park.crew)
    home = as_user(park.crew).get("/").get_data(as_text=True)
    assert "1 patrol finding for you to fix" in home
    _finding(park, park.crew, days=-2)  # past its deadline
    _finding(park, park.crew, state=FindingState.FIXED, fixed_by=park.crew)  # done: not to fix
    home = client.get("/").get_data(as_text=True)
    assert "2 patrol findings for you to fix" in home
    assert "/patrols/findings?state=overdue&amp;mine=1" in home
    mine = client.get("/patrols/findings?state=overdue&mine=1").get_data(as_text=True)
    assert mine.count("进水口漂浮垃圾") == 1


def test_a_fix_waits_for_an_inspector_who_did_not_make_it(park, as_user, client):
    _finding(park, park.inspector2, state=FindingState.FIXED, fixed_by=park.inspector2)
    assert "to verify" not in as_user(park.inspector2).get("/").get_data(as_text=True)
    assert "1 fix of a patrol finding to verify" in as_user(park.inspector).get("/").get_data(
        as_text=True
    )
    assert "to verify" not in as_user(park.zoo_inspector).get("/").get_data(as_text=True)


def test_a_crew_hears_of_its_patrol_due_now(park, as_user, client):
    pump = Department(name="泵站班")
    db.session.add(pump)
    db.session.commit()
    park.crew.department_id = pump.id
    db.session.commit()
    assert "due now" not in as_user(park.crew).get("/").get_data(as_text=True)
    made = schedules.save_schedule(
        park.water, park.intake, ALL_DAY, "1234567", pump, 60, park.inspector
    )
    made.created_at = local_midnight_utc(business_day(utcnow()))
    db.session.commit()
    home = client.get("/").get_data(as_text=True)
    assert "patrols of yours due now" in home or "patrol of yours due now" in home


def test_the_home_page_counts_without_listing(park, as_user, client, count_queries):
    as_user(park.crew)
    _finding(park, park.crew)
    client.get("/")
    with count_queries() as few:
        client.get("/")
    for n in range(5):
        _finding(park, park.crew, days=-n)
    client.get("/")
    with count_queries() as many:
        client.get("/")
    assert many.count == few.count
