"""Two managers editing one facility or one facility type: the second, on a page
loaded before the first saved, gets the conflict page and saves nothing."""

from modules.facilities.models import Facility, FacilityType
from parkops.extensions import db
from tests.versions import two_pages, version_of


def _facility_form(facility, version, **changes):
    return {
        "version": version,
        "site_id": facility.site_id,
        "code": facility.code,
        "name": facility.name,
        "type_id": facility.type_id,
        "notes": facility.notes,
        **changes,
    }


def test_a_stale_facility_form_gets_the_conflict_the_name_stays(app, park, login, make_facility):
    facility = make_facility("bench", name="湖边座椅")
    url = f"/facilities/{facility.id}/edit"
    first, second, version = two_pages(app, login, url, park.office)
    assert (
        first.post(url, data=_facility_form(facility, version, name="北门座椅")).status_code == 303
    )
    late = second.post(url, data=_facility_form(facility, version, name="湖边座椅", notes="松动"))
    assert late.status_code == 409
    html = late.get_data(as_text=True)
    assert 'id="conflict"' in html and "北门座椅" in html and "松动" in html
    db.session.expire_all()
    kept = db.session.get(Facility, facility.id)
    assert (kept.name, kept.notes) == ("北门座椅", "")
    again = _facility_form(kept, version_of(html), notes="松动")  # deliberate, at the version now
    assert second.post(url, data=again).status_code == 303
    db.session.expire_all()
    assert db.session.get(Facility, facility.id).notes == "松动"


def test_a_stale_facility_type_form_gets_the_conflict(app, park, login):
    ftype = park.types["toilet"]
    url = f"/facilities/types/{ftype.id}"
    first, second, version = two_pages(app, login, url, park.office)
    form = {"code": ftype.code, "name": ftype.name, "interval_days": "5"}
    assert first.post(url, data={**form, "version": version}).status_code == 303
    late = second.post(url, data={**form, "interval_days": "9", "version": version})
    assert late.status_code == 409
    db.session.expire_all()
    assert db.session.get(FacilityType, ftype.id).interval_days == 5
