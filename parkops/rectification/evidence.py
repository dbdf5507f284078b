"""What the park's operational records say about a problem: evidence links and indicators."""

from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from parkops.extensions import db
from parkops.rectification.models import EvidenceLink
from parkops.registry import EvidenceKind, registry

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
    """An indicator's live figure; ok True supports "rectified", False contradicts it."""

    label: str
    text: str
    ok: bool | None


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


def evidence_groups(problem_id: int) -> list[EvidenceGroup]:
    """The problem's evidence by kind (in the order modules declare them), newest first."""
    counts = dict(
        db.session.execute(
            select(EvidenceLink.kind, func.count())
            .where(EvidenceLink.problem_id == problem_id)
            .group_by(EvidenceLink.kind)
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
    newest = select(EvidenceLink.id, rank).where(EvidenceLink.problem_id == problem_id).subquery()
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
    order = sorted(counts, key=lambda k: (declared.index(k) if k in declared else len(declared), k))
    return [EvidenceGroup(k, kind_label(k), counts[k], by_kind[k]) for k in order]


def evidence_page(problem_id: int, kind: str, page: int):
    return db.paginate(
        select(EvidenceLink)
        .where(EvidenceLink.problem_id == problem_id, EvidenceLink.kind == kind)
        .order_by(EvidenceLink.created_at.desc(), EvidenceLink.id.desc()),
        page=page,
        per_page=PER_PAGE,
        error_out=False,
    )


def readings(problem_code: str) -> list[Reading]:
    """Every declared indicator for this problem, computed now."""
    result = []
    for indicator in registry(current_app).indicators:
        if problem_code not in indicator.problems:
            continue
        try:
            text, ok = indicator.compute()
        except Exception:
            # One module's failing figure must not take the ledger page down with it.
            current_app.logger.exception("indicator %s failed", indicator.name)
            text, ok = _("Could not be computed; the error is in the log."), None
        result.append(Reading(str(indicator.label), text, ok))
    return result
