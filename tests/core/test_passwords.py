"""Common and context-specific passwords are refused with a reason (issue 15, OWASP ASVS 2.1)."""

import pytest

from parkops.demo import PASSWORD as DEMO_PASSWORD
from parkops.extensions import db
from tests.conftest import PASSWORD

TOO_EASY = "This password is too easy to guess"
CONTEXT = "contains your username, your name or the product"


def change(client, new):
    return client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": new, "confirm": new},
    )


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        ("1234567890", TOO_EASY),
        ("password12", TOO_EASY),
        ("qwertyuiop", TOO_EASY),
        (DEMO_PASSWORD, CONTEXT),  # "parkops-demo": the product's name
        ("Parkops2026!", CONTEXT),
        ("wang.lifang", CONTEXT),  # the username itself
        ("wang.lifang-1987", CONTEXT),
        ("lifang-loves-tea", CONTEXT),  # a part of the person's name
    ],
)
def test_weak_passwords_are_refused_with_the_reason(app, make_user, login, client, new, reason):
    user = make_user("wang.lifang", ["office"], display_name="Wang Lifang")
    login(user)
    client.post("/language/en")
    response = change(client, new)
    assert response.status_code == 422
    assert reason in response.get_data(as_text=True)
    db.session.expire_all()
    assert user.check_password(PASSWORD)


def test_a_strong_password_is_accepted(app, make_user, login, client):
    user = make_user("wang.lifang", ["office"], display_name="Wang Lifang")
    login(user)
    assert change(client, "lantern evening by the lake").status_code == 303
    db.session.expire_all()
    assert user.check_password("lantern evening by the lake")


def test_an_administrator_cannot_give_a_weak_initial_password(app, make_user, login, client):
    login(make_user("boss", ["admin"], all_sites=True))
    client.post("/language/en")
    response = client.post(
        "/admin/users/new",
        data={
            "username": "crew9",
            "display_name": "Crew Nine",
            "roles": ["crew"],
            "all_sites": "y",
            "password": "password12",
        },
    )
    assert response.status_code == 422
    assert TOO_EASY in response.get_data(as_text=True)
