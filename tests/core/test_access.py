"""Every route declares who may use it; undeclared routes fail closed."""

from flask import Blueprint

from parkops.auth.access import access_of
from tests.core.url_walk import is_static

EXAMPLE = "tests.example_module.module"


def test_every_route_declares_its_access(make_app):
    app = make_app(MODULES=[EXAMPLE])
    missing = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if not is_static(rule.endpoint) and access_of(app.view_functions[rule.endpoint]) is None
    ]
    assert missing == []


def test_a_route_without_declaration_is_refused(make_app, make_user, login):
    app = make_app()
    bare = Blueprint("bare", __name__)

    @bare.route("/bare")
    def undeclared():
        return "should never be served"

    app.register_blueprint(bare)
    with app.app_context():
        client = app.test_client()
        login(make_user("boss", ["admin"], all_sites=True), test_client=client)
        assert client.get("/bare").status_code == 403


def test_signed_out_user_is_sent_to_login(client):
    response = client.get("/ledger/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
