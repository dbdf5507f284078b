"""Inspections of merchants through the pages: recorded once with UTC time and photos,
violations with deadlines from the settings, re-checks, repeats counted, bad input
refused with nothing stored, permissions and sites on every object, list and export."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func, select

from modules.merchants import violations
from modules.merchants.inspection_models import (
    Check,
    CheckResult,
    Inspection,
    Recheck,
    Violation,
    ViolationState,
)
from parkops import module_settings
from parkops.attachments import Attachment
from parkops.extensions import db
from parkops.timeutil import business_day, to_local, utcnow
from tests.flashes import confirmation


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def photo(name="shop.jpg"):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    out.seek(0)
    return (out, name)


@pytest.fixture
def leased(park, make_merchant, make_unit, make_contract):
    """濮上茶社 leasing P-001 at 濮上园; 绿庄小卖部 leasing Z-001 at the other site."""
    tea = make_merchant("濮上茶社")
    unit = make_unit("P-001")
    make_contract(tea, [unit], "active")
    far = make_merchant("绿庄小卖部", site=park.zylz)
    far_unit = make_unit("Z-001", site=park.zylz)
    make_contract(far, [far_unit], "active", number="ZL-Z-1")
    spare = make_unit("P-009")  # nobody's
    return type(
        "Leased", (), {"tea": tea, "unit": unit, "far": far, "far_unit": far_unit, "spare": spare}
    )


def form(unit, **fields):
    """The inspection form: hygiene failed (with a photo), prices passed, an hour ago."""
    an_hour_ago = to_local(utcnow() - timedelta(hours=1))
    data = {
        "unit_id": unit.id,
        "at": an_hour_ago.strftime("%Y-%m-%dT%H:%M"),
        "hygiene_result": "fail",
        "hygiene_note": "后厨地面油污",
        "prices_result": "pass",
        "idempotency_key": "insp-1",
        "photos": [photo()],
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def post(client, merchant, data):
    return client.post(
        f"/merchants/merchants/{merchant.id}/inspect", data=data, content_type="multipart/form-data"
    )


def test_an_inspection_with_a_failed_check_opens_a_violation_once(client, login, park, leased):
    login(park.manager)
    first = post(client, leased.tea, form(leased.unit, at="2026-11-30T09:30"))
    again = post(client, leased.tea, form(leased.unit, at="2026-11-30T09:30"))  # a retry

    inspection = db.session.scalars(select(Inspection)).one()
    assert first.status_code == again.status_code == 303
    assert first.location == again.location == f"/merchants/inspections/{inspection.id}"
    assert confirmation(client, first) == "Inspection recorded."
    # 09:30 in Asia/Shanghai is stored as 01:30 UTC, and shown local again.
    assert inspection.at == datetime(2026, 11, 30, 1, 30, tzinfo=UTC)
    results = {r.check: r.passed for r in db.session.scalars(select(CheckResult))}
    assert results == {Check.HYGIENE: False, Check.PRICES: True}
    violation = db.session.scalars(select(Violation)).one()
    assert (violation.check, violation.state, violation.note) == (
        Check.HYGIENE,
        ViolationState.OPEN,
        "后厨地面油污",
    )
    assert violation.deadline == business_day() + timedelta(days=3)  # the hygiene default
    assert count(Attachment) == 1
    page = client.get(first.location).get_data(as_text=True)
    assert "2026-11-30 09:30" in page and "后厨地面油污" in page


def test_the_deadline_typed_or_the_checks_setting(client, login, sign_in_as, park, leased):
    days = {"hygiene": "3", "prices": "3", "outside": "1", "fire": "10", "other": "7"}
    settings = {f"deadline_days_{check}": value for check, value in days.items()}
    settings |= {"renewal_reminder_days": "90, 60, 30", "document_reminder_days": "30"}
    login(park.finance)
    assert client.post("/settings/merchants", data=settings).status_code == 403
    sign_in_as(park.manager)
    refused = client.post("/settings/merchants", data={**settings, "deadline_days_fire": "0"})
    assert refused.status_code == 422
    assert client.post("/settings/merchants", data=settings).status_code == 303
    assert module_settings.get("merchants.deadline_days_fire") == 10
    soon = business_day() + timedelta(days=2)
    data = form(
        leased.unit,
        hygiene_deadline=soon.isoformat(),
        fire_result="fail",
        fire_note="灭火器过期",
    )
    assert post(client, leased.tea, data).status_code == 303
    deadlines = {v.check: v.deadline for v in db.session.scalars(select(Violation))}
    assert deadlines == {
        Check.HYGIENE: soon,
        Check.FIRE: business_day() + timedelta(days=10),
    }


@pytest.mark.parametrize(
    "fields, message",
    [
        (
            {"hygiene_result": None, "prices_result": None},
            "Answer at least one check.",
        ),
        ({"hygiene_deadline": "2020-01-01"}, "The deadline cannot be in the past."),
        ({"photos": None}, "A failed check needs a photo."),
        ({"photos": [(io.BytesIO(b"not an image"), "x.jpg")]}, "photo"),
        ({"at": "2099-01-01T09:00"}, "An inspection cannot be in the future."),
    ],
)
def test_bad_input_is_refused_with_nothing_stored(client, login, park, leased, fields, message):
    login(park.manager)
    refused = post(client, leased.tea, form(leased.unit, **fields))
    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    assert count(Inspection) == count(Violation) == count(Attachment) == 0


def test_a_unit_the_merchant_does_not_lease_is_refused(client, login, park, leased):
    login(park.manager)
    for unit in (leased.spare, leased.far_unit):
        refused = post(client, leased.tea, form(unit))
        assert refused.status_code == 422
    assert count(Inspection) == 0


def _inspect(client, merchant, unit, key, **fields):
    response = post(client, merchant, form(unit, idempotency_key=key, **fields))
    assert response.status_code == 303
    return db.session.scalars(select(Inspection).order_by(Inspection.id.desc())).first()


def test_a_recheck_not_corrected_sets_a_new_deadline_and_counts(client, login, park, leased):
    login(park.manager)
    _inspect(client, leased.tea, leased.unit, "a")
    violation = db.session.scalars(select(Violation)).one()
    url = f"/merchants/violations/{violation.id}"
    later = business_day() + timedelta(days=5)

    no_photo = client.post(url, data={"corrected": "no", "new_deadline": later.isoformat()})
    past = client.post(
        url,
        data={"corrected": "no", "new_deadline": "2020-01-01", "photos": [photo()]},
        content_type="multipart/form-data",
    )
    assert no_photo.status_code == past.status_code == 422
    assert "A re-check needs a photo" in no_photo.get_data(as_text=True)
    assert count(Recheck) == 0

    not_yet = client.post(
        url,
        data={"corrected": "no", "new_deadline": later.isoformat(), "photos": [photo()]},
        content_type="multipart/form-data",
    )
    assert confirmation(client, not_yet) == "Re-check recorded."
    db.session.refresh(violation)
    assert (violation.state, violation.deadline, violation.failed_rechecks) == (
        ViolationState.OPEN,
        later,
        1,
    )
    assert violations.repeat_counts([leased.tea.id]) == {leased.tea.id: 1}

    done = client.post(
        url,
        data={"corrected": "yes", "note": "已清理", "photos": [photo()]},
        content_type="multipart/form-data",
    )
    assert done.status_code == 303
    db.session.refresh(violation)
    assert violation.state == ViolationState.CORRECTED and violation.corrected_at is not None
    assert client.post(url, data={"corrected": "yes"}).status_code == 409
    assert count(Recheck) == 2


def test_the_same_check_failed_within_12_months_is_a_repeat(client, login, park, leased):
    login(park.manager)
    old = Violation(
        site_id=leased.tea.site_id,
        merchant_id=leased.tea.id,
        check=Check.HYGIENE,
        found_at=datetime.now(UTC) - timedelta(days=400),  # more than 12 months ago
        deadline=date(2025, 10, 1),
        state=ViolationState.CORRECTED,
        recorded_by_id=park.manager.id,
    )
    db.session.add(old)
    db.session.commit()
    _inspect(client, leased.tea, leased.unit, "a")
    _inspect(client, leased.tea, leased.unit, "b", fire_result="fail")
    repeats = {
        (v.check, v.repeat)
        for v in db.session.scalars(select(Violation).where(Violation.id != old.id))
    }
    assert repeats == {(Check.HYGIENE, False), (Check.HYGIENE, True), (Check.FIRE, False)}

    page = client.get(f"/merchants/merchants/{leased.tea.id}").get_data(as_text=True)
    assert 'id="merchant-repeats">1<' in page
    listing = client.get("/merchants/").get_data(as_text=True)
    assert f'data-repeats="{leased.tea.id}">1<' in listing


def test_readers_read_writers_write_and_sites_hold(client, login, sign_in_as, park, leased):
    login(park.manager)
    here = _inspect(client, leased.tea, leased.unit, "a")
    there = _inspect(client, leased.far, leased.far_unit, "b")
    far_violation = db.session.scalars(
        select(Violation).where(Violation.inspection_id == there.id)
    ).one()
    far_photo = db.session.scalars(select(Attachment).where(Attachment.owner_id == there.id)).one()

    sign_in_as(park.finance)
    assert client.get(f"/merchants/inspections/{here.id}").status_code == 200
    assert client.get(f"/merchants/merchants/{leased.tea.id}/inspect").status_code == 403
    refused = post(client, leased.tea, form(leased.unit, idempotency_key="f"))
    assert refused.status_code == 403
    here_violation = db.session.scalars(
        select(Violation).where(Violation.inspection_id == here.id)
    ).one()
    recheck = {"corrected": "yes", "photos": [photo()]}
    url = f"/merchants/violations/{here_violation.id}"
    assert client.post(url, data=recheck, content_type="multipart/form-data").status_code == 403
    assert count(Recheck) == 0

    sign_in_as(park.psy_manager)
    for url in (
        f"/merchants/inspections/{there.id}",
        f"/merchants/violations/{far_violation.id}",
        f"/merchants/inspections/photos/{far_photo.id}",
        f"/merchants/merchants/{leased.far.id}/inspect",
        f"/merchants/inspections/evidence/{there.id}",
    ):
        assert client.get(url).status_code == 404, url
    listing = client.get("/merchants/inspections/").get_data(as_text=True)
    assert "濮上茶社" in listing and "绿庄小卖部" not in listing
    assert "绿庄小卖部" not in client.get("/merchants/violations/?show=all").get_data(as_text=True)
    export = client.get("/merchants/inspections/export.xlsx")
    rows = list(load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True))
    assert [r[2] for r in rows[1:]] == ["濮上茶社"]
    assert count(Inspection) == 2


def test_the_pages_take_the_same_queries_for_2_or_12_inspections(
    client, login, park, leased, count_queries
):
    login(park.manager)

    def queries_for(n):
        start = count(Inspection)
        for i in range(start, start + n):
            _inspect(client, leased.tea, leased.unit, f"k{i}", fire_result="fail")
        violation = db.session.scalars(select(Violation).order_by(Violation.id)).first()
        if violation.state == ViolationState.OPEN:
            for i in range(n):
                later = (business_day() + timedelta(days=i + 1)).isoformat()
                data = {"corrected": "no", "new_deadline": later, "photos": [photo()]}
                client.post(
                    f"/merchants/violations/{violation.id}",
                    data=data,
                    content_type="multipart/form-data",
                )
        latest = db.session.scalars(select(Inspection).order_by(Inspection.id.desc())).first()
        counts = []
        for url in (
            "/merchants/inspections/",
            "/merchants/violations/?show=all",
            f"/merchants/merchants/{leased.tea.id}",
            f"/merchants/inspections/{latest.id}",
            f"/merchants/violations/{violation.id}",
            "/merchants/inspections/export.xlsx",
        ):
            with count_queries() as q:
                assert client.get(url).status_code == 200
            counts.append(q.count)
        return counts

    assert queries_for(2) == queries_for(10)
