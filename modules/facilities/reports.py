"""Fault reports: the crew's damage report and a visitor's report from a label's scan page.

Either opens a repair order (its later life is in ``orders.py``) or joins the one
still being worked on (``JOINABLE_STATES``: not yet marked repaired) on the same
facility for the same fault category (never for OTHER: two "something else" reports
may be two faults). A fault seen again after the repair is a new order, so the
checker does not pass a repair that did not hold. The crew splits a report that
joined wrongly into an order of its own, of another category. A visitor's
report carries a reference (8 characters, ``XXXX-XXXX`` when shown) for its
status page. One public function, one transaction.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage

from modules.facilities.errors import FacilityError
from modules.facilities.forms import CATEGORY_CHOICES, CATEGORY_LABELS
from modules.facilities.inspections import add_inspection
from modules.facilities.models import (
    Facility,
    FaultCategory,
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
from parkops.attachments import Attachment, AttachmentError
from parkops.auth.models import User
from parkops.extensions import db
from parkops.photos import prepare_photo
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


# References: no 0/O, 1/I/L, so one read aloud or typed from a screenshot is not misread.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8  # 31**8: about 40 bits, not worth guessing


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalize_reference(text: str) -> str:
    """What a person typed (``abcd-efgh``, spaces, lower case) as stored; "" if it cannot be one."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(cleaned) != REFERENCE_LENGTH or any(ch not in REFERENCE_ALPHABET for ch in cleaned):
        return ""
    return cleaned


def shown_reference(reference: str) -> str:
    return f"{reference[:4]}-{reference[4:]}"


# The fault a facility of this type most often has (FacilityType.code): its button first.
TYPE_FAULTS = {
    "lamp": FaultCategory.LIGHTING,
    "fence": FaultCategory.FENCE,
    "bench": FaultCategory.SEATING,
    "toilet": FaultCategory.SANITATION,
    "pump": FaultCategory.WATER_ELECTRIC,
    "sign": FaultCategory.SIGNAGE,
}


def category_choices(type_code: str) -> list[tuple[str, str]]:
    """The fault buttons for a facility of type ``type_code``: (value, label in the
    request's language), its type's usual fault first. Kept per (usual fault, language):
    a lazy label would look its translation up again on every page."""
    first = TYPE_FAULTS.get(type_code)
    key = (first, str(get_locale()))
    kept = current_app.extensions.setdefault("facilities_category_choices", {})
    if key not in kept:
        ordered = sorted(CATEGORY_CHOICES, key=lambda choice: choice[0] != first)  # stable
        kept[key] = [(value, str(label)) for value, label in ordered]
    return kept[key]


# A report joins an order only while the crew is still on it: once marked repaired,
# the same fault again means the repair did not hold (a new order for the checker).
JOINABLE_STATES = (OrderState.REPORTED, OrderState.ASSIGNED, OrderState.IN_PROGRESS)


def _order_to_join(facility: Facility, category: FaultCategory) -> RepairOrder | None:
    """The oldest order on ``facility`` for ``category`` still being worked on; None for OTHER."""
    if category == FaultCategory.OTHER:
        return None
    return db.session.scalar(
        select(RepairOrder)
        .where(
            RepairOrder.facility_id == facility.id,
            RepairOrder.state.in_(JOINABLE_STATES),
            RepairOrder.category == category,
        )
        .order_by(RepairOrder.id)
        .limit(1)
    )


def _text(description: str, category: FaultCategory) -> str:
    """An order's description: what was typed, else the category in the installation's
    language (the order is read by the crew, not by the reporter)."""
    if description:
        return description
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        return str(CATEGORY_LABELS[category])


def _open_order(
    facility: Facility,
    actor: User | None,
    *,
    reported_at: datetime | None = None,
    by: User | None = None,
    note: str = "",
    **fields,
) -> RepairOrder:
    """A new order; ``actor`` reported it (None: a visitor), ``by`` opened it when
    someone else did (a split), at ``reported_at`` (default now)."""
    now = reported_at or utcnow()
    by = by or actor
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
            by_id=by.id if by else None,
            note=note,
        )
    )
    link_evidence(
        "facilities.repair_order",
        order.id,
        evidence_summary(order.id, facility.code, fields["description"]),
        site_id=facility.site_id,
    )
    return order


def evidence_summary(order_id: int, code: str, description: str) -> str:
    """How the ledger's evidence list names a repair order, the same for every order
    (the demo's too): "维修单 48：ZYLZ-0028 座椅松动", in the installation's language
    (the ledger is read by the office, not by the reporter)."""
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        return _(
            "Repair order %(id)s: %(code)s %(text)s",
            id=order_id,
            code=code,
            text=description[:120],
        )


def report_damage(
    facility: Facility,
    actor: User,
    description: str,
    priority: Priority,
    hazardous: bool,
    photos: list[FileStorage],
    key: str | None,
    category: FaultCategory = FaultCategory.OTHER,
) -> "CrewOutcome":
    """The crew reports damage: the facility marked damaged (or closed), and a repair
    order, or the order still being worked on for the same fault (``JOINABLE_STATES``;
    made urgent when this report takes the facility out of service). The description
    is optional (the category says what is wrong)."""
    description = _text(description.strip(), category)
    if len(photos) > MAX_PHOTOS:
        raise FacilityError(_("At most %(n)s photos.", n=MAX_PHOTOS))
    takes_out = hazardous and facility.type.safety_critical
    order = _order_to_join(facility, category)
    joined = order is not None
    if order is None:
        order = _open_order(
            facility,
            actor,
            description=description,
            category=category,
            priority=Priority.URGENT if takes_out else priority,
            takes_out_of_service=takes_out,
        )
    elif takes_out and not order.takes_out_of_service:
        order.takes_out_of_service = True
        order.priority = Priority.URGENT
        order.deadline_at = min(order.deadline_at, _deadline(Priority.URGENT, utcnow()))
    attach_photos(photos, PHOTO_BEFORE, order.id, actor.id)
    inspection = add_inspection(facility, actor, InspectionResult.DAMAGE, description, utcnow())
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
    return CrewOutcome(order, joined)


@dataclass
class CrewOutcome:
    order: RepairOrder
    joined: bool  # added to an order already being worked on for the same fault


@dataclass
class VisitorOutcome:
    order: RepairOrder
    report: VisitorReport

    @property
    def joined(self) -> bool:  # added to an order that was already open
        return not self.report.opened_order


def visitor_report(
    facility: Facility,
    category: FaultCategory,
    description: str,
    photo: FileStorage | None,
    phone: str,
    ip: str,
    key: str | None,
) -> VisitorOutcome:
    """A visitor's report: it joins the order still being worked on for this facility and
    fault category (``JOINABLE_STATES``), else opens one; either way it gets its own
    reference."""
    description = description.strip()
    since = utcnow() - timedelta(hours=1)
    # The photo is re-encoded before the lock: reports from many phones then wait only for
    # each other's few statements, not for each other's photos.
    try:
        prepared = prepare_photo(photo) if photo is not None else None
    except AttachmentError as exc:
        raise FacilityError(str(exc)) from exc
    db.session.commit()  # the limit lock must be the first write of its transaction (SQLite)
    limits.serialize("facilities.visitor_report")  # held until the report is committed
    recent = db.session.scalar(
        select(func.count())
        .select_from(VisitorReport)
        .where(VisitorReport.ip == ip, VisitorReport.at >= since)
    )
    if recent >= module_settings.get("facilities.visitor_reports_per_hour"):
        raise RateLimited(_("You have sent several reports already. Please try again later."))
    existing = _order_to_join(facility, category)
    order = existing or _open_order(
        facility,
        None,
        description=_text(description, category),
        category=category,
        priority=Priority.NORMAL,
        from_visitor=True,
        reporter_phone=phone,
    )
    stored = attach_photos([prepared], PHOTO_BEFORE, order.id, None) if prepared else []
    report = VisitorReport(
        ip=ip,
        facility_id=facility.id,
        order_id=order.id,
        reference=new_reference(),
        category=category,
        description=description,
        phone=phone,
        photo_id=stored[0].id if stored else None,
        opened_order=existing is None,
    )
    db.session.add(report)
    remember(
        key,
        None,
        "facilities.scan_thanks",
        token=facility.token,
        reference=shown_reference(report.reference),
    )
    db.session.commit()
    return VisitorOutcome(order, report)


def may_split(user: User, order: RepairOrder) -> bool:
    """The crew (and supervisors) of the order's site may split reports off an open order."""
    return (
        user.is_authenticated
        and user.can_see_site(order.site_id)
        and order.is_open
        and (user.can("facilities.repair") or user.can("facilities.verify"))
    )


def split_report(
    order: RepairOrder, report_id: int, category: FaultCategory, actor: User
) -> RepairOrder:
    """Take a visitor's report that joined ``order`` into an order of its own, of
    ``category``, reported when the visitor reported it; its photo goes with it.
    FacilityError when the report is not one that joined this order (or was split
    off by someone else a moment ago), or ``category`` is the order's own (that
    would be a second order for the same fault)."""
    report = db.session.get(VisitorReport, report_id)
    if report is None or report.order_id != order.id or report.opened_order:
        raise FacilityError(_("This report is not on this order any more."))
    if not may_split(actor, order):
        raise FacilityError(_("You may not split reports off this order."))
    if category == order.category:
        raise FacilityError(
            _(
                "This order is already about that fault: choose what else the report"
                " is about to split it off."
            )
        )
    new = _open_order(
        order.facility,
        None,
        reported_at=report.at,
        by=actor,
        note=_("Split from repair order %(id)s", id=order.id),
        description=_text(report.description, category),
        category=category,
        priority=Priority.NORMAL,
        from_visitor=True,
        reporter_phone=report.phone,
    )
    # Conditional: of two people splitting the same report at once, one moves it.
    moved = db.session.execute(
        update(VisitorReport)
        .where(VisitorReport.id == report.id, VisitorReport.order_id == order.id)
        .values(order_id=new.id, opened_order=True, category=category)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        db.session.rollback()
        raise FacilityError(_("This report is not on this order any more."))
    if report.photo_id is not None:
        db.session.execute(
            update(Attachment)
            .where(Attachment.id == report.photo_id, Attachment.owner_kind == PHOTO_BEFORE)
            .values(owner_id=new.id)
            .execution_options(synchronize_session=False)
        )
    refresh_status(order.facility)
    audit.record(
        "facilities.report_split",
        "repair_order",
        new.id,
        {"order_id": order.id, "reference": report.reference, "category": category.value},
        actor,
    )
    db.session.commit()
    return new
