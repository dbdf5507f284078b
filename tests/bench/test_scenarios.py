"""The core bench scenario stays in step with the app: its data loads, its pages answer.

Timings are not asserted anywhere; `make bench` reports them.
"""

from sqlalchemy import func, select

from bench.measure import queries_per_page
from bench.scenarios import core, greening, patrols
from modules.greening.models import Zone
from modules.patrols.models import Answer, Finding
from parkops import audit, demo
from parkops.auth.models import User
from parkops.extensions import db
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


def test_greening_scenario_builds_a_hundredth(app):
    load_demo()
    zones_before = _count(Zone)

    greening.setup(app, scale=0.01)

    assert _count(Zone) == zones_before + 5
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
