"""Idempotency keys in the one idiom (the view checks, the service remembers and
commits): a repeat lands where the first post led, also when the two posts race and
the other one commits between the view's check and the service's commit."""

import pytest
from flask import redirect, request
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

    def record(what: str, key: str | None) -> str:  # the service
        with db.engine.begin() as other:  # the other request, on its own connection
            other.execute(insert(IdempotencyKey).values(key="k-race", result_url="/first"))
        if what == "record":  # stands for a record with a unique column both requests fill
            db.session.add(IdempotencyKey(key="k-race", result_url="/second"))
        idempotency.remember(key, "/second", None)
        db.session.commit()
        return "/second"

    @signed_in
    def race(what):  # the view
        key = request.form.get(idempotency.FIELD)
        if done := idempotency.previous_result(key):
            return redirect(done, 303)
        return redirect(record(what, key), 303)

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
