"""Changes to the ledger: each public function is one transaction and leaves an audit entry.

The views validate input with the forms; these functions apply it, record who
changed what from which value to which, and commit.
"""

from dataclasses import asdict, dataclass
from datetime import date

from flask import current_app
from sqlalchemy import delete, select
from werkzeug.datastructures import FileStorage

from parkops import audit, idempotency, limits
from parkops.attachments import store_document
from parkops.auth.models import User
from parkops.extensions import db
from parkops.rectification.models import (
    EvidenceMapping,
    Measure,
    Problem,
    ProgressReport,
    Regulation,
    Source,
    Status,
)
from parkops.rectification.services import SELF_FOUND_OFFSET
from parkops.registry import registry

REGULATION_OWNER = "rectification.regulation"  # Attachment.owner_kind of regulation files


@dataclass
class Owners:
    """Who answers for a problem, by when, and how far it is."""

    leader_id: int | None
    department_id: int | None
    person_id: int | None
    deadline: date | None
    status: Status


def _apply(obj, values: dict) -> dict:
    """Set ``values`` on ``obj``; return {field: [old, new]} for those that changed."""
    changes = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes[name] = [old, new]
            setattr(obj, name, new)
    return changes


class OpenMeasures(ValueError):
    """A problem cannot be marked completed while measures of it are still open.

    The notice counts a problem rectified when its measures are done; a measure
    kept up for good (长期坚持, ``Status.LONG_TERM``) counts as done, as the notice
    lists such measures under rectified problems.
    """

    def __init__(self, measures: list[Measure]):
        super().__init__(f"{len(measures)} measure(s) still open")
        self.measures = measures


def open_measures(problem: Problem) -> list[Measure]:
    """The problem's measures that are neither completed nor long-term, in ledger order."""
    return [m for m in problem.measures if m.status not in (Status.COMPLETED, Status.LONG_TERM)]


def _apply_owners(problem: Problem, owners: Owners, today: date) -> dict:
    """Set the owners; raises OpenMeasures when it would newly complete a problem with
    open measures (a problem already completed stays saveable: it was checked then)."""
    values = asdict(owners)
    if owners.status == Status.COMPLETED and problem.status != Status.COMPLETED:
        still_open = open_measures(problem)
        if still_open:
            raise OpenMeasures(still_open)
    if owners.status == Status.COMPLETED:
        # Saving a completed problem again keeps the day it was completed.
        values["completed_on"] = problem.completed_on or today
    else:
        values["completed_on"] = None  # reopened: it is no longer completed
    return _apply(problem, values)


def update_problem(problem: Problem, owners: Owners, today: date) -> dict:
    changes = _apply_owners(problem, owners, today)
    if changes:
        audit.record(
            "ledger.problem_updated", "problem", problem.id, {"code": problem.code, **changes}
        )
    db.session.commit()
    return changes


def next_self_found_code() -> tuple[str, int]:
    """The next free code and sort key; the caller holds the numbering lock (see below)."""
    codes = db.session.scalars(select(Problem.code).where(Problem.source == Source.SELF))
    numbers = [int(c[1:]) for c in codes if c[1:].isdigit()]
    n = max(numbers, default=0) + 1
    return f"S{n}", SELF_FOUND_OFFSET + n


def add_self_found(
    category_number: int, title: str, notice_text: str, owners: Owners, today: date
) -> Problem:
    """举一反三: a problem the administration found itself, numbered S1, S2, …

    Numbers are handed out one transaction at a time: two problems added at the
    same moment would otherwise both read the same highest code.
    """
    db.session.commit()  # the lock must be the first write of its transaction (SQLite)
    limits.serialize("ledger.self_found_code")
    code, sort_key = next_self_found_code()
    problem = Problem(
        code=code,
        sort_key=sort_key,
        source=Source.SELF,
        category_number=category_number,
        title=title,
        notice_text=notice_text,
    )
    _apply_owners(problem, owners, today)
    db.session.add(problem)
    db.session.flush()
    audit.record(
        "ledger.self_found_added",
        "problem",
        problem.id,
        {"code": code, "category": category_number, "title": title, **asdict(owners)},
    )
    db.session.commit()
    return problem


def update_self_found(
    problem: Problem,
    category_number: int,
    title: str,
    notice_text: str,
    owners: Owners,
    today: date,
) -> dict:
    """A self-found problem's own words can be corrected; the notice's 39 cannot."""
    if problem.source != Source.SELF:
        raise ValueError(f"problem {problem.code} is the notice's; its text is fixed")
    changes = _apply(
        problem,
        {"category_number": category_number, "title": title, "notice_text": notice_text},
    )
    changes.update(_apply_owners(problem, owners, today))
    if changes:
        audit.record(
            "ledger.problem_updated", "problem", problem.id, {"code": problem.code, **changes}
        )
    db.session.commit()
    return changes


def add_measure(
    problem: Problem, text: str, owner_id: int | None, deadline: date | None, status: Status
) -> Measure:
    measure = Measure(text=text, owner_id=owner_id, deadline=deadline, status=status)
    problem.measures.append(measure)
    db.session.flush()
    audit.record(
        "ledger.measure_added",
        "measure",
        measure.id,
        {
            "problem": problem.code,
            "text": text,
            "owner_id": owner_id,
            "deadline": deadline,
            "status": status,
        },
    )
    db.session.commit()
    return measure


def update_measure(
    measure: Measure, text: str, owner_id: int | None, deadline: date | None, status: Status
) -> dict:
    changes = _apply(
        measure, {"text": text, "owner_id": owner_id, "deadline": deadline, "status": status}
    )
    if changes:
        audit.record(
            "ledger.measure_updated",
            "measure",
            measure.id,
            {"problem": measure.problem.code, **changes},
        )
    db.session.commit()
    return changes


def _attach(regulation: Regulation, upload: FileStorage | None, uploader_id: int) -> dict:
    if upload is None or not upload.filename:
        return {}
    old = regulation.attachment
    attachment = store_document(upload, REGULATION_OWNER, regulation.id, uploader_id)
    db.session.flush()
    regulation.attachment = attachment
    return {"file": [old.filename if old else None, attachment.filename]}


def add_regulation(
    problem: Problem,
    title: str,
    revised: bool,
    adopted_on: date,
    upload: FileStorage | None,
    uploader_id: int,
) -> Regulation:
    """Adds a regulation with its file; a refused file (AttachmentError) adds nothing."""
    regulation = Regulation(title=title, revised=revised, adopted_on=adopted_on)
    problem.regulations.append(regulation)
    try:
        db.session.flush()
        file_change = _attach(regulation, upload, uploader_id)
    except Exception:
        db.session.rollback()
        raise
    audit.record(
        "ledger.regulation_added",
        "regulation",
        regulation.id,
        {
            "problem": problem.code,
            "title": title,
            "revised": revised,
            "adopted_on": adopted_on,
            "file": file_change.get("file", [None, None])[1],
        },
    )
    db.session.commit()
    return regulation


def update_regulation(
    regulation: Regulation,
    title: str,
    revised: bool,
    adopted_on: date,
    upload: FileStorage | None,
    uploader_id: int,
) -> dict:
    """Changes a regulation; a refused file (AttachmentError) changes nothing."""
    try:
        changes = _apply(regulation, {"title": title, "revised": revised, "adopted_on": adopted_on})
        changes.update(_attach(regulation, upload, uploader_id))
    except Exception:
        db.session.rollback()
        raise
    if changes:
        audit.record(
            "ledger.regulation_updated",
            "regulation",
            regulation.id,
            {"problem": regulation.problem.code, **changes},
        )
    db.session.commit()
    return changes


def can_report(user: User, problem: Problem) -> bool:
    """The office and leaders report on any problem; owners report on their own."""
    if user.can("ledger.report"):
        return True
    owners = {problem.person_id, problem.leader_id, *(m.owner_id for m in problem.measures)}
    return user.id in owners


def add_report(
    problem: Problem,
    reported_on: date,
    text: str,
    author: User,
    idempotency_key: str | None,
    result_url: str,
) -> ProgressReport:
    """A dated progress report; once written it is never changed or deleted."""
    report = ProgressReport(reported_on=reported_on, text=text, author_id=author.id)
    problem.reports.append(report)
    db.session.flush()
    idempotency.remember(idempotency_key, result_url, author.id)
    audit.record(
        "ledger.report_added",
        "progress_report",
        report.id,
        {"problem": problem.code, "reported_on": reported_on, "text": text},
    )
    db.session.commit()
    return report


def unknown_codes(codes: list[str]) -> list[str]:
    known = set(db.session.scalars(select(Problem.code).where(Problem.code.in_(codes))))
    return [c for c in codes if c not in known]


def current_mapping() -> dict[str, tuple[list[str], bool]]:
    """Each registered evidence kind → (problem codes, whether the office changed them)."""
    overrides = {m.kind: m.problem_codes for m in db.session.scalars(select(EvidenceMapping))}
    result = {}
    for name, kind in registry(current_app).evidence_kinds.items():
        if name in overrides:
            result[name] = ([c for c in overrides[name].split(",") if c], True)
        else:
            result[name] = (list(kind.default_problems), False)
    return result


def set_evidence_mapping(kind: str, codes: list[str]) -> None:
    """New records of ``kind`` link to ``codes`` (already checked to exist)."""
    old = current_mapping()[kind][0]
    mapping = db.session.get(EvidenceMapping, kind) or EvidenceMapping(kind=kind)
    mapping.problem_codes = ",".join(codes)
    db.session.add(mapping)
    audit.record(
        "ledger.evidence_mapping_set", "evidence_kind", None, {"kind": kind, "codes": [old, codes]}
    )
    db.session.commit()


def reset_evidence_mapping(kind: str) -> None:
    old = current_mapping()[kind][0]
    db.session.execute(delete(EvidenceMapping).where(EvidenceMapping.kind == kind))
    default = list(registry(current_app).evidence_kinds[kind].default_problems)
    audit.record(
        "ledger.evidence_mapping_reset",
        "evidence_kind",
        None,
        {"kind": kind, "codes": [old, default]},
    )
    db.session.commit()
