"""A main navigation entry may name several permissions: it is shown to whoever holds
any of them; an entry naming one permission works as before."""

import pytest

MODULE = "tests.core.nav_any_module"


@pytest.fixture
def nav_app(make_app):
    app = make_app(MODULES=[MODULE])
    with app.app_context():
        yield app


def _home(app, login, user) -> str:
    client = app.test_client()
    login(user, test_client=client)
    return client.get("/").get_data(as_text=True)


def test_an_entry_with_several_permissions_is_shown_to_holders_of_any(nav_app, make_user, login):
    leader = _home(nav_app, login, make_user("leader1", ["leader"], all_sites=True))
    crew = _home(nav_app, login, make_user("crew1", ["crew"]))
    cashier = _home(nav_app, login, make_user("cash1", ["cashier"]))
    assert ">Board</a>" in leader and ">Board</a>" in crew
    assert ">Board</a>" not in cashier


def test_an_entry_with_one_permission_is_shown_to_its_holders_only(nav_app, make_user, login):
    assert ">Walks only</a>" in _home(nav_app, login, make_user("crew1", ["crew"]))
    leader = _home(nav_app, login, make_user("leader1", ["leader"], all_sites=True))
    assert ">Walks only</a>" not in leader
