"""Facilities as a subject kind (``facilities.facility``, parkops/subjects.py): other
modules point at a facility (a patrol finding) without importing this module."""

from flask import url_for
from sqlalchemy import or_, select

from modules.facilities.models import Facility
from parkops.auth.models import User
from parkops.extensions import db
from parkops.subjects import Subject

SUBJECT_KIND = "facilities.facility"


def _subject(facility: Facility) -> Subject:
    url = url_for("facilities.facility", facility_id=facility.id)
    return Subject(
        SUBJECT_KIND, facility.id, f"{facility.code} {facility.name}", url, facility.site_id
    )


def get_facility(facility_id: int) -> Subject | None:
    """The facility with this id as a subject, or None."""
    found = db.session.get(Facility, facility_id)
    return _subject(found) if found else None


def search_facilities(text: str, user: User, limit: int) -> list[Subject]:
    """Facilities whose code or name contains ``text`` (any case), at ``user``'s sites,
    by code; at most ``limit``."""
    text = text.strip()
    query = (
        select(Facility)
        .where(
            or_(
                Facility.code.icontains(text, autoescape=True),
                Facility.name.icontains(text, autoescape=True),
            )
        )
        .order_by(Facility.code)
        .limit(limit)
    )
    if user.site_ids is not None:
        query = query.where(Facility.site_id.in_(user.site_ids))
    return [_subject(f) for f in db.session.scalars(query)]
