"""A draft edited or discarded (only a draft, only by merchants.write at its site,
audited) and the signed scan of a contract (stored as an attachment, downloaded
only by readers of the contract's site, a bad file refused with nothing stored)."""

import io
from datetime import date

from PIL import Image
from sqlalchemy import func, select

from modules.merchants.models import Contract, ContractState, ContractUnit, RentStep
from parkops.attachments import Attachment
from parkops.audit import AuditEntry
from parkops.extensions import db
from tests.modules.merchants.test_pages import contract_form
from tests.versions import saves_at_once, two_pages, version_of


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(out, "JPEG")
    return out.getvalue()


def test_the_manager_edits_a_draft_and_the_new_terms_are_what_is_approved(
    client, login, park, make_merchant, make_unit, make_contract
):
    merchant = make_merchant()
    old, new = make_unit("P-001"), make_unit("P-002")
    draft = make_contract(merchant, [old], steps={2: 1_100_00})
    login(park.manager)

    form = client.get(f"/merchants/contracts/{draft.id}/edit").get_data(as_text=True)
    assert 'value="ZL-2025-001"' in form and "1100.00" in form  # the draft's terms shown
    edited = client.post(
        f"/merchants/contracts/{draft.id}/edit",
        data=contract_form(
            [new.id], number="ZL-2025-001", steps="3,300.00\n3,600.00", ends_on="2027-12-31"
        )
        | {"version": version_of(form)},
    )

    assert edited.status_code == 303
    db.session.expire_all()
    draft = db.session.get(Contract, draft.id)
    assert [u.code for u in draft.units] == ["P-002"]
    assert (draft.rent_fen, draft.deposit_fen, draft.ends_on) == (
        3_000_00,
        10_000_00,
        date(2027, 12, 31),
    )
    assert [(s.year, s.rent_fen) for s in draft.steps] == [(2, 3_300_00), (3, 3_600_00)]
    assert count(AuditEntry, AuditEntry.action == "merchants.contract_edited") == 1


def test_an_edit_is_refused_with_the_reason_and_changes_nothing(
    client, login, park, make_merchant, make_unit, make_contract
):
    merchant = make_merchant()
    unit, held = make_unit("P-001"), make_unit("P-002")
    make_contract(merchant, [held], "active", number="ZL-1")
    draft = make_contract(merchant, [unit], number="ZL-2")
    login(park.manager)
    url = f"/merchants/contracts/{draft.id}/edit"
    version = version_of(client.get(url).get_data(as_text=True))
    for fields, message in (
        ({"unit_ids": [held.id]}, "Unit P-002 is already leased under contract ZL-1"),
        ({"number": "ZL-1"}, "The contract number ZL-1 is already used."),
        ({"ends_on": "2024-12-31"}, "The term ends before it starts."),
    ):
        data = contract_form([unit.id], number="ZL-2", version=version) | fields
        refused = client.post(url, data=data)
        assert refused.status_code == 422
        assert message in refused.get_data(as_text=True)
    db.session.expire_all()
    draft = db.session.get(Contract, draft.id)
    assert (draft.number, draft.ends_on, [u.code for u in draft.units]) == (
        "ZL-2",
        date(2027, 12, 31),
        ["P-001"],
    )


def test_a_stale_draft_form_gets_the_conflict_and_changes_nothing(
    app, login, park, make_merchant, make_unit, make_contract
):
    merchant = make_merchant()
    unit = make_unit("P-001")
    draft = make_contract(merchant, [unit], number="ZL-2")
    url = f"/merchants/contracts/{draft.id}/edit"
    first, second, version = two_pages(app, login, url, park.manager)
    saved = first.post(url, data=contract_form([unit.id], number="ZL-9", version=version))
    assert saved.status_code == 303
    late = second.post(url, data=contract_form([unit.id], number="ZL-2", version=version))
    assert late.status_code == 409
    assert 'id="conflict"' in late.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Contract, draft.id).number == "ZL-9"


def test_the_conflict_shows_amounts_in_yuan_never_fen(
    app, login, park, make_merchant, make_unit, make_contract
):
    unit = make_unit("P-001")
    draft = make_contract(make_merchant(), [unit], number="ZL-2")
    url = f"/merchants/contracts/{draft.id}/edit"
    first, second, version = two_pages(app, login, url, park.manager)
    sent = contract_form([unit.id], number="ZL-2", version=version)
    assert first.post(url, data={**sent, "rent": "1,234.50"}).status_code == 303
    late = second.post(url, data={**sent, "rent": "2,000", "deposit": "8,000.5"})
    assert late.status_code == 409
    table = late.get_data(as_text=True).split('id="conflict"')[1].split("</table>")[0]
    assert "¥1,234.50" in table and "¥2,000.00" in table and "¥8,000.50" in table
    assert "123450" not in table and "200000" not in table


def test_only_a_draft_is_edited_or_discarded_and_only_by_a_writer_of_its_site(
    client, login, sign_in_as, park, make_merchant, make_unit, make_contract
):
    psy_draft = make_contract(make_merchant(), [make_unit("P-001")])
    approved = make_contract(make_merchant("乙"), [make_unit("P-002")], "approved", number="ZL-2")
    zoo = make_merchant("动物园小卖部", site=park.zylz)
    zoo_draft = make_contract(zoo, [make_unit("Z-1", site=park.zylz)], number="ZL-3")

    login(park.manager)
    for step in ("edit", "discard"):
        url = f"/merchants/contracts/{approved.id}/{step}"
        assert client.post(url, data=contract_form([])).status_code == 403
    sign_in_as(park.leader)  # approves, does not write
    assert client.post(f"/merchants/contracts/{psy_draft.id}/discard").status_code == 403
    assert client.get(f"/merchants/contracts/{psy_draft.id}/edit").status_code == 403
    sign_in_as(park.psy_manager)  # writes at 濮上园 only
    assert client.post(f"/merchants/contracts/{zoo_draft.id}/discard").status_code == 404
    assert count(Contract) == 3


def test_the_manager_discards_a_draft_and_its_units_are_free(
    client, login, park, make_merchant, make_unit, make_contract
):
    merchant = make_merchant()
    unit = make_unit()
    draft = make_contract(merchant, [unit], steps={2: 1_100_00})
    login(park.manager)

    done = client.post(f"/merchants/contracts/{draft.id}/discard")

    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/merchants/merchants/{merchant.id}")
    assert (count(Contract), count(ContractUnit), count(RentStep)) == (0, 0, 0)
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "merchants.contract_discarded")
    )
    assert entry.details == {"number": "ZL-2025-001"}


def test_the_signed_scan_is_stored_and_read_only_at_the_contracts_site(
    client, login, sign_in_as, park, make_merchant, make_unit, make_contract, make_user
):
    contract = make_contract(make_merchant(), [make_unit()], "active")
    login(park.manager)
    url = f"/merchants/contracts/{contract.id}/scan"
    assert client.get(url).status_code == 404  # none yet

    stored = client.post(
        url,
        data={"file": (io.BytesIO(jpeg()), "合同扫描.jpg", "image/jpeg")},
        content_type="multipart/form-data",
    )

    assert stored.status_code == 303
    db.session.expire_all()
    scan = db.session.get(Attachment, db.session.get(Contract, contract.id).scan_id)
    assert (scan.owner_kind, scan.owner_id) == ("merchants.contract", contract.id)
    page = client.get(f"/merchants/contracts/{contract.id}").get_data(as_text=True)
    assert 'id="contract-scan"' in page
    sign_in_as(park.finance)
    assert client.get(url).status_code == 200
    sign_in_as(park.cashier)  # no merchants permission
    assert client.get(url).status_code == 403
    sign_in_as(make_user("zoo", ["finance"], sites=[park.zylz]))
    assert client.get(url).status_code == 404


def test_a_bad_scan_is_refused_with_nothing_stored(
    client, login, park, make_merchant, make_unit, make_contract
):
    contract = make_contract(make_merchant(), [make_unit()], "active")
    login(park.manager)
    for name, data, message in (
        ("合同.pdf", b"MZ\x90\x00 not a pdf", "content does not match its type."),
        ("合同.exe", b"MZ\x90\x00", "Only photos, PDF, Word, Excel or WPS files."),
    ):
        refused = client.post(
            f"/merchants/contracts/{contract.id}/scan",
            data={"file": (io.BytesIO(data), name, "application/octet-stream")},
            content_type="multipart/form-data",
        )
        assert refused.status_code == 422
        assert message in refused.get_data(as_text=True)
    assert count(Attachment) == 0
    assert db.session.get(Contract, contract.id).state == ContractState.ACTIVE


def test_two_saves_of_a_draft_at_once_one_is_saved_the_other_gets_the_conflict(
    app, login, park, make_merchant, make_unit, make_contract, monkeypatch
):
    """Real threads on the test database (SQLite in WAL mode, or PostgreSQL)."""
    unit = make_unit("P-001")
    draft = make_contract(make_merchant(), [unit], number="ZL-2")
    url = f"/merchants/contracts/{draft.id}/edit"
    first, second, version = two_pages(app, login, url, park.manager)
    db.session.commit()
    sent = contract_form([unit.id], number="ZL-2", version=version)
    forms = ({**sent, "rent": "1,234.50"}, {**sent, "deposit": "8,000"})
    codes = saves_at_once((first, second), url, forms, monkeypatch)
    assert sorted(codes) == [303, 409]
    db.session.expire_all()
    saved = db.session.get(Contract, draft.id)
    assert (saved.rent_fen, saved.deposit_fen) == ((1_234_50, 10_000_00), (3_000_00, 8_000_00))[
        codes.index(303)
    ]
