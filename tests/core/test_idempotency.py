"""Idempotency keys on a view: a repeat lands where the first post led, also when the
two posts race and the other one commits between our check and our commit."""

import pytest
from flask import redirect
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from parkops import idempotency
from parkops.auth.access import signed_in
from parkops.extensions import db
from parkops.idempotency import IdempotencyKey


@pytest.fixture
def racing_client(make_app, make_user, login):
    """A view whose record clashes with one another request commits meanwhile: the
    other request's idempotency key (``/race/key``) or its record (``/race/record``)."""
    app = make_app(PROPAGATE_EXCEPTIONS=True)

    @signed_in
    @idempotency.repeat_lands_on_first
    def race(what):
        with db.engine.begin() as other:  # the other request, on its own connection
            other.execute(insert(IdempotencyKey).values(key="k-race", result_url="/first"))
        if what == "record":  # stands for a record with a unique column both requests fill
            db.session.add(IdempotencyKey(key="k-race", result_url="/second"))
        idempotency.claim("/second")
        db.session.commit()
        return redirect("/second", 303)

    app.add_url_rule("/race/<what>", "race", race, methods=["POST"])
    make_user("someone")
    client = app.test_client()
    login("someone", test_client=client)
    return app, client


def test_a_racing_repeat_lands_on_the_first_result(racing_client):
    app, client = racing_client
    response = client.post("/race/key", data={"idempotency_key": "k-race"})
    assert response.status_code == 303 and response.headers["Location"] == "/first"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


def test_a_clash_of_the_record_itself_is_not_taken_for_a_repeat(racing_client):
    _app, client = racing_client
    with pytest.raises(IntegrityError):
        client.post("/race/record", data={"idempotency_key": "k-mine"})
