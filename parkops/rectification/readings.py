"""Indicator readings kept between requests: a page reads stored figures, a job refreshes them.

An indicator (any module's ``Indicator``) scans operational records: a month of
repair orders, a week of inspections. Computing every visible indicator on every
ledger, problem and home page made those pages grow with the records. Instead
each figure is stored once per (indicator, reader's site set, language) in
``indicator_readings`` with the UTC time it was computed, and:

- the pages read the stored figures (one statement) and show "as of HH:MM";
- the job ``rectification.indicator_readings`` recomputes every stored figure
  every ``REFRESH_MINUTES`` (the site sets and languages in use are the rows
  there), and drops the site sets no active user holds any more;
- a figure missing (first reader with that site set) or older than ``MAX_AGE``
  (the scheduler is not running) is computed on the request and stored.

The text is stored as the indicator wrote it in the reader's language, since an
``Indicator`` returns text, not a value; hence the language in the key.
A failing indicator is stored as failed (text None) and shown so, never raised.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, g, has_request_context
from flask_babel import force_locale, get_locale
from sqlalchemy import String, Text, UniqueConstraint, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from parkops.auth.models import User
from parkops.db import Base, utcnow
from parkops.extensions import db
from parkops.registry import Indicator, registry

JOB = "rectification.indicator_readings"
REFRESH_MINUTES = 5
# Past this age a stored figure is not shown as current: the page computes it again.
MAX_AGE = timedelta(minutes=3 * REFRESH_MINUTES)
ALL_SITES = "*"  # the ``sites`` of a reading over every site


class IndicatorReading(Base):
    """One indicator's figure over one site set, in one language."""

    __tablename__ = "indicator_readings"
    __table_args__ = (UniqueConstraint("indicator", "sites_key", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator: Mapped[str] = mapped_column(String(80))  # Indicator.name
    sites_key: Mapped[str] = mapped_column(String(40))  # sha1 hex of ``sites``
    sites: Mapped[str] = mapped_column(Text)  # "3,7,12" (sorted ids) or "*"
    locale: Mapped[str] = mapped_column(String(10))  # "zh", "en"
    text: Mapped[str | None] = mapped_column(Text)  # None: the computation failed
    ok: Mapped[bool | None]
    computed_at: Mapped[datetime]  # UTC


@dataclass(frozen=True)
class Figure:
    """An indicator's figure as of ``computed_at`` (UTC); text None: it failed (logged)."""

    text: str | None
    ok: bool | None
    computed_at: datetime


def sites_text(site_ids) -> str:
    """The stored form of a site set (None: every site)."""
    return ALL_SITES if site_ids is None else ",".join(str(i) for i in sorted(site_ids))


def _site_set(sites: str) -> frozenset[int] | None:
    return None if sites == ALL_SITES else frozenset(int(i) for i in sites.split(",") if i)


def _key(sites: str) -> str:
    return hashlib.sha1(sites.encode(), usedforsecurity=False).hexdigest()


def compute(indicator: Indicator, site_ids: frozenset[int] | None) -> Figure:
    """The indicator's figure now; a failure is logged and returned as text None."""
    try:
        text, ok = indicator.compute(site_ids)
    except Exception:  # noqa: BLE001  one module's figure must not take a page down
        current_app.logger.exception("indicator %s failed", indicator.name)
        return Figure(None, None, utcnow())
    return Figure(str(text), ok, utcnow())


def _holds_sqlite_write_lock() -> bool:
    """Whether this session has written on SQLite without committing: a second connection
    would then wait on our own lock for the whole busy timeout."""
    if db.session.get_bind().dialect.name != "sqlite":
        return False
    return db.session.connection().connection.dbapi_connection.in_transaction


def _store(indicator: str, sites: str, locale: str, figure: Figure) -> None:
    """Write one figure on a connection of its own: a page (a GET) commits nothing else.
    Skipped (the next reader computes it) while the session holds SQLite's write lock."""
    if _holds_sqlite_write_lock():
        return
    values = {"text": figure.text, "ok": figure.ok, "computed_at": figure.computed_at}
    where = (
        IndicatorReading.indicator == indicator,
        IndicatorReading.sites_key == _key(sites),
        IndicatorReading.locale == locale,
    )
    try:
        with db.engine.begin() as conn:
            if conn.execute(update(IndicatorReading).where(*where).values(values)).rowcount:
                return
            conn.execute(
                insert(IndicatorReading).values(
                    indicator=indicator, sites_key=_key(sites), sites=sites, locale=locale, **values
                )
            )
    except IntegrityError:
        pass  # another request stored it at the same moment: theirs is as fresh
    except Exception:  # noqa: BLE001  not storing only costs the next reader a computation
        current_app.logger.exception("storing the reading of %s failed", indicator)


def figures(indicators: list[Indicator], site_ids, fresh: bool = False) -> dict[str, Figure]:
    """Indicator name → its figure over ``site_ids`` (None: every site) in the current
    language: the stored one when younger than ``MAX_AGE``, else (or when ``fresh``:
    a decision taken on the figure) computed now and stored.

    One statement when every figure is stored and fresh.
    """
    if not indicators:
        return {}
    sites, locale = sites_text(site_ids), str(get_locale())
    found = _stored(sites, locale)
    fresh_after = utcnow() - MAX_AGE
    for indicator in indicators:
        figure = found.get(indicator.name)
        if fresh or figure is None or figure.computed_at < fresh_after:
            found[indicator.name] = compute(indicator, _site_set(sites))
            _store(indicator.name, sites, locale, found[indicator.name])
    return {i.name: found[i.name] for i in indicators}


def _stored(sites: str, locale: str) -> dict[str, Figure]:
    """Every stored figure of a site set and language, read once per request (a problem's
    page reads its own indicators and, for the recurrence flags, all of them)."""
    if not has_request_context():
        return _read(sites, locale)
    cache = g.setdefault("_parkops_readings", {})
    if (sites, locale) not in cache:
        cache[sites, locale] = _read(sites, locale)
    return cache[sites, locale]


def _read(sites: str, locale: str) -> dict[str, Figure]:
    rows = db.session.execute(
        select(
            IndicatorReading.indicator,
            IndicatorReading.text,
            IndicatorReading.ok,
            IndicatorReading.computed_at,
        ).where(IndicatorReading.sites_key == _key(sites), IndicatorReading.locale == locale)
    ).all()
    return {row.indicator: Figure(row.text, row.ok, row.computed_at) for row in rows}


def _sites_in_use() -> set[str]:
    """The site sets of active users (every site for all-site users)."""
    users = db.session.scalars(select(User).where(User.active.is_(True))).all()
    return {sites_text(u.site_ids) for u in users} | {ALL_SITES}


def refresh() -> dict[str, int]:
    """Recompute every stored figure of the site sets in use; drop the others and those
    of indicators no loaded module declares. Returns counts (the scheduler logs them)."""
    declared = {i.name: i for i in registry(current_app).indicators}
    in_use = _sites_in_use()
    rows = db.session.execute(
        select(IndicatorReading.indicator, IndicatorReading.sites, IndicatorReading.locale)
    ).all()
    gone = [(r.indicator, r.sites, r.locale) for r in rows if r.indicator not in declared]
    gone += [(r.indicator, r.sites, r.locale) for r in rows if r.sites not in in_use]
    for name, sites, locale in gone:
        db.session.execute(
            delete(IndicatorReading).where(
                IndicatorReading.indicator == name,
                IndicatorReading.sites_key == _key(sites),
                IndicatorReading.locale == locale,
            )
        )
    db.session.commit()
    refreshed = 0
    for name, sites, locale in {(r.indicator, r.sites, r.locale) for r in rows} - set(gone):
        with force_locale(locale):
            figure = compute(declared[name], _site_set(sites))
        _store(name, sites, locale, figure)
        refreshed += 1
    return {"refreshed": refreshed, "dropped": len(set(gone))}
