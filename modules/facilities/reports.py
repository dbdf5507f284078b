"""Fault reports: the crew's damage report and a visitor's report from a label's scan page.

Either opens a repair order (its later life is in ``orders.py``) or, for a
visitor, joins the one already open on the facility. One public function, one
transaction.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from modules.facilities.errors import FacilityError
from modules.facilities.inspections import add_inspection
from modules.facilities.models import (
    OPEN_STATES,
    Comment,
    Facility,
    InspectionResult,
    OrderState,
    Priority,
    RepairOrder,
    Transition,
    VisitorReport,
)
from modules.facilities.photos import MAX_PHOTOS, PHOTO_BEFORE, attach_photos
from modules.facilities.registry import refresh_status, remember
from parkops import audit, limits, module_settings
from parkops.auth.models import User
from parkops.extensions import db
from parkops.rectification.services import link_evidence
from parkops.timeutil import utcnow


class RateLimited(FacilityError):
    """Too many visitor reports from one address within the hour."""


def repair_time(priority: Priority) -> timedelta:
    """How long the crew has to repair an order of ``priority``: the module setting
    ``facilities.deadline_<priority>_hours`` (a business rule, kept in the database)."""
    return timedelta(hours=module_settings.get(f"facilities.deadline_{priority.value}_hours"))


def _deadline(priority: Priority, reported_at: datetime) -> datetime:
    return reported_at + repair_time(priority)


def _open_order(facility: Facility, actor: User | None, **fields) -> RepairOrder:
    now = utcnow()
    order = RepairOrder(
        facility_id=facility.id,
        site_id=facility.site_id,
        reported_by_id=actor.id if actor else None,
        reported_at=now,
        deadline_at=_deadline(fields["priority"], now),
        **fields,
    )
    db.session.add(order)
    db.session.flush()
    db.session.add(
        Transition(
            order_id=order.id,
            from_state=None,
            to_state=OrderState.REPORTED,
            at=now,
            by_id=actor.id if actor else None,
        )
    )
    link_evidence(
        "facilities.repair_order",
        order.id,
        _(
            "Repair order %(id)s: %(code)s %(text)s",
            id=order.id,
            code=facility.code,
            text=fields["description"][:120],
        ),
        site_id=facility.site_id,
    )
    return order


def report_damage(
    facility: Facility,
    actor: User,
    description: str,
    priority: Priority,
    hazardous: bool,
    photos: list[FileStorage],
    key: str | None,
) -> RepairOrder:
    """The crew reports damage: a repair order, the facility marked damaged (or closed)."""
    description = description.strip()
    if not description:
        raise FacilityError(_("Describe what is wrong."))
    if len(photos) > MAX_PHOTOS:
        raise FacilityError(_("At most %(n)s photos.", n=MAX_PHOTOS))
    takes_out = hazardous and facility.type.safety_critical
    order = _open_order(
        facility,
        actor,
        description=description,
        priority=Priority.URGENT if takes_out else priority,
        takes_out_of_service=takes_out,
    )
    attach_photos(photos, PHOTO_BEFORE, order.id, actor.id)
    inspection = add_inspection(
        facility, actor, InspectionResult.DAMAGE, description, order.reported_at
    )
    inspection.order_id = order.id
    db.session.flush()
    link_evidence(
        "facilities.inspection",
        inspection.id,
        _("%(code)s %(name)s inspected, damage reported", code=facility.code, name=facility.name),
        site_id=facility.site_id,
    )
    refresh_status(facility)
    if takes_out:
        audit.record(
            "facilities.out_of_service",
            "facility",
            facility.id,
            {"code": facility.code, "order_id": order.id},
            actor,
        )
    remember(key, actor.id, "facilities.order", id=order.id)
    db.session.commit()
    return order


@dataclass
class VisitorOutcome:
    order: RepairOrder
    joined: bool  # added to an order that was already open


def visitor_report(
    facility: Facility,
    description: str,
    photo: FileStorage | None,
    phone: str,
    ip: str,
    key: str | None,
) -> VisitorOutcome:
    """A visitor's report: a new order, or a comment on the one already open."""
    description = description.strip()
    if not description:
        raise FacilityError(_("Describe what is wrong."))
    since = utcnow() - timedelta(hours=1)
    db.session.commit()  # the limit lock must be the first write of its transaction (SQLite)
    limits.serialize("facilities.visitor_report")  # held until the report is committed
    recent = db.session.scalar(
        select(func.count())
        .select_from(VisitorReport)
        .where(VisitorReport.ip == ip, VisitorReport.at >= since)
    )
    if recent >= module_settings.get("facilities.visitor_reports_per_hour"):
        raise RateLimited(_("You have sent several reports already. Please try again later."))
    existing = db.session.scalar(
        select(RepairOrder)
        .where(RepairOrder.facility_id == facility.id, RepairOrder.state.in_(OPEN_STATES))
        .order_by(RepairOrder.id)
        .limit(1)
    )
    if existing is not None:
        order = existing
        db.session.add(Comment(order_id=order.id, author_id=None, phone=phone, body=description))
    else:
        order = _open_order(
            facility,
            None,
            description=description,
            priority=Priority.NORMAL,
            from_visitor=True,
            reporter_phone=phone,
        )
    if photo is not None:
        attach_photos([photo], PHOTO_BEFORE, order.id, None)
    db.session.add(VisitorReport(ip=ip, facility_id=facility.id, order_id=order.id))
    joined = existing is not None
    remember(key, None, "facilities.scan_thanks", token=facility.token, joined=int(joined))
    db.session.commit()
    return VisitorOutcome(order, joined)
