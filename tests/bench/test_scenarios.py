"""The core bench scenario stays in step with the app: its data loads, its pages answer.

Timings are not asserted anywhere; `make bench` reports them.
"""

import pytest
from sqlalchemy import func, select

from bench.measure import queries_per_page
from bench.scenarios import core, greening, history_share, patrols, structure
from modules.greening.models import Round, Task, Zone
from modules.patrols.models import Answer, Finding
from parkops import audit, demo
from parkops.auth.models import User
from parkops.extensions import db
from parkops.paging import PER_PAGE
from parkops.rectification.models import Measure, Problem, ProgressReport, Source
from tests.demo_copy import load_demo


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_core_scenario_grows_the_demo_ledger_and_its_pages_answer(app, monkeypatch):
    monkeypatch.setattr(core, "STAFF", 12)
    monkeypatch.setattr(core, "PROBLEMS", 40)
    monkeypatch.setattr(core, "AUDIT_ENTRIES", 300)
    load_demo()
    users_before = _count(User)

    core.setup(app)

    assert _count(User) == users_before + 12
    assert _count(Problem, Problem.source == Source.SELF) == 7 + 40
    assert _count(Measure) >= 40 * core.MEASURES_EACH
    assert _count(ProgressReport) >= 40 * core.REPORTS_EACH
    assert _count(Problem, Problem.person.has(User.username == core.BUSY_PERSON)) >= 2
    # The log's entries are chained as audit.record writes them: the chain still verifies.
    checked = audit.verify()
    assert checked.ok and checked.checked >= 300, checked.problems
    db.session.remove()
    for page in core.pages(app):
        queries, status = queries_per_page(app, page, demo.PASSWORD)
        assert status == 200, f"{page.name} ({page.path}) answered {status}"
        assert queries > 0


def test_greening_scenario_adds_its_zones_and_its_pages_answer(app, monkeypatch):
    monkeypatch.setattr(greening, "ZONES", 300)
    load_demo()
    zones_before = _count(Zone)

    greening.setup(app)

    assert _count(Zone) == zones_before + 300
    db.session.remove()
    for page in greening.pages(app):
        queries, status = queries_per_page(app, page, demo.PASSWORD)
        assert status == 200, f"{page.name} ({page.path}) answered {status}"
        assert queries > 0


def test_a_hundredth_keeps_a_page_of_structure_and_a_hundredth_of_history():
    assert structure(500, 0.01) == PER_PAGE  # not 5 zones: a page of the list
    assert structure(5_000, 0.01, 400) == 400
    assert structure(30, 0.01) == 30  # never more than the full volume
    assert structure(500, 1.0) == 500
    assert history_share(500, 50, 0.01) == pytest.approx(0.1)  # 50 × 0.1 = 500 × 0.01
    assert history_share(500, 500, 1.0) == 1.0


def test_greening_scenario_builds_a_hundredth(app):
    load_demo()
    zones_before, tasks_before, rounds_before = _count(Zone), _count(Task), _count(Round)

    greening.setup(app, scale=0.01)

    # The zones (structure) fill a page of every zone list, as at the full volume ...
    assert _count(Zone) == zones_before + greening.LEAST_ZONES >= zones_before + PER_PAGE
    # ... and their years of tasks and rounds (history) are a hundredth of the full's.
    full_tasks = greening.ZONES * 365 * greening.YEARS / 10
    assert _count(Task) - tasks_before == pytest.approx(full_tasks / 100, rel=0.05)
    assert _count(Round) - rounds_before == 3  # of sixty
    db.session.remove()
    for page in greening.pages(app):
        queries, status = queries_per_page(app, page, demo.PASSWORD)
        assert status == 200, f"{page.name} ({page.path}) answered {status}"


def test_patrols_scenario_loads_runs_and_findings_and_its_pages_answer(app, monkeypatch):
    monkeypatch.setattr(patrols, "RUNS", 40)
    monkeypatch.setattr(patrols, "FINDINGS", 30)
    load_demo()
    answers_before, findings_before = _count(Answer), _count(Finding)

    patrols.setup(app, scale=0.5)  # the share of the volume the bench asks for
    assert _count(Answer) == answers_before + 20 * 5
    assert _count(Finding) == findings_before + 15
    answers_before, findings_before = _count(Answer), _count(Finding)

    patrols.setup(app)

    assert _count(Answer) == answers_before + 40 * 5
    assert _count(Finding) == findings_before + 30
    db.session.remove()
    counts = {}
    for page in patrols.pages(app):
        queries, status = queries_per_page(app, page, demo.PASSWORD)
        assert status == 200, f"{page.name} ({page.path}) answered {status}"
        counts[page.name] = queries
    # More data, the same queries: the pages never query per row.
    monkeypatch.setattr(patrols, "RUNS", 80)
    monkeypatch.setattr(patrols, "FINDINGS", 90)
    patrols.setup(app)
    db.session.remove()
    for page in patrols.pages(app):
        queries, _status = queries_per_page(app, page, demo.PASSWORD)
        assert queries == counts[page.name], page.name
