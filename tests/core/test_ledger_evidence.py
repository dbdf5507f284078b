"""Evidence links and live indicators on a problem's page, and the office's evidence mapping.

This file is also a tiny module (``spec`` below): two evidence kinds whose
records have a page, and indicators for problem 14.
"""

from datetime import timedelta

import pytest
from flask import Blueprint
from sqlalchemy import select

from parkops.audit import AuditEntry
from parkops.auth.access import require
from parkops.extensions import db
from parkops.rectification import readings
from parkops.rectification.models import EvidenceMapping, Problem, Status
from parkops.rectification.services import link_evidence, load_notice
from parkops.registry import EvidenceKind, Indicator, ModuleSpec
from parkops.timeutil import utcnow

bp = Blueprint("proof", __name__)
FIGURES = {"on_time": ("9 of 10 repaired in time", True), "open": ("no data yet", None)}


@bp.route("/orders/<int:id>")
@require("ledger.view")
def order(id: int):
    return f"order {id}"


@bp.route("/checks/<int:id>")
@require("ledger.view")
def check(id: int):
    return f"check {id}"


def _broken(site_ids):
    raise RuntimeError("the module's figure failed")


spec = ModuleSpec(
    name="proof",
    label="Proof",
    blueprint=bp,
    url_prefix="/proof",
    evidence_kinds=(
        EvidenceKind(
            "proof.order", "Repair order", "proof.order", ("14",), permission="ledger.view"
        ),
        EvidenceKind(
            "proof.check", "Patrol check", "proof.check", ("14", "15"), permission="ledger.view"
        ),
    ),
    indicators=(
        Indicator(
            "proof.on_time",
            "Repaired in time",
            ("14",),
            lambda site_ids: FIGURES["on_time"],
            permission="ledger.view",
        ),
        Indicator(
            "proof.open",
            "Open orders",
            ("14", "15"),
            lambda site_ids: FIGURES["open"],
            permission="ledger.view",
        ),
        Indicator("proof.broken", "Broken figure", ("14",), _broken, permission="ledger.view"),
        Indicator(
            "proof.tickets",
            "Unreconciled days",
            ("35",),
            lambda site_ids: ("0", True),
            permission="ledger.view",
        ),
    ),
)


@pytest.fixture
def app(make_app):
    app = make_app(MODULES=["tests.core.test_ledger_evidence"])
    with app.app_context():
        load_notice()
        yield app


@pytest.fixture
def office(app, make_user, login, client):
    user = make_user("office1", ["office"], all_sites=True)
    login(user)
    client.post("/language/en")
    return user


def problem(code: str) -> Problem:
    return db.session.scalar(select(Problem).where(Problem.code == code))


def add_links(kind: str, count: int, problems: list[Problem]) -> None:
    start = utcnow() - timedelta(days=count)
    for n in range(1, count + 1):
        for link in link_evidence(kind, n, f"{kind} #{n}", problems, site_id=None):
            link.created_at = start + timedelta(hours=n)
    db.session.commit()


def test_evidence_is_grouped_by_kind_newest_first_with_links(office, client):
    p = problem("14")
    add_links("proof.order", 3, [p])
    add_links("proof.check", 2, [p])
    html = client.get(f"/ledger/problems/{p.id}").get_data(as_text=True)
    orders = html[html.index('id="evidence-proof-order"') : html.index('id="evidence-proof-check"')]
    assert "Repair order" in orders and "(3)" in orders
    assert (
        orders.index("proof.order #3")
        < orders.index("proof.order #2")
        < orders.index("proof.order #1")
    )
    assert 'href="/proof/orders/3"' in orders
    checks = html[html.index('id="evidence-proof-check"') :]
    assert 'href="/proof/checks/2"' in checks


def test_many_records_are_capped_on_the_page_and_paginated_in_full(office, client):
    p = problem("14")
    add_links("proof.order", 60, [p])
    html = client.get(f"/ledger/problems/{p.id}").get_data(as_text=True)
    orders = html[html.index('id="evidence-proof-order"') :]
    assert orders.count('href="/proof/orders/') == 10
    assert "proof.order #60" in orders and "proof.order #50" not in orders
    assert f'href="/ledger/problems/{p.id}/evidence/proof.order"' in orders and "All 60" in orders
    first = client.get(f"/ledger/problems/{p.id}/evidence/proof.order").get_data(as_text=True)
    assert first.count('href="/proof/orders/') == 50 and "proof.order #60" in first
    second = client.get(f"/ledger/problems/{p.id}/evidence/proof.order?page=2").get_data(
        as_text=True
    )
    assert second.count('href="/proof/orders/') == 10 and "proof.order #1<" in second
    assert client.get(f"/ledger/problems/{p.id}/evidence/proof.nothing").status_code == 404


def test_a_problem_without_evidence_says_so(office, client):
    html = client.get(f"/ledger/problems/{problem('20').id}").get_data(as_text=True)
    assert "No operational record is linked to this problem yet." in html


def test_indicators_show_beside_the_status_and_warn_when_they_contradict_it(office, client):
    p = problem("14")
    p.status = Status.COMPLETED
    db.session.commit()
    html = client.get(f"/ledger/problems/{p.id}").get_data(as_text=True)
    panel = html[html.index('id="indicators"') : html.index('id="evidence"')]
    assert 'reading reading-ok">' in panel and "9 of 10 repaired in time" in panel
    assert 'reading reading-none">' in panel and "no data yet" in panel
    # A failing figure is shown as such; the page still works.
    assert "Broken figure" in panel and "Could not be computed" in panel
    assert "Unreconciled days" not in panel  # problem 35's, not 14's
    assert 'id="indicator-warning"' not in panel

    FIGURES["on_time"] = ("3 of 10 repaired in time", False)
    try:
        readings.refresh()  # the scheduler's job: pages show the stored figures
        html = client.get(f"/ledger/problems/{p.id}").get_data(as_text=True)
    finally:
        FIGURES["on_time"] = ("9 of 10 repaired in time", True)
    panel = html[html.index('id="indicators"') : html.index('id="evidence"')]
    assert 'reading reading-bad">' in panel and 'id="indicator-warning"' in panel


def test_office_maps_a_kind_to_other_problems_and_back(office, client):
    html = client.get("/ledger/evidence-mapping").get_data(as_text=True)
    assert "Repair order" in html and "Patrol check" in html
    section = html[html.index('id="mapping-proof-order"') : html.index('id="mapping-proof-check"')]
    assert '<strong class="codes">14</strong>' in section and "module default" in section

    response = client.post("/ledger/evidence-mapping/proof.order", data={"codes": "15，16 14"})
    assert response.status_code == 303
    assert db.session.get(EvidenceMapping, "proof.order").problem_codes == "14,15,16"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "ledger.evidence_mapping_set")
    )
    assert entry.details == {"kind": "proof.order", "codes": [["14"], ["14", "15", "16"]]}
    # New records now link to the mapped problems.
    links = link_evidence("proof.order", 99, "order 99", site_id=None)
    db.session.commit()
    assert sorted(db.session.get(Problem, link.problem_id).code for link in links) == [
        "14",
        "15",
        "16",
    ]

    client.post("/ledger/evidence-mapping/proof.order/reset")
    assert db.session.get(EvidenceMapping, "proof.order") is None
    assert [
        db.session.get(Problem, link.problem_id).code
        for link in link_evidence("proof.order", 100, "order 100", site_id=None)
    ] == ["14"]
    db.session.rollback()


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        ("14, 99, S3", "No problem has the number 99, S3."),
        ("", "Give at least one problem number."),
    ],
)
def test_unknown_problem_numbers_are_refused_and_change_nothing(office, client, codes, message):
    response = client.post("/ledger/evidence-mapping/proof.order", data={"codes": codes})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.get(EvidenceMapping, "proof.order") is None
    assert (
        db.session.scalar(select(AuditEntry).where(AuditEntry.action.like("ledger.evidence%")))
        is None
    )


def test_mapping_an_unknown_kind_is_404_and_only_the_office_maps(app, make_user, login, client):
    login(make_user("office1", ["office"]))
    assert (
        client.post("/ledger/evidence-mapping/nope.kind", data={"codes": "14"}).status_code == 404
    )
    client.post("/logout")
    login(make_user("wang", ["leader"]))
    assert client.get("/ledger/evidence-mapping").status_code == 403
    assert (
        client.post("/ledger/evidence-mapping/proof.order", data={"codes": "15"}).status_code == 403
    )
    assert db.session.get(EvidenceMapping, "proof.order") is None
