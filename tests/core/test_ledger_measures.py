"""Measures and regulations: added and changed by the office, each change audited."""

from io import BytesIO

import pytest
from sqlalchemy import func, select

from parkops.attachments import Attachment
from parkops.audit import AuditEntry
from parkops.extensions import db
from parkops.rectification.demo import demo_pdf
from parkops.rectification.models import Measure, Problem, Regulation, Status
from tests.versions import two_pages, version_of

PDF = demo_pdf("Ticket management rules")


def problem(code: str) -> Problem:
    return db.session.scalar(select(Problem).where(Problem.code == code))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
        )
    )


@pytest.fixture
def crew(ledger, make_user):
    return make_user("zhao", ["crew"], display_name="Zhao Qiang")


@pytest.fixture
def office(ledger, make_user, login, client):
    user = make_user("office1", ["office"], all_sites=True)
    login(user)
    client.post("/language/en")
    return user


def measure_data(crew, **changes):
    data = {
        "text": "Daily patrol of all facilities",
        "owner": crew.username,
        "deadline": "2021-01-31",
        "status": "in_progress",
    }
    data.update(changes)
    return data


# Measures


def test_office_adds_a_measure(office, crew, client):
    p = problem("14")
    response = client.post(f"/ledger/problems/{p.id}/measures", data=measure_data(crew))
    assert response.status_code == 303
    measure = db.session.scalar(select(Measure))
    assert (measure.problem_id, measure.text, measure.owner_id) == (
        p.id,
        "Daily patrol of all facilities",
        crew.id,
    )
    assert measure.deadline.isoformat() == "2021-01-31" and measure.status == Status.IN_PROGRESS
    [entry] = audit("ledger.measure_added")
    assert entry.details["problem"] == "14" and entry.details["owner_id"] == crew.id
    html = client.get(f"/ledger/problems/{p.id}").get_data(as_text=True)
    assert "Daily patrol of all facilities" in html and "Zhao Qiang" in html


def test_office_edits_a_measure_and_the_audit_keeps_old_and_new(office, crew, client):
    p = problem("14")
    client.post(f"/ledger/problems/{p.id}/measures", data=measure_data(crew))
    measure = db.session.scalar(select(Measure))
    page = client.get(f"/ledger/measures/{measure.id}")
    assert page.status_code == 200 and "Daily patrol of all facilities" in page.get_data(
        as_text=True
    )
    response = client.post(
        f"/ledger/measures/{measure.id}",
        data=measure_data(
            crew, status="completed", text="Daily patrol, logged", version=measure.version
        ),
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert measure.status == Status.COMPLETED and measure.text == "Daily patrol, logged"
    [entry] = audit("ledger.measure_updated")
    assert entry.details["status"] == ["in_progress", "completed"]
    assert entry.details["text"] == ["Daily patrol of all facilities", "Daily patrol, logged"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": "   "}, "Describe the measure."),
        ({"owner": "424242"}, "Nobody of that name"),
        ({"deadline": "31/01/2021"}, "Not a valid date value."),
        ({"status": "done"}, "Choose a status from the list."),
    ],
)
def test_a_bad_measure_is_refused_and_changes_nothing(office, crew, client, changes, message):
    p = problem("14")
    response = client.post(f"/ledger/problems/{p.id}/measures", data=measure_data(crew, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Measure) == 0 and audit("ledger.measure_added") == []


def test_a_bad_edit_changes_nothing(office, crew, client):
    p = problem("14")
    client.post(f"/ledger/problems/{p.id}/measures", data=measure_data(crew))
    measure = db.session.scalar(select(Measure))
    response = client.post(
        f"/ledger/measures/{measure.id}", data=measure_data(crew, text="", version=measure.version)
    )
    assert response.status_code == 422 and "Describe the measure." in response.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert measure.text == "Daily patrol of all facilities"
    assert audit("ledger.measure_updated") == []


def test_missing_measures_and_problems_are_404(office, crew, client):
    assert client.get("/ledger/measures/999999").status_code == 404
    assert (
        client.post("/ledger/problems/999999/measures", data=measure_data(crew)).status_code == 404
    )


def test_only_the_office_edits_measures(ledger, crew, login, client):
    login(crew)
    p = problem("14")
    assert (
        client.post(f"/ledger/problems/{p.id}/measures", data=measure_data(crew)).status_code == 403
    )
    assert count(Measure) == 0


# Regulations


def regulation_data(**changes):
    data = {
        "title": "经营项目票务管理制度",
        "revised": "new",
        "adopted_on": "2020-11-15",
        "file": (BytesIO(PDF), "票务管理制度.pdf"),
    }
    data.update(changes)
    return data


def test_office_adds_a_regulation_with_its_pdf_and_staff_download_it(
    office, crew, client, make_app, login
):
    p = problem("35")
    response = client.post(
        f"/ledger/problems/{p.id}/regulations",
        data=regulation_data(),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    regulation = db.session.scalar(select(Regulation))
    assert regulation.title == "经营项目票务管理制度" and not regulation.revised
    assert regulation.adopted_on.isoformat() == "2020-11-15"
    assert regulation.attachment.filename == "票务管理制度.pdf"
    assert regulation.attachment.owner_kind == "rectification.regulation"
    assert regulation.attachment.owner_id == regulation.id
    [entry] = audit("ledger.regulation_added")
    assert entry.details["file"] == "票务管理制度.pdf"

    html = client.get(f"/ledger/problems/{p.id}").get_data(as_text=True)
    assert "《经营项目票务管理制度》" in html and "Newly adopted" in html
    download = client.get(f"/ledger/regulations/{regulation.id}/file")
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"


def test_any_staff_member_may_download_but_not_an_account_without_a_role(
    office, client, make_user, login
):
    p = problem("35")
    client.post(
        f"/ledger/problems/{p.id}/regulations",
        data=regulation_data(),
        content_type="multipart/form-data",
    )
    regulation = db.session.scalar(select(Regulation))
    client.post("/logout")
    login(make_user("cashier1", ["cashier"]))
    assert client.get(f"/ledger/regulations/{regulation.id}/file").status_code == 200
    client.post("/logout")
    login(make_user("nobody", []))
    assert client.get(f"/ledger/regulations/{regulation.id}/file").status_code == 403


def test_a_regulation_without_a_file_and_a_missing_file_route(office, client):
    p = problem("37")
    data = regulation_data(revised="revised")
    del data["file"]
    response = client.post(f"/ledger/problems/{p.id}/regulations", data=data)
    assert response.status_code == 303
    regulation = db.session.scalar(select(Regulation))
    assert regulation.revised and regulation.attachment is None
    assert client.get(f"/ledger/regulations/{regulation.id}/file").status_code == 404
    assert client.get("/ledger/regulations/999999/file").status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Give the regulation's title."),
        ({"adopted_on": ""}, "Enter the adoption date."),
        ({"adopted_on": "2020-13-01"}, "Not a valid date value."),
        ({"revised": "maybe"}, "Choose new or revised."),
        ({"file": (BytesIO(b"MZ\x90\x00 not a pdf"), "rules.pdf")}, "does not match its type"),
        ({"file": (BytesIO(b"plain text"), "rules.txt")}, "Only PDF, Word, Excel or WPS files."),
        ({"file": (BytesIO(b""), "empty.pdf")}, "The file is empty."),
    ],
)
def test_a_bad_regulation_is_refused_and_changes_nothing(office, client, changes, message):
    p = problem("35")
    response = client.post(
        f"/ledger/problems/{p.id}/regulations",
        data=regulation_data(**changes),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Regulation) == 0 and count(Attachment) == 0
    assert audit("ledger.regulation_added") == []


def _one_regulation(client) -> Regulation:
    """A regulation added to problem 35 through its page."""
    client.post(
        f"/ledger/problems/{problem('35').id}/regulations",
        data=regulation_data(),
        content_type="multipart/form-data",
    )
    return db.session.scalar(select(Regulation))


def test_editing_a_regulation_replaces_its_file_and_a_bad_file_changes_nothing(office, client):
    regulation = _one_regulation(client)
    url = f"/ledger/regulations/{regulation.id}"
    version = version_of(client.get(url).get_data(as_text=True))
    refused = client.post(
        url,
        data=regulation_data(
            title="Renamed", file=(BytesIO(b"not a pdf"), "new.pdf"), version=version
        ),
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    db.session.expire_all()
    assert regulation.title == "经营项目票务管理制度"
    assert regulation.attachment.filename == "票务管理制度.pdf"
    assert audit("ledger.regulation_updated") == []

    response = client.post(
        f"/ledger/regulations/{regulation.id}",
        data=regulation_data(
            title="票务管理制度(修订)",
            revised="revised",
            file=(BytesIO(PDF), "v2.pdf"),
            version=version,
        ),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert regulation.title == "票务管理制度(修订)" and regulation.revised
    assert regulation.attachment.filename == "v2.pdf"
    [entry] = audit("ledger.regulation_updated")
    assert entry.details["file"] == ["票务管理制度.pdf", "v2.pdf"]
    assert entry.details["revised"] == [False, True]


def test_a_stale_regulation_form_gets_the_conflict(office, client, app, login):
    regulation = _one_regulation(client)
    url = f"/ledger/regulations/{regulation.id}"
    first, other, version = two_pages(app, login, url, office)
    saved = first.post(url, data=regulation_data(title="票务制度(修订)", version=version))
    assert saved.status_code == 303
    late = other.post(url, data=regulation_data(revised="revised", version=version))
    assert late.status_code == 409
    assert "票务制度(修订)" in late.get_data(as_text=True)
    db.session.expire_all()
    assert (regulation.title, regulation.revised) == ("票务制度(修订)", False)
