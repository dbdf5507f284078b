"""The module contract, proved by the tiny example module."""

import pytest
from sqlalchemy import select

from parkops.extensions import db
from parkops.rectification.models import EvidenceLink
from parkops.rectification.services import link_evidence, load_notice
from parkops.registry import ModuleSpec, registry

EXAMPLE = "tests.example_module.module"


@pytest.fixture
def example_app(make_app):
    app = make_app(MODULES=[EXAMPLE])
    with app.app_context():
        yield app


def test_module_routes_nav_and_default_roles(example_app, make_user, login):
    client = example_app.test_client()
    crew = make_user("crew1", ["crew"])
    cashier = make_user("cash1", ["cashier"])
    login(crew, test_client=client)
    assert client.get("/example/").data == b"example index"
    assert b'href="/example/"' in client.get("/").data  # nav entry shown to its role
    client.post("/logout")
    login(cashier, test_client=client)
    assert client.get("/example/").status_code == 403
    assert b'href="/example/"' not in client.get("/").data


def test_module_todo_items_reach_the_home_page_late_ones_first(example_app, make_user, login):
    client = example_app.test_client()
    login(make_user("crew1", ["crew"]), test_client=client)
    client.post("/language/en")
    html = client.get("/").get_data(as_text=True)
    waiting = html[html.index('id="waiting"') :]
    assert waiting.index("Fix the gate") < waiting.index("Paint the bench")
    assert 'href="/example/records/2"' in waiting and "Overdue" in waiting
    assert "Nothing is assigned to you in the ledger." not in html
    client.post("/logout")
    login(make_user("cash1", ["cashier"]), test_client=client)
    assert 'id="waiting"' not in client.get("/").get_data(as_text=True)


def test_module_records_link_to_their_default_problem(example_app, make_user, login):
    load_notice()
    client = example_app.test_client()
    login(make_user("crew1", ["crew"]), test_client=client)
    assert client.post("/example/records").status_code == 201
    link = db.session.scalars(select(EvidenceLink)).one()
    assert (link.kind, link.record_id) == ("example.record", 7)


def test_unknown_evidence_kind_is_refused(example_app):
    with pytest.raises(ValueError, match="unknown evidence kind"):
        link_evidence("nope.thing", 1, "x", site_id=None)


def test_registry_collects_everything_declared(example_app):
    reg = registry(example_app)
    assert "example.view" in reg.permissions
    assert [j.name for j in reg.jobs if j.name.startswith("example.")] == ["example.job"]
    assert [i.name for i in reg.indicators] == ["example.share"]
    assert "example" in example_app.cli.commands


def test_a_module_name_registered_twice_is_an_error(example_app):
    with pytest.raises(ValueError, match="registered twice"):
        registry(example_app).add(ModuleSpec(name="example", label="again"))
