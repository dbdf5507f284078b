"""The demo ledger reproduces the notice's figures, and every ledger screen has something real."""

from sqlalchemy import func, select

from parkops import attachments, demo
from parkops.attachments import Attachment
from parkops.extensions import db
from parkops.rectification.demo import demo_pdf
from parkops.rectification.edits import REGULATION_OWNER
from parkops.rectification.models import (
    Measure,
    Problem,
    ProgressReport,
    Regulation,
    Source,
    Status,
)
from parkops.rectification.services import completion_rates
from parkops.timeutil import business_day
from tests.demo_copy import load_demo


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_demo_completion_rate_is_the_notices(ledger):
    assert load_demo() is True
    overall, per_category = completion_rates()
    assert (overall.completed, overall.total, overall.percent) == (37, 39, 95)
    self_found, _ = completion_rates(Source.SELF)
    assert (self_found.completed, self_found.total) == (7, 7)
    open_codes = db.session.scalars(
        select(Problem.code).where(Problem.status != Status.COMPLETED)
    ).all()
    assert sorted(open_codes) == ["17", "18"]
    assert per_category[5].completed == 1 and per_category[5].total == 3


def test_the_demo_ledger_has_measures_regulations_reports_and_files(ledger):
    load_demo()
    today = business_day()
    assert count(Problem, Problem.person_id.is_(None)) == 0
    assert count(Measure) >= 57  # the notice counts 57 measures
    assert count(Measure, Measure.status == Status.LONG_TERM) > 0
    assert count(Regulation) >= 20
    titles = set(db.session.scalars(select(Regulation.title)))
    assert "濮上生态园区管理局经营项目票务管理制度" in titles
    revised = db.session.scalar(
        select(Regulation).where(Regulation.title == "濮上生态园区管理局财务管理办法")
    )
    assert revised.revised
    # A few carry a real PDF (modules' demos add their own photos beside them).
    files = db.session.scalars(
        select(Attachment).where(Attachment.owner_kind == REGULATION_OWNER)
    ).all()
    assert files and all(a.content_type == "application/pdf" for a in files)
    data = attachments.read(files[0])
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    # Weekly reports; 17 reported this week, 18 has gone quiet and is overdue.
    assert count(ProgressReport) > 100
    p17, p18 = (
        db.session.scalar(select(Problem).where(Problem.code == code)) for code in ("17", "18")
    )
    assert p17.reports[0].reported_on >= today.fromordinal(today.toordinal() - 7)
    assert p18.is_overdue(today) and p18.reports[0].reported_on < p17.reports[0].reported_on


def test_loading_the_demo_twice_changes_nothing(ledger):
    load_demo()
    before = count(Measure), count(ProgressReport), count(Regulation), count(Problem)
    assert demo.load() is False
    assert (count(Measure), count(ProgressReport), count(Regulation), count(Problem)) == before


def test_the_demo_pdf_is_well_formed():
    data = demo_pdf("Rule (1) of the park")
    startxref = int(data.rsplit(b"startxref", 1)[1].split()[0])
    assert data[startxref:].startswith(b"xref\n0 6\n")
    entries = data[startxref:].split(b"\n")[3:8]
    for number, entry in enumerate(entries, start=1):
        offset = int(entry.split()[0])
        assert data[offset:].startswith(b"%d 0 obj" % number)
    assert b"(Rule \\(1\\) of the park) Tj" in data
