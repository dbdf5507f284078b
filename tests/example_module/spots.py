"""The example module's domain: spots (a subject kind), their states (an enum with
labels), who may record a finding (an authorization predicate), and the service that
records one (the idioms of README "Conventions": idempotency key handed to the
service, the service rolls back its own refusal, a signal sent in its transaction).

Spots are a fixed list, so that the example needs no table: ``SPOTS[id] = (label,
site code, state)``.
"""

import enum

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from parkops import audit, idempotency, labels, module_settings, signals
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.subjects import Subject


class SpotState(enum.StrEnum):
    OK = "ok"
    WORN = "worn"


labels.register(SpotState, {SpotState.OK: _l("In good order"), SpotState.WORN: _l("Worn")})

SPOTS = {
    1: ("East gate bench", "PSY", SpotState.OK),
    2: ("West lawn lamp", "PSY", SpotState.WORN),
    3: ("North pond rail", "ZY", SpotState.OK),
}
SEVERITIES = ("low", "normal", "high", "urgent")


class ExampleError(Exception):
    """A refusal, its message for people."""


def _site_id(code: str) -> int | None:
    return db.session.scalar(select(Site.id).where(Site.code == code))


def get_spot(spot_id: int) -> Subject | None:
    if spot_id not in SPOTS:
        return None
    label, site, _state = SPOTS[spot_id]
    site_id = _site_id(site)
    if site_id is None:
        return None
    url = url_for("example.spot", spot_id=spot_id)
    return Subject("example.spot", spot_id, label, url, site_id)


def search_spots(text: str, user: User, limit: int) -> list[Subject]:
    """Spots whose label contains ``text``, at ``user``'s sites, at most ``limit``."""
    found = [get_spot(i) for i, (label, *_rest) in SPOTS.items() if text.lower() in label.lower()]
    return [s for s in found if s is not None and user.can_see_site(s.site_id)][:limit]


def may_record_finding(user: User, spot: Subject) -> bool:
    """The one rule, used by the view (refuses) and the template (hides the form)."""
    return user.can("example.edit") and user.can_see_site(spot.site_id)


def record_finding(
    spot: Subject, summary: str, severity: str, user: User, retry_key: str | None = None
) -> str:
    """Record a finding about ``spot``; returns the page it leads to.

    ExampleError (nothing stored, the key left free) when the user may not, the
    summary is empty or longer than the ``example.summary_max`` setting.
    """
    try:
        if not may_record_finding(user, spot):
            raise ExampleError(_("You may not record findings here."))
        if not summary.strip() or len(summary) > module_settings.get("example.summary_max"):
            raise ExampleError(_("Describe the finding in a few words."))
        audit.record("example.finding", "spot", spot.id, {"summary": summary}, actor=user)
        signals.send(
            signals.finding_recorded,
            sender="example",
            subject_kind=spot.kind,
            subject_id=spot.id,
            summary=summary,
            severity=severity,
            user=user,
        )
    except ExampleError:
        db.session.rollback()
        raise
    idempotency.remember(retry_key, spot.url, user.id)
    db.session.commit()
    return spot.url
