"""Greening records as evidence in the rectification ledger (``link_evidence``):

- ``greening.task``: a maintenance task done (with its photo), for problems 5, 6
  and 15 (weeds, pruning and dead corners, seasonal flowers); linked when it is done;
- ``greening.round``: an assessment round closed, for problem 4 (zones scored by the
  regulation); linked when it closes.

Readers need ``greening.view``; each link carries the record's site.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from modules.greening.models import Round, Task
from parkops.rectification.services import link_evidence
from parkops.registry import EvidenceKind

TASK = "greening.task"
ROUND = "greening.round"

KINDS = (
    EvidenceKind(
        TASK,
        _l("Maintenance task done"),
        "greening.task_evidence",
        ("5", "6", "15"),
        permission="greening.view",
    ),
    EvidenceKind(
        ROUND,
        _l("Assessment round closed"),
        "greening.round_evidence",
        ("4",),
        permission="greening.view",
    ),
)


def task_done(task: Task, created_at=None) -> None:
    """Link a done task (in the caller's transaction)."""
    summary = f"{task.zone.code} {task.zone.name} · {task.title} · {task.due_on:%Y-%m-%d}"
    link_evidence(TASK, task.id, summary, site_id=task.zone.site_id, created_at=created_at)


def round_closed(round_: Round, scored: int, mean: float | None, created_at=None) -> None:
    """Link a closed round (in the caller's transaction): its month, zones scored, mean."""
    mean_text = "—" if mean is None else f"{mean:.1f}"
    summary = _(
        "%(site)s, round %(month)s: %(n)d zones scored, mean %(mean)s",
        site=round_.site.name,
        month=round_.label,
        n=scored,
        mean=mean_text,
    )
    link_evidence(ROUND, round_.id, summary, site_id=round_.site_id, created_at=created_at)
