"""Indicator readings are stored between requests: pages read them, a job refreshes them.

This file is also a tiny module (``spec``): indicators for problem 14 that count
how often they are computed and run a statement of their own.
"""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select, update

from parkops.extensions import db
from parkops.rectification import readings
from parkops.rectification.models import Problem, Status
from parkops.rectification.readings import IndicatorReading
from parkops.rectification.services import load_notice
from parkops.registry import Indicator, ModuleSpec, registry
from parkops.reports import weekly
from parkops.timeutil import business_day, to_local, utcnow, week_start

RUNS = {"sites": 0}
FIGURE = {"text": "12 open orders", "ok": False}


def _sites_figure(site_ids):
    """Counts the problems in SQL (a statement the tests can spot), names the sites."""
    RUNS["sites"] += 1
    db.session.scalar(select(func.count()).select_from(Problem).where(Problem.id > -7))
    shown = "all" if site_ids is None else "+".join(str(i) for i in sorted(site_ids))
    return f"{FIGURE['text']} at {shown}", FIGURE["ok"]


def _broken(site_ids):
    raise RuntimeError("the module's figure failed")


spec = ModuleSpec(
    name="gauge",
    label="Gauge",
    indicators=(
        Indicator("gauge.orders", "Open orders", ("14",), _sites_figure, permission="ledger.view"),
        Indicator("gauge.broken", "Broken figure", ("14",), _broken, permission="ledger.view"),
        Indicator(
            "gauge.secret",
            "Office-only figure",
            ("14",),
            lambda site_ids: ("secret", True),
            permission="ledger.edit",
        ),
    ),
)
COUNTING = "rect_problems.id > "  # the statement only the indicator runs


@pytest.fixture
def app(make_app):
    app = make_app(MODULES=["tests.core.test_indicator_readings"])
    with app.app_context():
        load_notice()
        RUNS["sites"] = 0
        FIGURE.update(text="12 open orders", ok=False)
        yield app


@pytest.fixture
def page(app):
    return f"/ledger/problems/{db.session.scalar(select(Problem.id).where(Problem.code == '14'))}"


@pytest.fixture
def office(make_user, login, client):
    user = make_user("office1", ["office"], all_sites=True)
    login(user)
    client.post("/language/en")
    return user


def panel(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html[html.index('id="indicators"') : html.index('id="evidence"')]


def as_of(html: str) -> str:
    start = html.index('id="readings-as-of"')
    return html[start : html.index("</p>", start)]


def test_a_stored_reading_is_served_without_running_the_indicator(
    office, client, page, count_queries
):
    assert "12 open orders at all" in panel(client, page)  # computed: nothing stored yet
    assert RUNS["sites"] == 1
    with count_queries() as counted:
        again = panel(client, page)
    assert "12 open orders at all" in again
    assert RUNS["sites"] == 1
    assert not [s for s in counted.statements if COUNTING in s]
    reads = [s for s in counted.statements if "FROM indicator_readings" in s]
    assert len(reads) == 1, reads  # every figure of the page in one statement


def test_the_job_refreshes_the_stored_readings(app, office, client, page):
    panel(client, page)
    FIGURE.update(text="0 open orders", ok=True)
    assert "12 open orders" in panel(client, page)  # still the stored one, with its time
    # As the scheduler runs it: its own app context, no request, the row's language.
    result = app.test_cli_runner().invoke(
        args=["scheduler", "--run-once", "rectification.indicator_readings"]
    )
    assert result.output == (
        "rectification.indicator_readings done: {'refreshed': 3, 'dropped': 0}\n"
    )
    after = panel(client, page)
    assert "0 open orders at all" in after and "12 open orders" not in after
    assert RUNS["sites"] == 2  # once on the first page, once in the job


def test_the_page_says_as_of_when_and_a_stale_reading_is_computed_again(office, client, page):
    html = panel(client, page)
    stored = db.session.scalar(
        select(IndicatorReading.computed_at).where(IndicatorReading.indicator == "gauge.orders")
    )
    assert f"As of {to_local(stored):%H:%M}" in as_of(html)

    # The scheduler stopped: a figure older than MAX_AGE is not shown as current.
    old = utcnow() - readings.MAX_AGE - timedelta(minutes=1)
    db.session.execute(update(IndicatorReading).values(computed_at=old))
    db.session.commit()
    FIGURE.update(text="3 open orders")
    html = panel(client, page)
    assert "3 open orders at all" in html and RUNS["sites"] == 2
    assert f"As of {to_local(old):%H:%M}" not in as_of(html)
    fresh = db.session.scalar(
        select(IndicatorReading.computed_at).where(IndicatorReading.indicator == "gauge.orders")
    )
    assert fresh > old + readings.MAX_AGE


def test_a_failing_indicator_does_not_take_the_page_down(office, client, page):
    html = panel(client, page)
    assert "Broken figure" in html and "Could not be computed" in html
    again = panel(client, page)  # stored as failed: shown so, not recomputed
    assert "Could not be computed" in again
    failed = db.session.scalar(
        select(IndicatorReading).where(IndicatorReading.indicator == "gauge.broken")
    )
    assert failed.text is None and failed.ok is None


def test_each_reader_gets_the_figure_over_their_own_sites(
    app, make_user, make_site, login, client, page
):
    north, south = make_site("N", "North"), make_site("S", "South")
    crew_north = make_user("crew_n", ["crew"], sites=[north])
    office_south = make_user("office_s", ["office"], sites=[south])
    login(crew_north)
    client.post("/language/en")
    north_html = panel(client, page)
    assert f"12 open orders at {north.id}" in north_html
    assert "Office-only figure" not in north_html  # no ledger.edit: not shown at all

    other = app.test_client()
    login(office_south, test_client=other)
    other.post("/language/en")
    south_html = panel(other, page)
    assert f"12 open orders at {south.id}" in south_html
    assert f"at {north.id}" not in south_html and "Office-only figure" in south_html

    # Each site set is stored, and served, as its own reading.
    assert f"12 open orders at {north.id}" in panel(client, page)
    rows = db.session.scalars(
        select(IndicatorReading.sites).where(IndicatorReading.indicator == "gauge.orders")
    ).all()
    assert sorted(rows) == sorted([str(north.id), str(south.id)])

    # A site set nobody holds any more is dropped by the job, not refreshed for ever.
    crew_north.sites = [south]
    db.session.commit()
    assert readings.refresh()["dropped"] == 2  # the crew's two figures over North
    rows = db.session.scalars(select(IndicatorReading.sites).distinct()).all()
    assert rows == [str(south.id)]


def test_each_language_is_stored_as_its_own_reading(app):
    with app.test_request_context():
        orders = [i for i in registry(app).indicators if i.name == "gauge.orders"]
        with force_locale("en"):
            readings.figures(orders, None)
        with force_locale("zh"):
            readings.figures(orders, None)
    locales = db.session.scalars(select(IndicatorReading.locale).order_by("locale")).all()
    assert locales == ["en", "zh"]
    assert RUNS["sites"] == 2


def test_the_weekly_report_reads_each_indicator_once_for_its_figures_and_risks(app):
    problem = db.session.scalar(select(Problem).where(Problem.code == "14"))
    problem.status = Status.COMPLETED
    db.session.commit()
    with app.test_request_context(), force_locale("en"):
        data = weekly.generate(week_start(business_day()), business_day())
    assert RUNS["sites"] == 1  # not once for the figures and again for the risks
    row = next(p for p in data["problems"] if p["code"] == "14")
    assert {"label": "Open orders", "text": "12 open orders at all", "ok": False} in row[
        "indicators"
    ]
    assert row["at_risk"] == [{"label": "Open orders", "text": "12 open orders at all"}]
    with app.test_request_context(), force_locale("en"):
        weekly.generate(week_start(business_day()), business_day())
    assert RUNS["sites"] == 1  # the stored figure, younger than MAX_AGE
