"""Demo data: every type, both sites, orders in every state, some overdue; loaded once."""

from sqlalchemy import func, select

from modules.facilities.models import (
    OPEN_STATES,
    Facility,
    FacilityStatus,
    FacilityType,
    Inspection,
    OrderState,
    RepairOrder,
)
from parkops import demo
from parkops.extensions import db
from parkops.rectification.models import EvidenceLink
from parkops.timeutil import utcnow
from tests.demo_copy import load_demo


def test_demo_data_shows_something_real_on_every_screen(app, client, login):
    assert load_demo()
    facilities = db.session.scalars(select(Facility)).all()
    assert len(facilities) >= 200
    assert {f.site.code for f in facilities} == {"PSY", "ZYLZ"}
    assert {f.type_id for f in facilities} == set(db.session.scalars(select(FacilityType.id)))
    assert all(f.token for f in facilities)
    orders = db.session.scalars(select(RepairOrder)).all()
    assert {o.state for o in orders} == set(OrderState)
    now = utcnow()
    assert any(o.state in OPEN_STATES and o.deadline_at < now for o in orders)
    assert any(o.state == OrderState.VERIFIED and o.closed_at > o.deadline_at for o in orders)
    assert {f.status for f in facilities} >= {FacilityStatus.IN_SERVICE, FacilityStatus.DAMAGED}
    assert db.session.scalar(select(func.count()).select_from(Inspection)) > 1000
    kinds = set(
        db.session.scalars(
            select(EvidenceLink.kind).where(EvidenceLink.kind.startswith("facilities.")).distinct()
        )
    )
    assert kinds == {"facilities.inspection", "facilities.repair_order"}
    # One format for every repair order in the ledger's evidence list, the facility's code
    # included: "维修单 48：ZYLZ-0028 座椅靠背木条断裂".
    codes = {o.id: o.facility.code for o in orders}
    for record_id, summary in db.session.execute(
        select(EvidenceLink.record_id, EvidenceLink.summary).where(
            EvidenceLink.kind == "facilities.repair_order"
        )
    ):
        assert summary.startswith(f"维修单 {record_id}：{codes[record_id]} "), summary
    login("crew", password=demo.PASSWORD)
    for url in ("/facilities/patrol", "/facilities/orders?view=mine", "/facilities/orders"):
        page = client.get(url).get_data(as_text=True)
        assert "PSY-" in page and "ZYLZ-" not in page
    assert demo.load() is False  # a second run changes nothing
    assert db.session.scalar(select(func.count()).select_from(Facility)) == len(facilities)
