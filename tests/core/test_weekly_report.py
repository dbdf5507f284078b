"""The weekly progress report: generated from the ledger, submitted as a frozen, numbered
snapshot, compared with the previous one, downloaded as .docx and .xlsx."""

import io
import json
import threading
from datetime import date, timedelta

import docx
import openpyxl
import pytest
from flask_babel import force_locale
from sqlalchemy import select

from parkops import demo
from parkops.audit import AuditEntry
from parkops.deciding import AlreadyDecided
from parkops.extensions import db
from parkops.rectification.models import Problem, ProgressReport, Regulation, Status
from parkops.reports import services, weekly
from parkops.reports.models import DocumentIsFinal, WeeklyReport
from parkops.timeutil import business_day, week_start
from tests.demo_copy import load_demo


@pytest.fixture
def today():
    """The local business day, read as each test starts: not at import, which a suite
    may have done before a local midnight it crossed since (a Sunday's: the demo has
    submitted the week that was current then)."""
    return business_day()


@pytest.fixture
def this_week(today):
    return week_start(today)


@pytest.fixture
def demo_ledger(ledger):
    """The demo: its worked ledger, and the office's reports of the past three weeks."""
    load_demo()
    return {p.code: p for p in db.session.scalars(select(Problem))}


@pytest.fixture
def login_as(login):
    return lambda username: login(username, demo.PASSWORD)


def _office():
    from parkops.auth.models import User

    return db.session.scalar(select(User).where(User.username == "office"))


def test_the_office_generates_reviews_and_submits_the_week(
    demo_ledger, client, login_as, this_week
):
    login_as("office")
    preview = client.get(f"/reports/weekly/new?week={this_week.isoformat()}")
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert 'id="total-percent">95%' in page and 'id="total-measures">' in page
    # Overdue first: 18 is past its deadline, so its row comes before every other.
    assert page.index('id="row-18"') < page.index('id="row-1"')
    response = client.post(
        "/reports/weekly/new",
        data={"week": this_week.isoformat(), "covering_note": "本周进展顺利。"},
    )
    assert response.status_code == 303
    report = services.for_week(this_week)
    assert response.headers["Location"] == f"/reports/weekly/{report.id}"
    assert report.submitted_by.username == "office" and report.covering_note == "本周进展顺利。"
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "reports.weekly_submitted", AuditEntry.object_id == report.id
        )
    )
    assert entry.details["number"] == report.number == 4  # after the demo's three
    shown = client.get(f"/reports/weekly/{report.id}").get_data(as_text=True)
    assert "本周进展顺利。" in shown and 'id="total-percent">95%' in shown
    # Generating the week again lands on the submitted report.
    again = client.get(f"/reports/weekly/new?week={this_week.isoformat()}")
    assert again.status_code == 303 and again.headers["Location"] == f"/reports/weekly/{report.id}"


def test_a_covering_note_is_required(demo_ledger, client, login_as, this_week):
    login_as("office")
    response = client.post(
        "/reports/weekly/new", data={"week": this_week.isoformat(), "covering_note": "   "}
    )
    assert response.status_code == 422
    assert services.for_week(this_week) is None


def test_a_future_or_malformed_week_is_refused(demo_ledger, client, login_as, this_week):
    login_as("office")
    next_week = this_week + timedelta(weeks=1)
    assert client.get(f"/reports/weekly/new?week={next_week.isoformat()}").status_code == 404
    assert client.get("/reports/weekly/new?week=2026-13-01").status_code == 404
    tuesday = this_week - timedelta(days=6)
    assert client.get(f"/reports/weekly/new?week={tuesday.isoformat()}").status_code == 404


def test_a_submitted_report_stays_byte_for_byte_as_it_was(
    demo_ledger, client, login_as, today, this_week
):
    office = _office()
    report = services.submit(this_week, "第一次报送。", office, today)
    stored = db.session.scalar(select(WeeklyReport.data).where(WeeklyReport.id == report.id))
    login_as("office")
    page_before = client.get(f"/reports/weekly/{report.id}").get_data(as_text=True)
    docx_before = docx.Document(io.BytesIO(client.get(f"/reports/weekly/{report.id}.docx").data))
    # The ledger moves on: 18 completed, a report this week, a new regulation, 17 renamed.
    p18, p17 = demo_ledger["18"], demo_ledger["17"]
    p18.status, p18.completed_on = Status.COMPLETED, today
    p17.title = "改过的标题"
    db.session.add(ProgressReport(problem=p17, author=office, reported_on=today, text="新的进展"))
    db.session.add(Regulation(problem=p17, title="新制度", adopted_on=today))
    db.session.commit()
    db.session.expire_all()
    assert (
        db.session.scalar(select(WeeklyReport.data).where(WeeklyReport.id == report.id)) == stored
    )
    page_after = client.get(f"/reports/weekly/{report.id}").get_data(as_text=True)
    assert "改过的标题" not in page_after and "新的进展" not in page_after
    assert page_after.count("95%") == page_before.count("95%")
    docx_after = docx.Document(io.BytesIO(client.get(f"/reports/weekly/{report.id}.docx").data))
    text = lambda d: "\n".join(c.text for t in d.tables for r in t.rows for c in r.cells)  # noqa: E731
    assert text(docx_after) == text(docx_before)
    # And the stored form itself cannot be changed or deleted.
    report = db.session.get(WeeklyReport, report.id)
    report.covering_note = "改写"
    with pytest.raises(DocumentIsFinal):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(WeeklyReport, report.id))
    with pytest.raises(DocumentIsFinal):
        db.session.commit()
    db.session.rollback()


@pytest.fixture
def office(ledger, make_user):
    """The office on a ledger with no report submitted yet."""
    return make_user("office1", ["office"], all_sites=True)


def test_numbers_run_without_gaps_within_a_year(office, today):
    mondays = [date(2024, 12, 23), date(2024, 12, 30), date(2025, 1, 6), date(2025, 1, 13)]
    reports = [services.submit(m, "报送。", office, today) for m in mondays]
    assert [(r.year, r.number) for r in reports] == [(2024, 1), (2024, 2), (2025, 1), (2025, 2)]
    with force_locale("en"), pytest.raises(AlreadyDecided, match="submitted already, by "):
        services.submit(mondays[-1], "再次报送。", office, today)


def test_the_demos_reports_are_numbered_1_to_3(demo_ledger, this_week):
    numbers = db.session.scalars(
        select(WeeklyReport.number).where(WeeklyReport.year == this_week.year)
    ).all()
    assert sorted(numbers) == [1, 2, 3]


def test_a_report_for_a_week_before_the_newest_submitted_is_refused(
    demo_ledger, client, login_as, today, this_week
):
    """The demo submitted the past three weeks; a week before them cannot be reported now:
    it would be numbered after them and show today's ledger as that week's."""
    late = this_week - timedelta(weeks=4)
    with pytest.raises(services.LaterWeekSubmitted) as refused:
        services.submit(late, "补报。", _office(), today)
    assert refused.value.latest == this_week - timedelta(weeks=1)
    login_as("office")
    for response in (
        client.get(f"/reports/weekly/new?week={late.isoformat()}"),
        client.post(
            "/reports/weekly/new", data={"week": late.isoformat(), "covering_note": "补报"}
        ),
    ):
        assert response.status_code == 303 and response.headers["Location"] == "/reports/"
    page = client.get("/reports/").get_data(as_text=True)
    assert "周报已经报送" in page and late.isoformat() in page  # in the office's language
    assert f"/reports/weekly/new?week={late.isoformat()}" not in page  # no Generate button
    assert services.for_week(late) is None
    # This week still reports, numbered after the three, compared with last week's.
    report = services.submit(this_week, "本周。", _office(), today)
    assert report.number == 4
    assert services.previous(report).week_start == this_week - timedelta(weeks=1)


def test_two_submitting_at_once_get_consecutive_numbers_in_week_order(office, app, today):
    office_id = office.id
    weeks = [date(2023, 3, 6) + timedelta(weeks=n) for n in range(4)]
    start = threading.Barrier(len(weeks))
    errors = []

    def submit(week):
        with app.app_context():
            from parkops.auth.models import User

            try:
                start.wait()
                services.submit(week, "同时报送。", db.session.get(User, office_id), today)
            except services.LaterWeekSubmitted:
                pass  # a later week got in first: refused, as a late report is
            except Exception as error:  # noqa: BLE001  reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(w,)) for w in reversed(weeks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.expire_all()
    rows = db.session.execute(
        select(WeeklyReport.week_start, WeeklyReport.number)
        .where(WeeklyReport.year == 2023)
        .order_by(WeeklyReport.week_start)
    ).all()
    assert rows and [n for _w, n in rows] == list(range(1, len(rows) + 1))


def test_the_comparison_shows_what_changed(demo_ledger, client, login_as, today, this_week):
    office = _office()
    first = services.for_week(this_week - timedelta(weeks=1))  # the demo's last report
    p17 = demo_ledger["17"]
    p17.status, p17.completed_on = Status.COMPLETED, today
    p1 = demo_ledger["1"]
    p1.status, p1.deadline = Status.IN_PROGRESS, today - timedelta(days=1)
    db.session.commit()
    second = services.submit(this_week, "本周。", office, today)
    changes = services.compare(services.data_of(first), services.data_of(second))
    assert [c for c, _t in changes.completed] == ["17"]
    assert [c for c, _t in changes.overdue] == ["1"]
    assert {(c, old, new) for c, _t, old, new in changes.statuses} == {
        ("17", "in_progress", "completed"),
        ("1", "completed", "in_progress"),
    }
    counts = {key: (old, new) for key, old, new in changes.counts}
    assert counts["completed"] == (37, 37) and counts["overdue"] == (1, 2)
    login_as("leader")
    page = client.get(f"/reports/weekly/{second.id}/compare").get_data(as_text=True)
    newly = page[page.index('id="newly-completed"') :]
    assert "17." in newly[: newly.index("</ul>")]
    oldest = services.for_week(this_week - timedelta(weeks=3))
    assert client.get(f"/reports/weekly/{oldest.id}/compare").status_code == 404  # none before


def test_the_docx_and_xlsx_say_what_the_report_said(
    demo_ledger, client, login_as, today, this_week
):
    report = services.submit(this_week, "本周进展顺利。", _office(), today)
    login_as("leader")
    response = client.get(f"/reports/weekly/{report.id}.docx")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.data))
    paragraphs = [p.text for p in document.paragraphs]
    assert "巡察整改工作进展情况周报" in paragraphs
    assert f"{report.year}年第{report.number}期" in paragraphs
    assert "本周进展顺利。" in paragraphs
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    problems = document.tables[1]
    assert problems.rows[0].cells[0].text == "序号"
    assert problems.rows[1].cells[1].text.startswith("18.")  # the overdue one first
    east_asian = (
        document.paragraphs[0]
        .runs[0]
        ._element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
    )
    assert east_asian == "方正小标宋简体"
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/reports/weekly/{report.id}.xlsx").data))
    sheet = book["台账"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and rows[1][0] == "18" and len(rows) == 1 + len(demo_ledger)
    summary = {r[0]: r for r in book["汇总"].iter_rows(values_only=True)}
    assert summary["巡察反馈问题"][1:4] == (39, 37, 2)


def test_the_print_view_is_an_a4_document(demo_ledger, client, login_as, today, this_week):
    report = services.submit(this_week, "本周进展顺利。", _office(), today)
    login_as("office")
    page = client.get(f"/reports/weekly/{report.id}/print").get_data(as_text=True)
    assert "巡察整改工作进展情况周报" in page and f"第{report.number}期" in page
    assert "报送单位:" in page
    css = client.get("/static/css/document-print.css").get_data(as_text=True)
    assert "size: A4" in css


def test_generation_runs_a_fixed_number_of_queries(demo_ledger, count_queries, today, this_week):
    office = _office()

    def report_on_every_problem(times):
        for p in demo_ledger.values():
            for n in range(times):
                db.session.add(
                    ProgressReport(problem=p, author=office, reported_on=this_week, text=str(n))
                )
        db.session.commit()

    report_on_every_problem(1)
    with count_queries() as small:
        weekly.generate(this_week, today)
    report_on_every_problem(10)
    with count_queries() as large:
        data = weekly.generate(this_week, today)
    assert large.count == small.count
    assert len(data["problems"][0]["reports"]) >= 10


def test_the_snapshot_is_canonical_json(demo_ledger, today, this_week):
    report = services.submit(this_week, "本周。", _office(), today)
    assert report.data == json.dumps(
        json.loads(report.data), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


def test_a_submitted_reports_files_are_made_once_per_reader_until_anything_changes(
    office, login, app, make_user, monkeypatch, today, this_week
):
    """A frozen report's .docx and .xlsx are kept (``parkops.page_cache``): the second
    download is served without making the file again, each reader gets their own, a
    write anywhere makes it anew, and a reader without the permission is still refused."""
    from parkops.reports import outputs

    report = services.submit(this_week, "报送。", office, today)
    made = []
    for name in ("weekly_docx", "weekly_xlsx"):
        real = getattr(outputs, name)
        monkeypatch.setattr(
            outputs, name, lambda *a, _real=real, _name=name: made.append(_name) or _real(*a)
        )
    make_user("leader1", ["leader"], all_sites=True)
    make_user("cashier1", ["cashier"], all_sites=True)
    files = [f"/reports/weekly/{report.id}.docx", f"/reports/weekly/{report.id}.xlsx"]
    office_client, leader_client, cashier_client = (app.test_client() for _ in range(3))
    login("office1", test_client=office_client)
    login("leader1", test_client=leader_client)
    login("cashier1", test_client=cashier_client)
    made.clear()  # signing in is a write: start counting from here
    first = [office_client.get(f).data for f in files]
    assert [office_client.get(f).data for f in files] == first and len(made) == 2
    leaders = [leader_client.get(f).data for f in files]
    assert [leader_client.get(f).data for f in files] == leaders and len(made) == 4
    make_user("newcomer", ["crew"])  # a write: every kept page is stale
    assert [leader_client.get(f).status_code for f in files] == [200, 200] and len(made) == 6
    assert [cashier_client.get(f).status_code for f in files] == [403, 403] and len(made) == 6


def test_a_posted_week_other_than_the_pages_submits_the_pages_week(
    demo_ledger, client, login_as, this_week
):
    """The page's week (?week=) is the one submitted: a stray or stale ``week`` field (a
    Wednesday) neither submits another week nor is told "submitted meanwhile"."""
    login_as("office")
    client.post("/language/en")
    wednesday = this_week - timedelta(days=5)
    response = client.post(
        f"/reports/weekly/new?week={this_week.isoformat()}",
        data={"week": wednesday.isoformat(), "covering_note": "本周进展顺利。"},
    )
    report = services.for_week(this_week)
    assert report is not None and response.status_code == 303
    assert response.headers["Location"] == f"/reports/weekly/{report.id}"
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "submitted meanwhile" not in shown
