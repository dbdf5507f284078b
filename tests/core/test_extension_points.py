"""The registry's extension points, proved by the example module and its dependant:
requires, subjects, signals, module assets, sub-navigation, enum labels and the
conventions of a service (idempotency key, refusal rolled back, 422)."""

import re

import pytest
from flask import render_template_string
from sqlalchemy import select

from parkops import create_app, labels, signals
from parkops.audit import AuditEntry
from parkops.extensions import db
from parkops.registry import ModuleError, ModuleSpec
from parkops.subjects import resolve, search
from tests.example_module import dependent, spots

EXAMPLE = "tests.example_module.module"
DEPENDENT = "tests.example_module.dependent"
FAILING = __name__  # this file's ``spec``: a module whose reaction fails


def _refuse(sender, **payload):
    raise RuntimeError("the reaction failed")


spec = ModuleSpec(name="failing", label="Failing", reactions=((signals.finding_recorded, _refuse),))


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


@pytest.fixture
def app(make_app):
    """This file's app (and so ``client``, ``make_user``…) loads both example modules."""
    app = make_app(MODULES=[EXAMPLE, DEPENDENT])
    with app.app_context():
        yield app


@pytest.fixture
def crew(make_site, make_user):
    psy = make_site("PSY", "濮上园")
    make_site("ZY", "中原绿色庄园")
    return make_user("crew1", ["crew"], sites=[psy])


@pytest.mark.parametrize(
    "modules", [[DEPENDENT], [DEPENDENT, EXAMPLE]], ids=["missing", "listed after"]
)
def test_a_module_whose_requirement_is_missing_or_later_stops_the_start(tmp_path, modules):
    with pytest.raises(ModuleError, match="module 'dependent' requires module 'example'"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "t", "MODULES": modules})


def test_subjects_resolve_to_label_url_and_site_within_the_users_sites(app, crew):
    with app.test_request_context():  # a subject's url is a path of this installation
        spot = resolve("example.spot", 2)
        others = resolve("example.spot", 3, crew)
        found = [s.id for s in search("example.spot", "", crew)]
        lamps = [s.id for s in search("example.spot", "lamp", crew, limit=5)]
    assert (spot.label, spot.url) == ("West lawn lamp", "/example/spots/2")
    assert spot.site_id == crew.sites[0].id
    assert others is None  # another site's spot
    assert resolve("example.spot", 99) is None
    assert resolve("greening.zone", 1) is None  # a module not loaded
    assert (found, lamps) == ([1, 2], [2])


def test_a_signal_runs_the_loaded_reaction_in_the_senders_transaction(crew, client, login):
    login(crew)
    heard_before = len(dependent.heard)
    response = client.post("/example/spots/2", data={"summary": "Bulb out", "severity": "high"})
    assert response.status_code == 303
    assert _actions()[-2:] == ["example.finding", "dependent.noted"]
    assert dependent.heard[heard_before:] == [("example", "example.spot", 2, "high")]


def test_a_reaction_tells_the_sender_what_it_did(crew, make_app):
    """The sender gets each handler's Reaction back, to keep and show on its record;
    an app without the reacting module gets none."""
    payload = dict(subject_kind="example.spot", subject_id=2, summary="Bulb out", severity="high")
    reactions = signals.send(signals.finding_recorded, sender="example", user=crew, **payload)
    assert reactions == [signals.Reaction("Noted: Bulb out", "/example/records/2")]
    db.session.rollback()
    alone = make_app(MODULES=[EXAMPLE])
    with alone.app_context():
        assert signals.send(signals.finding_recorded, "example", user=crew, **payload) == []


def test_a_failing_reaction_takes_the_senders_record_with_it(crew, make_app):
    app = make_app(MODULES=[EXAMPLE, DEPENDENT, FAILING])
    with app.test_request_context():
        spot = spots.get_spot(2)
        with pytest.raises(RuntimeError, match="the reaction failed"):
            spots.record_finding(spot, "Bulb out", "high", crew)
        db.session.rollback()  # what the request's teardown does
        assert "example.finding" not in _actions()
        assert "dependent.noted" not in _actions()


def test_an_app_without_the_reacting_module_runs_no_reaction(crew, make_app, login):
    alone = make_app(MODULES=[EXAMPLE])  # beside this file's app, which would react
    with alone.app_context():
        client = alone.test_client()
        login(crew, test_client=client)
        heard_before = len(dependent.heard)
        response = client.post("/example/spots/1", data={"summary": "Loose", "severity": "low"})
        assert response.status_code == 303
        assert _actions()[-1] == "example.finding"
        assert len(dependent.heard) == heard_before


def test_a_refused_finding_answers_422_and_stores_nothing(crew, client, login):
    login(crew)
    client.post("/language/en")
    before = _actions()
    response = client.post("/example/spots/2", data={"summary": "  ", "severity": "high"})
    assert response.status_code == 422
    assert "Describe the finding in a few words." in response.get_data(as_text=True)
    assert _actions() == before


def test_a_repeated_post_lands_on_the_first_and_records_once(crew, client, login):
    login(crew)
    posted = {"summary": "Bulb out", "severity": "high", "idempotency_key": "k" * 32}
    first = client.post("/example/spots/2", data=posted)
    second = client.post("/example/spots/2", data=posted)
    assert first.headers["Location"] == second.headers["Location"] == "/example/spots/2"
    assert _actions().count("example.finding") == 1


def test_module_stylesheet_and_script_are_included_only_where_loaded(crew, client, login, make_app):
    login(crew)
    html = client.get("/example/spots/1").get_data(as_text=True)
    assert '<link rel="stylesheet" href="/example/static/example.css">' in html
    assert '<script src="/example/static/example.js" defer></script>' in html
    assert client.get("/example/static/example.css").status_code == 200
    without = make_app(MODULES=[])
    with without.test_request_context():
        page = render_template_string('{% extends "base.html" %}')
    assert "example.css" not in page and "example.js" not in page


def test_subnav_comes_from_the_spec_with_one_current_entry(crew, client, login):
    login(crew)
    client.post("/language/en")
    html = client.get("/example/spots/2").get_data(as_text=True)
    subnav = html[html.index('class="subnav"') : html.index("</nav>", html.index('class="subnav"'))]
    assert re.findall(r">([^<]+)</a>", subnav) == ["Spots", "Overview"]  # not "Hidden from crew"
    assert re.findall(r'href="([^"]+)" aria-current="page"', subnav) == ["/example/spots"]


def test_enum_labels_come_from_the_one_filter(crew, client, login):
    login(crew)
    client.post("/language/en")
    assert '<p id="state">Worn</p>' in client.get("/example/spots/2").get_data(as_text=True)


def test_an_enum_with_an_unlabelled_member_is_refused():
    import enum

    class Half(enum.Enum):
        A = "a"
        B = "b"

    with pytest.raises(ValueError, match="Half: no label for B"):
        labels.register(Half, {Half.A: "A"})


def test_one_main_menu_entry_is_current(make_app, make_user, login):
    admin = make_user("boss", ["admin"], all_sites=True)
    default = make_app()  # facilities and ticketing: three facilities entries, one blueprint
    with default.app_context():
        client = default.test_client()
        login(admin, test_client=client)
        html = client.get("/facilities/orders").get_data(as_text=True)
    menu = html[html.index('class="mainnav"') : html.index("</nav>", html.index('class="mainnav"'))]
    assert re.findall(r'href="([^"]+)" aria-current="page"', menu) == ["/facilities/orders"]
