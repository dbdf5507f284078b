"""Two people deciding one core record at the same moment (tests/races.py): publishing
the public notice (over HTTP: one 303, one 409 saying who published it and when) and
marking a meeting decision done. One is applied, the other refused, nothing of it saved."""

import io

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from parkops.audit import AuditEntry
from parkops.auth.models import User
from parkops.decisions import services
from parkops.decisions.models import Decision
from parkops.extensions import db
from parkops.rectification.demo import demo_pdf
from parkops.reports import notice
from parkops.reports import services as report_services
from parkops.reports.models import NoticeState, PublicNotice, WeeklyReport
from parkops.timeutil import business_day, week_start
from tests.core.test_decisions import _decision, people  # noqa: F401
from tests.races import at_once, get, one_applied


def entries(action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
    )


def test_two_people_publishing_the_notice_at_once(app, ledger, make_user, login, monkeypatch):
    office = make_user("office1", ["office"], all_sites=True, display_name="Office One")
    other = make_user("office2", ["office"], all_sites=True, display_name="Office Two")
    draft = notice.make_draft(office)
    url = f"/reports/notice/{draft.id}/publish"
    version = draft.version  # read here, not from two threads through this session
    pages = {}
    for user in (office, other):
        pages[user.username] = app.test_client()
        login(user, test_client=pages[user.username])
        pages[user.username].post("/language/en")
    answers = {}

    def publish(name):
        def post():
            response = pages[name].post(
                url, data={"version": version}, headers={"Referer": f"http://localhost{url}"}
            )
            answers[name] = (response.status_code, response.get_data(as_text=True))

        return post

    outcomes = at_once(app, monkeypatch, publish("office1"), publish("office2"))
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    assert sorted(code for code, _ in answers.values()) == [303, 409], answers
    winner = next(name for name, (code, _) in answers.items() if code == 303)
    loser = "office2" if winner == "office1" else "office1"
    page = answers[loser][1]
    published = db.session.get(PublicNotice, draft.id)
    assert published.state == NoticeState.PUBLISHED
    assert published.published_by.username == winner
    shown = f"This notice was published already, by {published.published_by.display_name}"
    assert shown in page and 'id="error-back"' in page
    assert entries("reports.notice_published") == 1


def test_two_people_marking_one_decision_done_at_once(
    app,
    monkeypatch,
    people,  # noqa: F811
):
    decision = _decision(people)
    version = decision.version
    marking = (people["office"].id, people["leader"].id)

    def done(n):
        def complete():
            pdf = FileStorage(io.BytesIO(demo_pdf(f"evidence {n}")), f"evidence-{n}.pdf")
            services.complete(
                get(Decision, decision.id),
                version,
                f"完成 {n}",
                pdf,
                get(User, marking[n]),
                business_day(),
            )

        return complete

    outcomes = at_once(app, monkeypatch, done(0), done(1))
    winner = one_applied(outcomes, "This decision was marked done already, by ")
    finished = db.session.get(Decision, decision.id)
    assert finished.done_summary == f"完成 {winner}"
    assert finished.evidence.uploaded_by_id == marking[winner]
    assert entries("decisions.done") == 1


def test_two_people_submitting_one_weeks_report_at_once(app, make_user, monkeypatch):
    office_ids = tuple(
        make_user(f"office{n}", ["office"], all_sites=True, display_name=f"Office {n}").id
        for n in (1, 2)
    )
    today = business_day()
    week = week_start(today)

    def submit(n):
        return lambda: report_services.submit(week, f"报送 {n}", get(User, office_ids[n]), today)

    outcomes = at_once(app, monkeypatch, submit(0), submit(1))
    winner = one_applied(outcomes, "This week's report was submitted already, by Office ")
    report = db.session.scalar(select(WeeklyReport))
    assert report.submitted_by_id == office_ids[winner]
