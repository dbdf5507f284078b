"""Two saves of one fingerprinted record at the same moment, in real threads with
their own sessions on the test database (a SQLite file in WAL mode, or PostgreSQL):
one is saved, the other gets the conflict page; never a lost update, never a 500.

Each request pauses after its fingerprint check for up to a second until the other
arrives there too (``saves_at_once``). Before SQLite took the write lock in
``conflicts.lock`` both arrived, both passed and the later save overwrote the earlier.
"""

from modules.facilities.models import Facility
from parkops.extensions import db
from tests.versions import saves_at_once, two_pages


def _form(facility, version, **changes):
    return {
        "version": version,
        "site_id": facility.site_id,
        "code": facility.code,
        "name": facility.name,
        "type_id": facility.type_id,
        "notes": facility.notes,
        **changes,
    }


def test_two_saves_at_once_one_is_saved_the_other_gets_the_conflict(
    app, park, login, make_facility, monkeypatch
):
    facility = make_facility("bench", name="湖边座椅")
    url = f"/facilities/{facility.id}/edit"
    first, second, version = two_pages(app, login, url, park.office)
    db.session.commit()
    forms = (_form(facility, version, name="北门座椅"), _form(facility, version, notes="松动"))
    codes = saves_at_once((first, second), url, forms, monkeypatch)
    assert sorted(codes) == [303, 409]
    db.session.expire_all()
    kept = db.session.get(Facility, facility.id)
    winner = codes.index(303)
    assert (kept.name, kept.notes) == (("北门座椅", ""), ("湖边座椅", "松动"))[winner]
