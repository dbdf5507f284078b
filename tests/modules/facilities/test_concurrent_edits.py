"""Two saves of one fingerprinted record at the same moment, in real threads with
their own sessions on the test database (a SQLite file in WAL mode, or PostgreSQL):
one is saved, the other gets the conflict page; never a lost update, never a 500.

Each request pauses after its fingerprint check (``conflicts.fingerprint``) for up to
a second until the other arrives there too. Before SQLite took the write lock in
``conflicts.lock`` both arrived, both passed and the later save overwrote the earlier.
"""

import threading

from modules.facilities.models import Facility
from parkops import conflicts
from parkops.extensions import db
from tests.core.test_limits import run_at_once
from tests.versions import two_pages


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
    arrived = [threading.Event(), threading.Event()]
    racing = {}
    real = conflicts.fingerprint

    def meeting(values):
        me = racing.pop(threading.current_thread(), None)
        if me is not None:  # each request's first check only
            arrived[me].set()
            arrived[1 - me].wait(timeout=1)  # the other is blocked by the lock: go on
        return real(values)

    monkeypatch.setattr(conflicts, "fingerprint", meeting)
    clients = (first, second)
    forms = (_form(facility, version, name="北门座椅"), _form(facility, version, notes="松动"))

    def send(n: int):
        racing[threading.current_thread()] = n
        return clients[n].post(url, data=forms[n]).status_code

    codes = run_at_once(2, send)
    assert sorted(codes) == [303, 409]
    db.session.expire_all()
    kept = db.session.get(Facility, facility.id)
    winner = codes.index(303)
    assert (kept.name, kept.notes) == (("北门座椅", ""), ("湖边座椅", "松动"))[winner]
