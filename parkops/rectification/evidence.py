"""What the park's operational records say about a problem: evidence links and indicators."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from parkops.extensions import db
from parkops.paging import paginate_objects
from parkops.rectification import readings as stored
from parkops.rectification.models import EvidenceLink
from parkops.registry import EvidenceKind, Indicator, registry

PER_KIND = 10  # the problem page shows the newest few of each kind; a page lists them all
PER_PAGE = 50


@dataclass
class EvidenceGroup:
    kind: str
    label: str
    count: int
    links: list[EvidenceLink]


@dataclass
class Reading:
    """An indicator's figure as of ``computed_at`` (UTC); ok True supports "rectified",
    False contradicts it."""

    label: str
    text: str
    ok: bool | None
    computed_at: datetime

    @classmethod
    def of(cls, indicator: Indicator, figure: stored.Figure) -> "Reading":
        text = figure.text
        if text is None:
            text = _("Could not be computed; the error is in the log.")
        return cls(str(indicator.label), text, figure.ok, figure.computed_at)


def kind_label(kind: str) -> str:
    declared = registry(current_app).evidence_kinds.get(kind)
    return str(declared.label) if declared else kind


def record_url(kind: str, record_id: int) -> str | None:
    """Where one evidence record is shown; None when its module is no longer loaded."""
    declared: EvidenceKind | None = registry(current_app).evidence_kinds.get(kind)
    if declared is None:
        return None
    try:
        return url_for(declared.endpoint, id=record_id)
    except BuildError:
        current_app.logger.warning(
            "evidence kind %s: endpoint %s needs `id`", kind, declared.endpoint
        )
        return None


def visible_kinds() -> list[str]:
    """The declared evidence kinds whose permission the current reader holds, in order.

    A kind no loaded module declares any more has no permission to check: nobody sees it.
    """
    kinds = registry(current_app).evidence_kinds.values()
    return [k.name for k in kinds if current_user.can(k.permission)]


def _visible(problem_id: int):
    """WHERE clauses: this problem's links of kinds the reader may see, at the reader's sites."""
    clauses = [EvidenceLink.problem_id == problem_id, EvidenceLink.kind.in_(visible_kinds())]
    site_ids = current_user.site_ids
    if site_ids is not None:  # a link with no site shows only to all-site readers
        clauses.append(EvidenceLink.site_id.in_(site_ids))
    return clauses


def evidence_groups(problem_id: int) -> list[EvidenceGroup]:
    """The problem's evidence the reader may see, by kind (in declared order), newest first."""
    visible = _visible(problem_id)
    counts = dict(
        db.session.execute(
            select(EvidenceLink.kind, func.count()).where(*visible).group_by(EvidenceLink.kind)
        ).all()
    )
    if not counts:
        return []
    rank = (
        func.row_number()
        .over(
            partition_by=EvidenceLink.kind,
            order_by=(EvidenceLink.created_at.desc(), EvidenceLink.id.desc()),
        )
        .label("rank")
    )
    newest = select(EvidenceLink.id, rank).where(*visible).subquery()
    links = db.session.scalars(
        select(EvidenceLink)
        .join(newest, newest.c.id == EvidenceLink.id)
        .where(newest.c.rank <= PER_KIND)
        .order_by(EvidenceLink.created_at.desc(), EvidenceLink.id.desc())
    ).all()
    by_kind: dict[str, list[EvidenceLink]] = {kind: [] for kind in counts}
    for link in links:
        by_kind[link.kind].append(link)
    declared = list(registry(current_app).evidence_kinds)
    order = sorted(counts, key=declared.index)
    return [EvidenceGroup(k, kind_label(k), counts[k], by_kind[k]) for k in order]


def evidence_page(problem_id: int, kind: str, page: int):
    """One kind's links the reader may see, newest first; empty for a kind they may not."""
    return paginate_objects(
        select(EvidenceLink)
        .where(*_visible(problem_id), EvidenceLink.kind == kind)
        .order_by(EvidenceLink.created_at.desc(), EvidenceLink.id.desc()),
        PER_PAGE,
        page,
    )


def readings(problem_code: str) -> list[Reading]:
    """The problem's indicators the reader may see, over the reader's sites, as stored
    (``parkops.rectification.readings``: at most ``MAX_AGE`` old, with its time).

    A reader without the indicator's permission is not shown it at all (not a zero).
    """
    shown = [
        i
        for i in registry(current_app).indicators
        if problem_code in i.problems and current_user.can(i.permission)
    ]
    found = stored.figures(shown, current_user.site_ids)
    return [Reading.of(i, found[i.name]) for i in shown]
