"""A patrol finding at a facility opens a repair order there (the facilities module's
reaction to the core's signal), shown on the finding; one elsewhere opens none."""

import pytest
from sqlalchemy import func, select

from modules.facilities import registry
from modules.facilities.models import FacilityType, OrderState, Priority, RepairOrder
from modules.patrols import findings
from modules.patrols.findings import FindingData
from modules.patrols.models import Severity
from parkops import subjects
from parkops.extensions import db


@pytest.fixture
def pump(park):
    registry.ensure_standard_types()
    kind = db.session.scalar(select(FacilityType).order_by(FacilityType.id))
    data = registry.FacilityData(
        site_id=park.psy.id, code="PSY-P01", name="泵站水泵", type_id=kind.id, area="泵站"
    )
    return registry.create_facility(data, park.inspector)


def _record(app, park, facility_id):
    with app.test_request_context():
        where = subjects.resolve("facilities.facility", facility_id)
        data = FindingData("水泵漏水", Severity.HIGH, subject=where)
        return findings.record_finding(park.psy.id, data, park.inspector, None, lambda f: "")


def test_a_finding_at_a_facility_opens_a_repair_order_shown_on_it(app, park, pump, as_user, client):
    finding = _record(app, park, pump.id)
    order = db.session.scalar(select(RepairOrder).where(RepairOrder.facility_id == pump.id))
    assert (order.state, order.priority, order.description) == (
        OrderState.REPORTED,
        Priority.HIGH,
        "水泵漏水",
    )
    assert order.reported_by_id == park.inspector.id
    (reaction,) = finding.reactions
    assert (reaction.text, reaction.url) == (
        f"Repair order {order.id} opened for PSY-P01",
        f"/facilities/orders/{order.id}",
    )
    as_user(park.inspector)
    page = client.get(f"/patrols/findings/{finding.id}").get_data(as_text=True)
    assert f'<a href="/facilities/orders/{order.id}">Repair order {order.id} opened' in page


def test_a_finding_at_a_checkpoint_opens_no_repair_order(app, park, pump):
    with app.test_request_context():
        where = subjects.resolve("patrols.checkpoint", park.intake.checkpoints[0].id)
        data = FindingData("漂浮垃圾", subject=where)
        findings.record_finding(park.psy.id, data, park.inspector, None, lambda f: "")
    assert db.session.scalar(select(func.count()).select_from(RepairOrder)) == 0
