"""Progress reports: who may write them, their validation, and that they are final once written."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from parkops.audit import AuditEntry
from parkops.extensions import db
from parkops.rectification.models import Measure, Problem, ProgressReport, ReportIsFinal
from parkops.timeutil import business_day


def problem(code: str) -> Problem:
    return db.session.scalar(select(Problem).where(Problem.code == code))


def reports() -> list[ProgressReport]:
    return list(db.session.scalars(select(ProgressReport).order_by(ProgressReport.id)))


@pytest.fixture
def crew(ledger, make_user):
    return make_user("zhao", ["crew"], display_name="Zhao Qiang")


def post_report(client, p, **data):
    return client.post(f"/ledger/problems/{p.id}/reports", data=data)


def test_the_office_reports_on_any_problem_and_the_date_defaults_to_today(
    ledger, make_user, login, client
):
    office = make_user("office1", ["office"])
    login(office)
    client.post("/language/en")
    p = problem("14")
    page = client.get(f"/ledger/problems/{p.id}").get_data(as_text=True)
    form = page[page.index('id="report-form"') :]
    assert f'value="{business_day().isoformat()}"' in form.split("</form>")[0]
    response = post_report(
        client, p, reported_on=business_day().isoformat(), text="Repair squad formed."
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/ledger/problems/{p.id}#reports")
    [report] = reports()
    assert (report.problem_id, report.author_id, report.text) == (
        p.id,
        office.id,
        "Repair squad formed.",
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "ledger.report_added"))
    assert entry.object_id == report.id and entry.details["problem"] == "14"
    html = client.get(f"/ledger/problems/{p.id}").get_data(as_text=True)
    assert "Repair squad formed." in html


def test_a_leader_reports_without_being_responsible(ledger, make_user, login, client):
    login(make_user("wang", ["leader"]))
    response = post_report(client, problem("14"), reported_on="2021-01-04", text="Checked.")
    assert response.status_code == 303 and len(reports()) == 1


def test_the_responsible_person_reports_on_their_own_problem_only(crew, login, client):
    mine, other = problem("14"), problem("15")
    mine.person = crew
    db.session.commit()
    login(crew)
    assert 'id="report-form"' in client.get(f"/ledger/problems/{mine.id}").get_data(as_text=True)
    assert post_report(client, mine, reported_on="2021-01-04", text="Patrolled.").status_code == 303
    assert 'id="report-form"' not in client.get(f"/ledger/problems/{other.id}").get_data(
        as_text=True
    )
    assert post_report(client, other, reported_on="2021-01-04", text="Not mine.").status_code == 403
    assert [r.text for r in reports()] == ["Patrolled."]


def test_the_responsible_leader_and_a_measure_owner_may_report(ledger, make_user, login, client):
    leader_of_one = make_user("deputy", ["crew"])
    owner = make_user("owner", ["gardener"])
    p = problem("5")
    p.leader = leader_of_one
    p.measures.append(Measure(text="Clear the water weeds", owner=owner))
    db.session.commit()
    for user in (leader_of_one, owner):
        login(user)
        assert (
            post_report(client, p, reported_on="2021-01-04", text=user.username).status_code == 303
        )
        client.post("/logout")
    assert [r.text for r in reports()] == ["deputy", "owner"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reported_on": "2021-01-04", "text": "  "}, "Write what has been done."),
        ({"reported_on": "", "text": "x"}, "Enter the report's date."),
        ({"reported_on": "04.01.2021", "text": "x"}, "Not a valid date value."),
        (
            # two days ahead: read when the tests are collected, it must still be in the
            # future if the run crosses local midnight
            {"reported_on": (business_day() + timedelta(days=2)).isoformat(), "text": "x"},
            "The date cannot be in the future.",
        ),
    ],
)
def test_a_bad_report_is_refused_and_changes_nothing(
    ledger, make_user, login, client, data, message
):
    login(make_user("office1", ["office"]))
    client.post("/language/en")
    response = post_report(client, problem("14"), **data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert reports() == []


def test_a_missing_problem_is_404(ledger, make_user, login, client):
    login(make_user("office1", ["office"]))
    assert client.post("/ledger/problems/999999/reports", data={"text": "x"}).status_code == 404


def test_a_repeated_post_with_the_same_key_records_one_report(ledger, make_user, login, client):
    login(make_user("office1", ["office"]))
    p = problem("14")
    data = {"reported_on": "2021-01-04", "text": "Once.", "idempotency_key": "k" * 32}
    first = post_report(client, p, **data)
    again = post_report(client, p, **data)
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    assert len(reports()) == 1


def test_reports_are_never_edited_or_deleted(ledger, make_user, login, client):
    login(make_user("office1", ["office"]))
    p = problem("14")
    post_report(client, p, reported_on="2021-01-04", text="As written.")
    [report] = reports()
    report.text = "Rewritten"
    with pytest.raises(ReportIsFinal):
        db.session.commit()
    db.session.rollback()
    [report] = reports()
    db.session.delete(report)
    with pytest.raises(ReportIsFinal):
        db.session.commit()
    db.session.rollback()
    assert [r.text for r in reports()] == ["As written."]
    # Nor does the interface offer a way: no route edits or deletes a report.
    assert client.post(f"/ledger/reports/{report.id}", data={"text": "x"}).status_code in (404, 405)
    assert db.session.scalar(select(func.count()).select_from(ProgressReport)) == 1
