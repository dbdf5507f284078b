"""Subjects: things a record elsewhere can point at (a facility, a greening zone, a
merchant, a checkpoint), stored by whoever points at them as (kind, id).

A module offers a kind in its spec (``subjects=(SubjectKind(...),)``); anyone
resolves a stored pair with ``resolve(kind, id, user)`` and fills a picker with
``search(kind, text, user)``, without importing the module that owns the kind.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import LazyString


@dataclass(frozen=True)
class Subject:
    """One thing, as a pointer shows it: ``label`` for people, ``url`` of its page,
    ``site_id`` of the site it belongs to (None: no site)."""

    kind: str
    id: int
    label: str
    url: str
    site_id: int | None


@dataclass(frozen=True)
class SubjectKind:
    """``get(id)`` returns the Subject or None when there is no such record;
    ``search(text, user, limit)`` returns up to ``limit`` Subjects whose label
    matches ``text``, only at sites ``user`` may see."""

    name: str  # "facilities.facility"
    label: str | LazyString
    get: Callable[[int], Subject | None]
    search: Callable[[str, object, int], list[Subject]]


def _kind(kind: str) -> SubjectKind | None:
    return current_app.extensions["parkops"].subjects.get(kind)


def resolve(kind: str, subject_id: int, user=None) -> Subject | None:
    """The subject a stored (kind, id) names; None when the kind's module is not loaded,
    the record is gone, or ``user`` (when given) may not see its site."""
    found = _kind(kind)
    subject = found.get(subject_id) if found else None
    if subject is None or (user is not None and not _visible(subject, user)):
        return None
    return subject


def search(kind: str, text: str, user, limit: int = 20) -> list[Subject]:
    """Subjects of ``kind`` matching ``text`` that ``user`` may see; [] for an unknown kind."""
    found = _kind(kind)
    if found is None:
        return []
    return [s for s in found.search(text, user, limit) if _visible(s, user)][:limit]


def _visible(subject: Subject, user) -> bool:
    # A subject of no site (an installation-wide one) is everyone's to see.
    return subject.site_id is None or user.can_see_site(subject.site_id)
