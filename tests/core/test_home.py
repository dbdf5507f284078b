"""The home page: a person's own problems and measures, overdue first; the office's counts."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from parkops.extensions import db
from parkops.rectification.models import Measure, Problem, ProgressReport, Status
from parkops.timeutil import business_day, week_start


def problem(code: str) -> Problem:
    return db.session.scalar(select(Problem).where(Problem.code == code))


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def crew(ledger, make_user):
    return make_user("zhao", ["crew"], display_name="Zhao Qiang")


def test_a_responsible_person_sees_their_problems_and_measures_overdue_first(
    crew, login, client, make_user
):
    today = business_day()
    someone_else = make_user("sun", ["gardener"])
    soon, late, led = problem("14"), problem("15"), problem("10")
    soon.person, soon.deadline, soon.status = crew, today + timedelta(days=5), Status.IN_PROGRESS
    late.person, late.deadline, late.status = crew, today - timedelta(days=2), Status.IN_PROGRESS
    led.leader, led.deadline = crew, today + timedelta(days=1)
    done, other = problem("16"), problem("20")
    done.person, done.status = crew, Status.COMPLETED
    other.person = someone_else
    other.measures.extend(
        [
            Measure(text="Patrol every day", owner=crew, status=Status.LONG_TERM),
            Measure(text="Fix the bench", owner=crew, deadline=today - timedelta(days=1)),
            Measure(text="Finished work", owner=crew, status=Status.COMPLETED),
            Measure(text="Not mine", owner=someone_else),
        ]
    )
    db.session.commit()
    login(crew)
    client.post("/language/en")
    html = client.get("/").get_data(as_text=True)

    mine = section(html, "my-problems")
    listed = re.findall(r'<span class="code">([0-9S]+)</span>', mine)
    assert listed == ["15", "10", "14"]  # overdue first, then by deadline
    assert "Overdue" in mine and (today - timedelta(days=2)).isoformat() in mine
    assert "In progress" in mine and "responsible leader" in mine
    measures = section(html, "my-measures")
    assert measures.index("Fix the bench") < measures.index("Patrol every day")
    assert "Finished work" not in measures and "Not mine" not in measures
    assert "Long-term" in measures and "Problem 20" in measures
    assert "1 of your problems is completed." in html
    # Crew do not follow the whole ledger: no office counts.
    assert 'id="follow-up"' not in html


def test_the_office_sees_what_is_late_due_and_quiet(ledger, make_user, login, client):
    today = business_day()
    office = make_user("office1", ["office"])
    monday = week_start(today)
    late = problem("17")
    late.deadline, late.status = today - timedelta(days=1), Status.IN_PROGRESS
    late.reports.append(ProgressReport(reported_on=today, text="Pushing", author=office))
    quiet = problem("18")
    quiet.status = Status.IN_PROGRESS
    quiet.reports.append(
        ProgressReport(reported_on=today - timedelta(days=7), text="Old", author=office)
    )
    quiet.measures.extend(
        [
            Measure(text="Due Monday", deadline=monday),
            Measure(text="Due Sunday", deadline=monday + timedelta(days=6)),
            Measure(text="Due next week", deadline=monday + timedelta(days=7)),
            Measure(text="Done", deadline=monday, status=Status.COMPLETED),
        ]
    )
    # Every other problem is completed, so only 17 and 18 are open.
    for p in db.session.scalars(select(Problem).where(Problem.code.not_in(["17", "18"]))):
        p.status = Status.COMPLETED
    db.session.commit()
    login(office)
    client.post("/language/en")
    html = client.get("/").get_data(as_text=True)
    counts = html[html.index('id="follow-up"') :]

    def value(card):
        found = re.search(rf'id="{card}"[^>]*>\s*<span class="count-value">(\d+)', counts)
        return int(found.group(1))

    assert value("count-overdue") == 1
    assert value("count-due") == 2
    assert value("count-quiet") == 1
    assert 'href="/ledger/?overdue=1"' in counts
    due = section(html, "due-measures")
    assert "Due Monday" in due and "Due Sunday" in due and "Due next week" not in due
    assert "用地未征收" in section(html, "quiet-problems")


def test_someone_with_nothing_assigned_gets_a_friendly_page_and_their_modules(crew, login, client):
    login(crew)
    client.post("/language/en")
    html = client.get("/").get_data(as_text=True)
    empty = section(html, "nothing-assigned")
    assert "Nothing is assigned to you in the ledger." in empty
    assert 'href="/ledger/"' in empty


def test_the_home_page_needs_a_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_person_with_many_problems_sees_the_most_urgent_and_how_many_more(crew, login, client):
    # The home page stays the same size however much of the ledger is someone's.
    today = business_day()
    problems = db.session.scalars(select(Problem).order_by(Problem.sort_key)).all()[:25]
    for n, p in enumerate(problems):
        p.person, p.status = crew, Status.IN_PROGRESS
        p.deadline = today + timedelta(days=n + 1)
        p.measures.append(Measure(text=f"Step {n}", owner=crew, deadline=p.deadline))
    late = problems[-1]
    late.deadline = today - timedelta(days=3)
    db.session.commit()
    login(crew)
    client.post("/language/en")
    html = client.get("/").get_data(as_text=True)

    mine = section(html, "my-problems")
    listed = re.findall(r'<span class="code">([0-9S]+)</span>', mine)
    assert len(listed) == 20 and listed[0] == late.code  # the overdue one first
    assert listed[1:] == [p.code for p in problems[:19]]  # then the nearest deadlines
    assert "(25)" in mine and "and 5 more" in mine
    assert f'href="/ledger/?person={crew.id}"' in mine
    measures = section(html, "my-measures")
    assert measures.count('class="todo-item') == 20 and "and 5 more" in measures
