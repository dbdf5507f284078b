"""Recurrence (反弹): completed problems whose live indicators turned against them.

An indicator (any module's ``Indicator``) whose ok flag is False contradicts
"rectified". A completed problem with such an indicator is at risk of recurring;
the office decides to reopen it or records why not (``RecurrenceReview``), and
the flag then shows that decision.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from parkops import audit, deciding
from parkops.auth.models import User
from parkops.extensions import db
from parkops.rectification import readings
from parkops.rectification.models import Problem, RecurrenceReview, Status
from parkops.registry import Indicator, registry


@dataclass
class Risk:
    """One indicator that turned against a completed problem, and the office's latest
    decision to keep the problem completed despite it (None: still to decide)."""

    indicator: str  # Indicator.name
    label: str
    text: str
    kept: RecurrenceReview | None = None


def _visible(indicator: Indicator, reader: User | None) -> bool:
    """All indicators for a snapshot (reader None); else those the reader may see: as on a
    problem's page, an all-site reader holding the indicator's permission."""
    return reader is None or (reader.site_ids is None and reader.can(indicator.permission))


def turned(reader: User | None = None, figures: dict | None = None) -> dict[str, list[Risk]]:
    """Problem code → the indicators now contradicting it, from the stored readings over
    every site (``readings.figures``; or ``figures``, as the caller already read them)."""
    shown = [i for i in registry(current_app).indicators if _visible(i, reader)]
    if figures is None:
        figures = readings.figures(shown, None)  # the whole installation
    found: dict[str, list[Risk]] = {}
    for indicator in shown:
        figure = figures.get(indicator.name)
        if figure is not None and figure.text is not None and figure.ok is False:
            for code in indicator.problems:
                found.setdefault(code, []).append(
                    Risk(indicator.name, str(indicator.label), figure.text)
                )
    return found


def at_risk(reader: User | None = None, figures: dict | None = None) -> dict[int, list[Risk]]:
    """Completed problems at risk of recurring, by problem id, with the office's decisions;
    ``figures`` as for ``turned``.

    A fixed number of queries whatever the ledger's size.
    """
    by_code = turned(reader, figures)
    if not by_code:
        return {}
    problems = db.session.execute(
        select(Problem.id, Problem.code).where(
            Problem.status == Status.COMPLETED, Problem.code.in_(list(by_code))
        )
    ).all()
    if not problems:
        return {}
    reviews = db.session.scalars(
        select(RecurrenceReview)
        .where(RecurrenceReview.problem_id.in_([p.id for p in problems]))
        .order_by(RecurrenceReview.decided_at, RecurrenceReview.id)
    ).all()
    latest = {(r.problem_id, r.indicator): r for r in reviews}  # the newest wins
    result = {}
    for problem_id, code in problems:
        risks = [Risk(r.indicator, r.label, r.text) for r in by_code[code]]
        for risk in risks:
            review = latest.get((problem_id, risk.indicator))
            risk.kept = review if review is not None and not review.reopened else None
        result[problem_id] = risks
    return result


def undecided(reader: User | None = None) -> int:
    """How many problems at risk still wait for the office's decision (home page)."""
    return sum(any(r.kept is None for r in risks) for risks in at_risk(reader).values())


def newest_review(problem_id: int) -> RecurrenceReview | None:
    """The problem's latest recurrence decision (any indicator), or None."""
    return db.session.scalar(
        select(RecurrenceReview)
        .where(RecurrenceReview.problem_id == problem_id)
        .order_by(RecurrenceReview.decided_at.desc(), RecurrenceReview.id.desc())
        .limit(1)
    )


def decide(
    problem: Problem,
    indicator: str,
    reopen: bool,
    reason: str,
    user: User,
    shown_review: int | None = None,
) -> None:
    """Reopen ``problem`` (back to in progress) or keep it completed, for ``reason``.

    ``shown_review``: the id of the problem's newest decision the deciding page showed
    (0: none). The problem is locked first (``parkops.deciding``); a decision recorded
    since the page was made raises ``AlreadyDecided`` naming who and when, so two office
    users deciding at once never both apply (a "keep" on a problem just reopened).
    ValueError when the problem is not (any longer) at risk through ``indicator``,
    or the reason is empty. Audited; commits.
    """
    deciding.take(problem)
    newest = newest_review(problem.id)
    if shown_review is not None and newest is not None and newest.id != shown_review:
        raise deciding.AlreadyDecided(
            _(
                "A decision on this problem was recorded meanwhile, by %(name)s at %(time)s.",
                **deciding.who_when(newest.decided_by_id, newest.decided_at),
            )
        )
    # Decided on the figures as they are now, not as last stored.
    now = readings.figures(list(registry(current_app).indicators), None, fresh=True)
    risks = {r.indicator: r for r in at_risk(None, now).get(problem.id, [])}
    if indicator not in risks:
        raise ValueError("not at risk through this indicator")
    if not reason.strip():
        raise ValueError("a reason is required")
    review = RecurrenceReview(
        problem_id=problem.id,
        indicator=indicator,
        reading=risks[indicator].text[:300],
        reopened=reopen,
        reason=reason.strip(),
        decided_by_id=user.id,
    )
    db.session.add(review)
    if reopen:
        problem.status = Status.IN_PROGRESS
        problem.completed_on = None
    db.session.flush()
    audit.record(
        "ledger.recurrence_reopened" if reopen else "ledger.recurrence_kept",
        "problem",
        problem.id,
        {"indicator": indicator, "reading": review.reading, "reason": review.reason},
        actor=user,
    )
    db.session.commit()
