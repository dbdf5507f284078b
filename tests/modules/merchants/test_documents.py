"""A merchant's documents (licence, food permit, fire inspection): stored with their
file, refused with nothing stored when the dates or the file are bad, marked "expires
soon" / "expired" on the merchant's page, a reminder once before they expire, the
file only to readers of the merchant's site."""

import io
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from modules.merchants import documents, jobs
from modules.merchants.documents import DocumentData, DocumentKind, MerchantDocument
from modules.merchants.views import merchants as merchant_views
from parkops.attachments import Attachment
from parkops.audit import AuditEntry
from parkops.extensions import db
from parkops.notify import Notification

TODAY = date(2026, 11, 30)


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(out, "JPEG")
    return out.getvalue()


def form(**fields):
    return {
        "kind": "food_permit",
        "number": "JY24109000012345",
        "issued_on": "2024-01-10",
        "valid_until": "2029-01-09",
        "file": (io.BytesIO(jpeg()), "食品经营许可证.jpg", "image/jpeg"),
        **fields,
    }


def post(client, merchant, data):
    return client.post(
        f"/merchants/merchants/{merchant.id}/documents",
        data=data,
        content_type="multipart/form-data",
    )


@pytest.fixture
def upload():
    """``upload(merchant, valid_until, user)``: a document stored through the service."""

    def store(merchant, valid_until, user, kind=DocumentKind.LICENCE):
        data = DocumentData(kind, "91410900MA44XYZ12K", date(2020, 1, 1), valid_until)
        file = FileStorage(io.BytesIO(jpeg()), "营业执照.jpg", content_type="image/jpeg")
        return documents.add_document(merchant, data, file, user)

    return store


def test_the_manager_stores_a_permit_and_the_merchants_page_shows_it(
    client, login, park, make_merchant
):
    merchant = make_merchant()
    login(park.manager)

    stored = post(client, merchant, form())

    assert stored.status_code == 303
    found = db.session.scalar(select(MerchantDocument))
    assert (found.kind, found.number, found.valid_until) == (
        DocumentKind.FOOD_PERMIT,
        "JY24109000012345",
        date(2029, 1, 9),
    )
    assert (found.attachment.owner_kind, found.attachment.owner_id) == (
        "merchants.document",
        found.id,
    )
    page = client.get(f"/merchants/merchants/{merchant.id}").get_data(as_text=True)
    assert f'data-document="{found.id}" data-mark=""' in page
    assert "JY24109000012345" in page
    assert count(AuditEntry, AuditEntry.action == "merchants.document_added") == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"valid_until": "2024-01-09"}, "valid until a day before it was issued"),
        # two days on: in the future whatever the local business day
        (
            {"issued_on": (date.today() + timedelta(days=2)).isoformat()},
            "issue date is in the future",
        ),
        ({"file": (io.BytesIO(b"MZ\x90"), "permit.pdf", "application/pdf")}, "does not match"),
        ({"file": (io.BytesIO(b"not an image"), "permit.jpg", "image/jpeg")}, "photo"),
        ({"issued_on": ""}, "This field is required."),
        ({"number": "9" * 61}, "Field cannot be longer than 60 characters."),
    ],
)
def test_bad_input_is_refused_with_nothing_stored(
    client, login, park, make_merchant, fields, message
):
    merchant = make_merchant()
    login(park.manager)

    refused = post(client, merchant, form(**fields))

    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    assert (count(MerchantDocument), count(Attachment)) == (0, 0)


def test_the_page_marks_documents_expiring_soon_and_expired(
    client, login, park, make_merchant, upload, monkeypatch
):
    monkeypatch.setattr(merchant_views, "business_day", lambda: TODAY)
    merchant = make_merchant()
    marks = {
        upload(merchant, TODAY - timedelta(days=1), park.manager).id: "expired",
        upload(merchant, TODAY, park.manager).id: "soon",
        upload(merchant, TODAY + timedelta(days=30), park.manager).id: "soon",
        upload(merchant, TODAY + timedelta(days=31), park.manager).id: "",
        upload(merchant, None, park.manager).id: "",  # long-term
    }
    login(park.finance)
    page = client.get(f"/merchants/merchants/{merchant.id}").get_data(as_text=True)
    for document_id, mark in marks.items():
        assert f'data-document="{document_id}" data-mark="{mark}"' in page
    assert 'id="document-form"' not in page  # finance reads, does not add


def test_a_reminder_goes_once_when_the_document_enters_its_last_days(
    app, park, make_merchant, upload, monkeypatch
):
    merchant = make_merchant()
    until = date(2027, 3, 31)
    upload(merchant, until, park.manager)
    upload(merchant, None, park.manager)  # long-term: never reminded
    sent = []
    for days_left in (31, 30, 30, 29, 0, -1):
        monkeypatch.setattr(jobs, "business_day", lambda d=days_left: until - timedelta(days=d))
        sent.append(jobs.remind_documents())

    assert sent == [0, 1, 0, 0, 0, 0]
    subjects = db.session.scalars(
        select(Notification.subject).where(Notification.user_id == park.manager.id)
    ).all()
    assert subjects == ["Business licence of 濮上茶社 expires on 2027-03-31"]
    assert count(Notification, Notification.user_id == park.finance.id) == 0


def test_the_file_is_only_for_readers_of_the_merchants_site(
    client, login, sign_in_as, park, make_merchant, make_user, upload
):
    found = upload(make_merchant(), None, park.manager)
    url = f"/merchants/documents/{found.id}/file"
    login(park.finance)
    assert client.get(url).status_code == 200
    sign_in_as(park.cashier)
    assert client.get(url).status_code == 403
    sign_in_as(make_user("zoo", ["finance"], sites=[park.zylz]))
    assert client.get(url).status_code == 404
    sign_in_as(park.finance)
    assert post(client, found.merchant, form()).status_code == 403


def test_the_merchants_page_takes_the_same_queries_for_1_or_10_documents(
    client, login, park, make_merchant, upload, count_queries
):
    merchant = make_merchant()
    login(park.manager)

    def queries_for(n):
        for _ in range(n):
            upload(merchant, TODAY, park.manager)
        with count_queries() as q:
            assert client.get(f"/merchants/merchants/{merchant.id}").status_code == 200
        return q.count

    assert queries_for(1) == queries_for(9)
