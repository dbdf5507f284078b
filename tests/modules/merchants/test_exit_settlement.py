"""The exit's approval by a leader (never the person who opened it; closing waits for
it) and the settlement statement (结算单): its figures on a printable page and in a
.docx, for readers of the contract's site only."""

import io
from datetime import date

import pytest
from docx import Document
from PIL import Image
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from modules.merchants import exits, exits_settlement
from modules.merchants.models import Exit, ExitReason
from parkops.attachments import Attachment
from parkops.audit import AuditEntry
from parkops.deciding import AlreadyDecided
from parkops.extensions import db
from parkops.timeutil import business_day, utcnow
from tests.modules.merchants.test_exits import move_to_clean_up, owing  # noqa: F401


@pytest.fixture
def exiting(app, park, owing):  # noqa: F811
    """The owing contract with an exit opened by the manager: (contract, arrears fen)."""
    contract, owed = owing
    with app.test_request_context():
        exits.open_exit(
            contract, park.manager, ExitReason.NON_PAYMENT, date(2025, 3, 1), business_day(), ""
        )
    return contract, owed


def test_a_leader_approves_the_exit_never_its_opener_and_only_then_it_closes(
    app, client, login, sign_in_as, park, exiting
):
    contract, _owed = exiting
    url = f"/merchants/contracts/{contract.id}"
    login(park.manager)  # opened it; holds merchants.approve too
    page = client.get(url).get_data(as_text=True)
    assert 'id="close-exit-form"' not in page
    refused = client.post(f"{url}/exit/approve")
    assert refused.status_code == 422
    assert "approved by someone other than the person who opened it" in refused.get_data(
        as_text=True
    )
    closing = {"utilities_read": "y", "unit_returned": "y", "buyback": "", "deposit_refund": ""}
    assert client.post(f"{url}/exit/close", data=closing).status_code == 403
    sign_in_as(park.finance)
    assert client.post(f"{url}/exit/approve").status_code == 403

    sign_in_as(park.leader)
    assert client.post(f"{url}/exit/approve").status_code == 303

    found = db.session.scalar(select(Exit))
    assert found.approved_by_id == park.leader.id
    sign_in_as(park.manager)
    assert 'id="close-exit-form"' in client.get(url).get_data(as_text=True)
    refused = client.post(f"{url}/exit/close", data=closing)  # the arrears: a checklist item
    assert refused.status_code == 422
    assert "neither settled nor moved to a special clean-up" in refused.get_data(as_text=True)
    move_to_clean_up(app, park, contract)
    assert client.post(f"{url}/exit/close", data=closing).status_code == 303


def test_the_settlement_sets_the_deposit_against_the_arrears(
    app, client, login, sign_in_as, park, exiting
):
    contract, owed = exiting
    found = db.session.scalar(select(Exit))
    exits_settlement.approve_exit(found, park.leader)
    owed -= move_to_clean_up(app, park, contract)
    exits.close_exit(db.session.get(Exit, found.id), park.manager, True, True, 1_200_00, 0)
    login(park.finance)

    page = client.get(f"/merchants/contracts/{contract.id}/settlement").get_data(as_text=True)

    yuan = lambda fen: f"¥{fen / 100:,.2f}"  # noqa: E731
    assert owed > 5_000_00
    for label, amount in (
        ("Arrears", yuan(owed)),
        ("Deposit", "¥5,000.00"),
        ("Deposit set against arrears", "¥5,000.00"),
        ("Assets bought back (回购)", "¥1,200.00"),
        ("Balance: the merchant pays", yuan(owed - 5_000_00 - 1_200_00)),
    ):
        assert f'<tr><td>{label}</td><td class="amount">{amount}</td></tr>' in page
    assert 'id="provisional"' not in page
    assert "css/document-print.css" in page  # the A4 print styles of official documents

    docx = client.get(f"/merchants/contracts/{contract.id}/settlement.docx")
    assert docx.status_code == 200
    name = f"{contract.number}-settlement.docx"
    assert f'filename="{name}"' in docx.headers["Content-Disposition"]
    cells = [c.text for t in Document(io.BytesIO(docx.data)).tables for c in t._cells]
    assert "Balance: the merchant pays" in cells and yuan(owed - 6_200_00) in cells
    assert "Merchant (signature and seal)" in cells


def test_the_statement_is_only_for_readers_of_the_contracts_site(
    client, login, sign_in_as, park, exiting, make_user
):
    contract, _owed = exiting
    url = f"/merchants/contracts/{contract.id}/settlement"
    login(park.finance)
    assert 'id="provisional"' in client.get(url).get_data(as_text=True)  # not closed yet
    sign_in_as(park.cashier)
    assert client.get(url).status_code == 403
    sign_in_as(make_user("zoo", ["finance"], sites=[park.zylz]))
    assert client.get(url).status_code == 404
    assert client.get(f"{url}.docx").status_code == 404


def test_the_statement_takes_the_same_queries_however_long_the_contract(
    client, login, park, make_merchant, make_unit, make_contract, count_queries, app
):
    login(park.finance)
    counts = []
    for n, ends_on in enumerate((date(2025, 3, 31), date(2030, 12, 31))):
        contract = make_contract(
            make_merchant(f"商户{n}"),
            [make_unit(f"P-{n}")],
            "active",
            ends_on=ends_on,
            number=f"ZL-{n}",
        )
        with app.test_request_context():
            exits.open_exit(
                contract, park.manager, ExitReason.MUTUAL, date(2025, 1, 1), ends_on, ""
            )
        with count_queries() as q:
            assert client.get(f"/merchants/contracts/{contract.id}/settlement").status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1]


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), "gray").save(out, "JPEG")
    return out.getvalue()


def test_photos_of_the_unit_handed_back_are_kept_with_the_exit_for_its_site(
    client, login, sign_in_as, park, exiting, make_user
):
    contract, _owed = exiting
    url = f"/merchants/contracts/{contract.id}/exit/photos"
    login(park.manager)
    refused = client.post(
        url,
        data={"photos": [(io.BytesIO(jpeg()), "铺位.jpg"), (io.BytesIO(b"junk"), "坏.jpg")]},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422  # one bad photo: none stored
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0

    stored = client.post(
        url,
        data={"photos": [(io.BytesIO(jpeg()), "铺位1.jpg"), (io.BytesIO(jpeg()), "铺位2.jpg")]},
        content_type="multipart/form-data",
    )

    assert stored.status_code == 303
    photos = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert [p.owner_kind for p in photos] == ["merchants.exit"] * 2
    page = client.get(f"/merchants/contracts/{contract.id}").get_data(as_text=True)
    assert page.count("/merchants/exits/photos/") == 4  # two links, two thumbnails
    sign_in_as(park.finance)
    assert client.get(f"/merchants/exits/photos/{photos[0].id}").status_code == 200
    assert client.post(url, data={}).status_code == 403
    sign_in_as(make_user("zoo", ["finance"], sites=[park.zylz]))
    assert client.get(f"/merchants/exits/photos/{photos[0].id}").status_code == 404


def test_an_open_exits_docx_is_provisional_and_names_the_manager(client, login, park, exiting):
    contract, _owed = exiting
    login(park.finance)
    url = f"/merchants/contracts/{contract.id}/settlement"
    assert 'id="provisional"' in client.get(url).get_data(as_text=True)

    doc = Document(io.BytesIO(client.get(f"{url}.docx").data))

    texts = [p.text for p in doc.paragraphs]
    assert "Provisional: the exit is not closed; arrears as of today." in texts
    (signatures,) = [t for t in doc.tables if t.cell(0, 0).text == "Merchant (signature and seal)"]
    assert signatures.cell(1, 1).text == park.manager.display_name


def test_the_opener_sees_no_approve_button_and_a_second_leader_hears_it_was_approved(
    client, login, sign_in_as, park, exiting, make_user
):
    contract, _owed = exiting
    url = f"/merchants/contracts/{contract.id}"
    login(park.manager)  # opened it; holds merchants.approve too
    assert 'id="approve-exit-form"' not in client.get(url).get_data(as_text=True)
    sign_in_as(park.leader)
    assert 'id="approve-exit-form"' in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/exit/approve").status_code == 303

    sign_in_as(make_user("leader2", ["leader"], all_sites=True))  # her page showed the button
    late = client.post(f"{url}/exit/approve", headers={"Referer": f"http://localhost{url}"})

    assert late.status_code == 409
    page = late.get_data(as_text=True)
    assert f"This exit was approved already, by {park.leader.display_name} at " in page
    assert f'href="{url}"' in page  # back to the contract, which shows the approval
    assert db.session.scalar(select(Exit)).approved_by_id == park.leader.id


def test_two_leaders_approving_at_once_only_the_first_is_stored(app, park, exiting, make_user):
    found = db.session.scalar(select(Exit))  # this leader's request read it unapproved…
    assert found.approved_at is None
    other_leader = make_user("leader2", ["leader"], all_sites=True)
    with Session(db.engine) as other:  # …and another leader's approval commits meanwhile
        other.execute(
            update(Exit)
            .where(Exit.id == found.id)
            .values(approved_at=utcnow(), approved_by_id=other_leader.id)
        )
        other.commit()
    with pytest.raises(AlreadyDecided, match="This exit was approved already, by Leader2 at "):
        exits_settlement.approve_exit(found, park.leader)
    db.session.expire_all()
    assert db.session.get(Exit, found.id).approved_by_id == other_leader.id
    approvals = select(func.count()).where(AuditEntry.action == "merchants.exit_approved")
    assert db.session.scalar(approvals) == 0  # the refused approval records nothing
