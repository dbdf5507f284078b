"""The facility register: facilities, their QR tokens, types, squad leads and status.

One public function, one transaction. A facility's status is never typed: it
follows its open repair orders (``refresh_status``).
"""

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from werkzeug.datastructures import FileStorage

from modules.facilities.errors import FacilityError
from modules.facilities.models import (
    OPEN_STATES,
    Facility,
    FacilityStatus,
    FacilityType,
    OrderState,
    RepairOrder,
    SquadLead,
)
from modules.facilities.photos import PHOTO_FACILITY, attach_photos
from parkops import audit, idempotency
from parkops.auth.access import users_holding
from parkops.auth.models import Site, User, UserRole
from parkops.extensions import db
from parkops.timeutil import business_day, utcnow

TOKEN_BYTES = 16  # 128 random bits, 22 characters: unguessable, and a small QR code
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def remember(key: str | None, user_id: int | None, endpoint: str, **values) -> None:
    """Record a phone form's idempotency key with where it led (no key: nothing to do)."""
    if key:
        idempotency.remember(key, url_for(endpoint, **values), user_id)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def scan_url(facility: Facility) -> str:
    """The absolute address a label's QR code carries: short, so the code stays small."""
    return f"{current_app.config['BASE_URL']}/q/{facility.token}"


def facility_by_token(token: str) -> Facility | None:
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None  # not one we could have issued: no need to ask the database
    return db.session.scalar(_FACILITY_BY_TOKEN, {"token": token})


_FACILITY_BY_TOKEN = select(Facility).where(Facility.token == bindparam("token"))


@dataclass(frozen=True)
class ScanLabel:
    """What a label's visitor page shows of its facility: a row, not a Facility (no ORM
    object, nor its joined site and type, is built for the most frequent page)."""

    id: int
    site_id: int
    code: str
    name: str
    status: FacilityStatus
    token: str
    site_name: str
    type_code: str

    @classmethod
    def of(cls, facility: Facility) -> "ScanLabel":
        return cls(
            facility.id,
            facility.site_id,
            facility.code,
            facility.name,
            facility.status,
            facility.token,
            facility.site.name,
            facility.type.code,
        )


# Built once: composing the statement anew cost as much as running it.
_LABEL_BY_TOKEN = (
    select(
        Facility.id,
        Facility.site_id,
        Facility.code,
        Facility.name,
        Facility.status,
        Facility.token,
        Site.name,
        FacilityType.code,
    )
    .join(Site, Site.id == Facility.site_id)
    .join(FacilityType, FacilityType.id == Facility.type_id)
    .where(Facility.token == bindparam("token"))
)


def label_by_token(token: str) -> ScanLabel | None:
    """The facility of a label's token as the visitor page shows it; one statement."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None
    row = db.session.execute(_LABEL_BY_TOKEN, {"token": token}).first()
    return ScanLabel(*row) if row else None


# --- types and squad leads -------------------------------------------------------------


STANDARD_TYPES = (
    # code, name (Chinese: what the park calls it), interval in days, safety-critical
    ("ride", "游乐设施", 1, True),
    ("playground", "儿童游乐场", 1, True),
    ("pump", "泵站", 7, True),
    ("toilet", "公厕", 1, False),
    ("lamp", "路灯", 7, False),
    ("bench", "座椅", 14, False),
    ("sign", "标识牌", 30, False),
    ("fence", "护栏", 14, True),
    ("pavilion", "亭廊", 30, False),
)


def ensure_standard_types() -> int:
    """Add the standard facility types that are missing; returns how many were added."""
    existing = set(db.session.scalars(select(FacilityType.code)))
    added = [
        FacilityType(code=c, name=n, interval_days=i, safety_critical=s)
        for c, n, i, s in STANDARD_TYPES
        if c not in existing
    ]
    db.session.add_all(added)
    db.session.commit()
    return len(added)


def save_type(
    ftype: FacilityType | None,
    code: str,
    name: str,
    interval_days: int,
    safety_critical: bool,
    actor: User,
) -> FacilityType:
    code = code.strip().lower()
    clash = db.session.scalar(select(FacilityType).where(FacilityType.code == code))
    if clash is not None and clash is not ftype:
        raise FacilityError(_("A facility type with this code exists already."))
    created = ftype is None
    if created:
        ftype = FacilityType()
        db.session.add(ftype)
    ftype.code, ftype.name = code, name.strip()
    ftype.interval_days, ftype.safety_critical = interval_days, safety_critical
    db.session.flush()
    audit.record(
        "facilities.type_created" if created else "facilities.type_changed",
        "facility_type",
        ftype.id,
        {"code": code, "interval_days": interval_days, "safety_critical": safety_critical},
        actor=actor,
    )
    db.session.commit()
    return ftype


def squad_leads() -> dict[int, SquadLead]:
    return {s.site_id: s for s in db.session.scalars(select(SquadLead))}


def set_squad_lead(site: Site, user: User | None, actor: User) -> None:
    current = db.session.get(SquadLead, site.id)
    if user is None:
        if current is not None:
            db.session.delete(current)
    else:
        if user.id not in {u.id for u in crew_of_site(site.id)}:
            raise FacilityError(_("The squad lead must be a member of the site's repair squad."))
        if current is None:
            db.session.add(SquadLead(site_id=site.id, user_id=user.id))
        else:
            current.user_id = user.id
    audit.record(
        "facilities.squad_lead_set", "site", site.id, {"user_id": user.id if user else None}, actor
    )
    db.session.commit()


def is_squad_lead(user: User, site_id: int) -> bool:
    lead = db.session.get(SquadLead, site_id)
    return lead is not None and lead.user_id == user.id


def crew_of_site(site_id: int) -> list[User]:
    """The repair squad of a site: who may be assigned its orders, by id; two statements
    whatever the squad's size (the users, then which of them are administrators)."""
    holders = users_holding("facilities.repair", site_id)
    # The administrator holds every permission but is nobody's repair crew.
    admins = set(
        db.session.scalars(
            select(UserRole.user_id).where(
                UserRole.role == "admin", UserRole.user_id.in_([u.id for u in holders])
            )
        )
    )
    return [u for u in holders if u.id not in admins]


# --- facilities --------------------------------------------------------------------------


@dataclass
class FacilityData:
    site_id: int
    code: str
    name: str
    type_id: int
    area: str = ""
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    installed_on: date | None = None
    team: str = ""
    notes: str = ""


def _apply(facility: Facility, data: FacilityData) -> None:
    code = data.code.strip().upper()
    clash = db.session.scalar(select(Facility.id).where(Facility.code == code))
    if clash is not None and clash != facility.id:
        raise FacilityError(_("The code %(code)s is taken by another facility.", code=code))
    if db.session.get(FacilityType, data.type_id) is None:
        raise FacilityError(_("Unknown facility type."))
    if db.session.get(Site, data.site_id) is None:
        raise FacilityError(_("Unknown site."))
    facility.site_id, facility.code, facility.name = data.site_id, code, data.name.strip()
    facility.type_id, facility.area = data.type_id, data.area.strip()
    facility.location, facility.team, facility.notes = (
        data.location.strip(),
        data.team.strip(),
        data.notes.strip(),
    )
    facility.latitude, facility.longitude = data.latitude, data.longitude
    facility.installed_on = data.installed_on


def create_facility(data: FacilityData, actor: User, photo: FileStorage | None = None) -> Facility:
    facility = Facility(token=new_token(), due_on=business_day())
    _apply(facility, data)
    db.session.add(facility)
    db.session.flush()
    if photo is not None:
        facility.photo_id = attach_photos([photo], PHOTO_FACILITY, facility.id, actor.id)[0].id
    audit.record("facilities.created", "facility", facility.id, {"code": facility.code}, actor)
    db.session.commit()
    return facility


def update_facility(
    facility: Facility, data: FacilityData, actor: User, photo: FileStorage | None = None
) -> Facility:
    old_type = facility.type_id
    _apply(facility, data)
    if facility.type_id != old_type:
        _reschedule(facility)
    if photo is not None:
        facility.photo_id = attach_photos([photo], PHOTO_FACILITY, facility.id, actor.id)[0].id
    audit.record("facilities.changed", "facility", facility.id, {"code": facility.code}, actor)
    db.session.commit()
    return facility


def reissue_token(facility: Facility, actor: User) -> None:
    """A defaced or copied label: a new token, and the old QR code stops working."""
    old = facility.token
    facility.token = new_token()
    facility.token_issued_at = utcnow()
    audit.record(
        "facilities.token_reissued",
        "facility",
        facility.id,
        {"code": facility.code, "old_token_prefix": old[:4]},
        actor,
    )
    db.session.commit()


def _reschedule(facility: Facility) -> None:
    db.session.flush()
    ftype = db.session.get(FacilityType, facility.type_id)
    if facility.last_inspected_at is None:
        facility.due_on = business_day()
    else:
        facility.due_on = business_day(facility.last_inspected_at) + timedelta(
            days=ftype.interval_days
        )


# --- facility status ---------------------------------------------------------------------


def refresh_status(facility: Facility) -> None:
    """The status follows the open orders: nothing is typed by hand.

    Out of service while a hazard on a safety-critical facility awaits verification;
    under repair while someone works on it; damaged while a confirmed fault waits.
    A visitor's report counts once the crew takes it up (assigns it).
    """
    db.session.flush()
    open_orders = db.session.execute(
        select(RepairOrder.state, RepairOrder.takes_out_of_service, RepairOrder.from_visitor).where(
            RepairOrder.facility_id == facility.id, RepairOrder.state.in_(OPEN_STATES)
        )
    ).all()
    if any(o.takes_out_of_service for o in open_orders):
        facility.status = FacilityStatus.OUT_OF_SERVICE
    elif any(o.state == OrderState.IN_PROGRESS for o in open_orders):
        facility.status = FacilityStatus.UNDER_REPAIR
    elif any(
        o.state == OrderState.ASSIGNED or (o.state == OrderState.REPORTED and not o.from_visitor)
        for o in open_orders
    ):
        facility.status = FacilityStatus.DAMAGED
    else:
        facility.status = FacilityStatus.IN_SERVICE
