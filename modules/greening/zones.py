"""Maintenance zones and their roster (the domain; one public function, one transaction).

The roster is a list of dated entries per zone: an entry's responsible person and team
answer for the zone from its ``starts_on`` (a local date) until the next entry starts.
A change takes effect today or later, so no past day's answer is ever rewritten; a
zone is created with its first entry, and there is no way to remove the last one, so
no zone is ever left without a responsible person.
"""

from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import defaultload

from modules.greening.models import Grade, RosterEntry, Zone, ZoneKind
from parkops import audit
from parkops.auth.access import users_holding
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.forms import halfwidth
from parkops.subjects import Subject
from parkops.timeutil import business_day

WORK = "greening.work"  # the permission a responsible person holds
MANAGE = "greening.manage"


class GreeningError(Exception):
    """A refusal, its message for people."""


@dataclass
class ZoneData:
    """What a zone form or an import row carries; ``area_m2`` in whole square metres."""

    site_id: int
    code: str
    name: str
    area_m2: int
    kind: ZoneKind
    grade: Grade
    notes: str = ""


# --- who may ------------------------------------------------------------------------


def may_manage(user: User, site_id: int) -> bool:
    """Add and edit zones and change the roster at ``site_id``."""
    return user.can(MANAGE) and user.can_see_site(site_id)


def responsible_candidates(site_id: int) -> list[User]:
    """Who may answer for a zone at the site: active holders of greening.work there."""
    return users_holding(WORK, site_id)


# --- reading ------------------------------------------------------------------------


def entry_on(zone_id: int, day: date) -> RosterEntry | None:
    """The roster entry that answered for the zone on ``day`` (None: before its first)."""
    return db.session.scalar(
        select(RosterEntry)
        .where(RosterEntry.zone_id == zone_id, RosterEntry.starts_on <= day)
        .order_by(RosterEntry.starts_on.desc())
        .limit(1)
    )


def history(zone_id: int) -> list[RosterEntry]:
    """The zone's roster, latest first."""
    return list(
        db.session.scalars(
            select(RosterEntry)
            .where(RosterEntry.zone_id == zone_id)
            .order_by(RosterEntry.starts_on.desc())
        )
    )


def current_entry_id(day: date | None = None):
    """The id of the roster entry in force for ``Zone`` on ``day`` (default today), as a
    scalar subquery correlated to the zone: one index lookup per zone; NULL for a zone
    not yet rostered."""
    return (
        select(RosterEntry.id)
        .where(RosterEntry.zone_id == Zone.id, RosterEntry.starts_on <= (day or business_day()))
        .order_by(RosterEntry.starts_on.desc())
        .limit(1)
        .correlate(Zone)
        .scalar_subquery()
    )


def _zone_filters(site_ids, text: str) -> list:
    """The conditions on the zones of ``zones_query`` and ``zones_count``."""
    found = [] if site_ids is None else [Zone.site_id.in_(site_ids)]
    if text:
        # The code as stored: full-width forms typed as ASCII (``forms.halfwidth``).
        code = f"%{halfwidth(text)}%"
        found.append(or_(Zone.code.ilike(code), Zone.name.ilike(f"%{text}%")))
    return found


def zones_query(site_ids, text: str = "", mine: User | None = None, day=None):
    """The select of rows (zone, entry or None) for zones at ``site_ids`` (None: every
    site), by site and code; ``text`` matches code or name; ``mine`` keeps the zones
    that user answers for on ``day`` (default today)."""
    query = (
        select(Zone, RosterEntry)
        .outerjoin(RosterEntry, RosterEntry.id == current_entry_id(day))
        .order_by(Zone.site_id, Zone.code)
        # The responsible person's name is shown; their roles and sites are not.
        .options(
            defaultload(RosterEntry.responsible).lazyload(User.role_rows),
            defaultload(RosterEntry.responsible).lazyload(User.sites),
        )
    )
    query = query.where(*_zone_filters(site_ids, text))
    if mine is not None:
        query = query.where(RosterEntry.responsible_id == mine.id)
    return query


def zone_rows_query(site_ids, text: str = "", mine: User | None = None, day=None):
    """``zones_query`` (the same arguments and order) as rows of the columns the zone
    list shows: ``id, code, name, area_m2, kind, grade, site_name, entry_id`` (None: not
    rostered), ``responsible_name, team``. Zone and entry objects cost a list of 50
    zones some 5 objects a row, each zone's outline decoded from JSON though never shown."""
    entry = current_entry_id(day)
    query = (
        select(
            Zone.id,
            Zone.code,
            Zone.name,
            Zone.area_m2,
            Zone.kind,
            Zone.grade,
            Site.name.label("site_name"),
            RosterEntry.id.label("entry_id"),
            User.display_name.label("responsible_name"),
            RosterEntry.team,
        )
        .join(Site, Site.id == Zone.site_id)
        .outerjoin(RosterEntry, RosterEntry.id == entry)
        .outerjoin(User, User.id == RosterEntry.responsible_id)
        .where(*_zone_filters(site_ids, text))
        .order_by(Zone.site_id, Zone.code)
    )
    if mine is not None:
        query = query.where(RosterEntry.responsible_id == mine.id)
    return query


def zones_count(site_ids, text: str = "", mine: User | None = None, day=None):
    """The select of how many rows ``zones_query`` (the same arguments) has: the zones
    alone, without looking up each one's roster entry unless ``mine`` needs it."""
    query = select(func.count(Zone.id)).where(*_zone_filters(site_ids, text))
    if mine is not None:
        responsible = select(RosterEntry.responsible_id).where(
            RosterEntry.id == current_entry_id(day)
        )
        query = query.where(responsible.scalar_subquery() == mine.id)
    return query


def zones_with_responsible(site_ids, text: str = "", mine: User | None = None, day=None):
    """[(zone, entry or None)] of ``zones_query`` (the same arguments): every row, for
    the exports and the plan. Two queries whatever the number of zones."""
    found = db.session.execute(zones_query(site_ids, text, mine, day))
    return [(zone, entry) for zone, entry in found]


def share_rostered(site_ids, day: date | None = None) -> tuple[int, int]:
    """(zones whose responsible person on ``day`` is an active account, all zones) at
    ``site_ids`` (None: every site)."""
    answered = and_(RosterEntry.id.is_not(None), User.active)
    query = (
        select(func.count(Zone.id), func.count(Zone.id).filter(answered))
        .outerjoin(RosterEntry, RosterEntry.id == current_entry_id(day))
        .outerjoin(User, User.id == RosterEntry.responsible_id)
    )
    if site_ids is not None:
        query = query.where(Zone.site_id.in_(site_ids))
    total, rostered = db.session.execute(query).one()
    return rostered, total


# --- subjects: patrols and others point at zones -------------------------------------


def _subject(zone: Zone) -> Subject:
    url = url_for("greening.zone", zone_id=zone.id)
    return Subject("greening.zone", zone.id, zone.label, url, zone.site_id)


def get_subject(zone_id: int) -> Subject | None:
    zone = db.session.get(Zone, zone_id)
    return _subject(zone) if zone else None


def search_subjects(text: str, user: User, limit: int) -> list[Subject]:
    """Zones whose code or name contains ``text``, at ``user``'s sites, at most ``limit``."""
    query = select(Zone).order_by(Zone.code).limit(limit)
    if text.strip():
        code, pattern = f"%{halfwidth(text.strip())}%", f"%{text.strip()}%"
        query = query.where(or_(Zone.code.ilike(code), Zone.name.ilike(pattern)))
    if user.site_ids is not None:
        query = query.where(Zone.site_id.in_(user.site_ids))
    return [_subject(z) for z in db.session.scalars(query)]


# --- changing -----------------------------------------------------------------------


def _check_data(data: ZoneData, zone: Zone | None) -> None:
    if not data.code.strip() or not data.name.strip():
        raise GreeningError(_("A zone needs a code and a name."))
    if data.area_m2 is None or data.area_m2 <= 0:
        raise GreeningError(_("The area must be a positive number of square metres."))
    clash = db.session.scalar(
        select(Zone.id).where(Zone.site_id == data.site_id, Zone.code == data.code.strip())
    )
    if clash is not None and (zone is None or clash != zone.id):
        raise GreeningError(_("Zone code %(code)s is already used at this site.", code=data.code))


def _check_responsible(site_id: int, responsible: User | None) -> None:
    if responsible is None:
        raise GreeningError(_("A zone may not be left without a responsible person: choose one."))
    if responsible.id not in {u.id for u in responsible_candidates(site_id)}:
        raise GreeningError(
            _(
                "%(name)s cannot answer for a zone here: only active greening staff "
                "of the zone's site can.",
                name=responsible.display_name,
            )
        )


def create_zone(data: ZoneData, responsible: User | None, team: str, actor: User) -> Zone:
    """Add a zone with its first roster entry (from today). GreeningError, nothing
    stored, when the actor may not, a field is wrong or the responsible person is
    missing or not greening staff at the site."""
    try:
        if not may_manage(actor, data.site_id):
            raise GreeningError(_("You may not add zones at this site."))
        _check_data(data, None)
        _check_responsible(data.site_id, responsible)
        zone = Zone(
            site_id=data.site_id,
            code=data.code.strip(),
            name=data.name.strip(),
            area_m2=data.area_m2,
            kind=data.kind,
            grade=data.grade,
            notes=data.notes.strip(),
        )
        db.session.add(zone)
        db.session.flush()
        _add_entry(zone, responsible, team, business_day(), actor)
        audit.record("greening.zone_created", "zone", zone.id, {"code": zone.code}, actor=actor)
    except GreeningError:
        db.session.rollback()
        raise
    db.session.commit()
    return zone


def update_zone(zone: Zone, data: ZoneData, actor: User) -> None:
    """Change a zone's details (not its site, not its roster). GreeningError as above."""
    try:
        if not may_manage(actor, zone.site_id):
            raise GreeningError(_("You may not change zones at this site."))
        data.site_id = zone.site_id
        _check_data(data, zone)
        zone.code, zone.name = data.code.strip(), data.name.strip()
        zone.area_m2, zone.kind, zone.grade = data.area_m2, data.kind, data.grade
        zone.notes = data.notes.strip()
        audit.record("greening.zone_changed", "zone", zone.id, {"code": zone.code}, actor=actor)
    except GreeningError:
        db.session.rollback()
        raise
    db.session.commit()


def _add_entry(zone: Zone, responsible: User, team: str, starts_on: date, actor: User):
    db.session.add(
        RosterEntry(
            zone_id=zone.id,
            starts_on=starts_on,
            responsible_id=responsible.id,
            team=team.strip(),
            recorded_by_id=actor.id,
        )
    )
    audit.record(
        "greening.roster_changed",
        "zone",
        zone.id,
        {"responsible_id": responsible.id, "team": team.strip(), "starts_on": starts_on},
        actor=actor,
    )


def assign(zone: Zone, responsible: User | None, team: str, starts_on: date, actor: User):
    """From ``starts_on`` (a local date, today or later) ``responsible`` and ``team``
    answer for the zone. An entry already starting that day (not yet past) is
    replaced; earlier days keep theirs. GreeningError, nothing stored, for a day
    in the past, a missing or ineligible person, or an actor who may not."""
    try:
        if not may_manage(actor, zone.site_id):
            raise GreeningError(_("You may not change the roster at this site."))
        if starts_on < business_day():
            raise GreeningError(
                _("A roster change starts today or later: the past is not rewritten.")
            )
        _check_responsible(zone.site_id, responsible)
        same_day = db.session.scalar(
            select(RosterEntry).where(
                RosterEntry.zone_id == zone.id, RosterEntry.starts_on == starts_on
            )
        )
        if same_day is not None:
            db.session.delete(same_day)
            db.session.flush()
        _add_entry(zone, responsible, team, starts_on, actor)
    except GreeningError:
        db.session.rollback()
        raise
    db.session.commit()
