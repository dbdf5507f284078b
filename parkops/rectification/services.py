"""The ledger's domain logic: one public function, one transaction."""

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from parkops import audit
from parkops.db import utcnow
from parkops.extensions import db
from parkops.rectification.models import (
    Category,
    EvidenceLink,
    EvidenceMapping,
    Problem,
    ProgressReport,
    Section,
    Source,
    Status,
)
from parkops.registry import registry

NOTICE_FILE = Path(__file__).parent / "data" / "notice.json"
SELF_FOUND_OFFSET = 1000  # self-found problems sort after the notice's 39


def load_notice() -> int:
    """Load the notice's sections, categories and 39 problems; existing rows are kept.

    Returns how many problems were added (0 when the ledger is already loaded).
    """
    notice = json.loads(NOTICE_FILE.read_text(encoding="utf-8"))
    sections = {c["number"]: c["section"] for c in notice["categories"]}
    keys = [
        (Source.INSPECTION, sections[p["category"]], p["category"], p["number"])
        for p in notice["problems"]
    ]
    if not ledger_order_holds(keys) or max(k[3] for k in keys) >= SELF_FOUND_OFFSET:
        raise ValueError(
            "the notice's problems must be numbered section by section, category by category"
        )
    for s in notice["sections"]:
        if db.session.get(Section, s["number"]) is None:
            db.session.add(Section(number=s["number"], title=s["title"]))
    db.session.flush()
    for c in notice["categories"]:
        if db.session.get(Category, c["number"]) is None:
            db.session.add(
                Category(number=c["number"], section_number=c["section"], title=c["title"])
            )
    db.session.flush()
    existing = set(db.session.scalars(select(Problem.code)))
    added = 0
    for p in notice["problems"]:
        code = str(p["number"])
        if code in existing:
            continue
        db.session.add(
            Problem(
                code=code,
                sort_key=p["number"],
                source=Source.INSPECTION,
                category_number=p["category"],
                title=p["title"],
                notice_text=p["notice_text"],
            )
        )
        added += 1
    if added:
        audit.record("ledger.notice_loaded", "ledger", None, {"problems": added})
    db.session.commit()
    return added


@dataclass
class LedgerFilter:
    section: int | None = None
    category: int | None = None
    status: Status | None = None
    department_id: int | None = None
    person_id: int | None = None
    overdue: bool = False
    source: Source | None = None

    def query_args(self) -> dict[str, str]:
        """The filter as URL arguments, to carry it from the list to the export."""
        args = {
            "section": self.section,
            "category": self.category,
            "status": self.status.value if self.status else None,
            "department": self.department_id,
            "person": self.person_id,
            "overdue": 1 if self.overdue else None,
            "source": self.source.value if self.source else None,
        }
        return {k: str(v) for k, v in args.items() if v}


def ledger_query(f: LedgerFilter, today: date, only_ids=None) -> Select:
    """The ledger in the notice's order: sections, categories, numbers; self-found last.
    ``only_ids``: a collection of problem ids to keep (the problems at risk), or None."""
    q = (
        select(Problem)
        .join(Problem.category)
        .options(
            selectinload(Problem.person),
            selectinload(Problem.leader),
            selectinload(Problem.department),
        )
    )
    return in_ledger_order(q, f, today, only_ids)


def in_ledger_order(q: Select, f: LedgerFilter, today: date, only_ids=None) -> Select:
    """``q`` (a select joined to Category) with the filters applied, in the ledger's order."""
    if f.section:
        q = q.where(Category.section_number == f.section)
    if f.category:
        q = q.where(Problem.category_number == f.category)
    if f.status:
        q = q.where(Problem.status == f.status)
    if f.department_id:
        q = q.where(Problem.department_id == f.department_id)
    if f.person_id:
        q = q.where(or_(Problem.person_id == f.person_id, Problem.leader_id == f.person_id))
    if f.source:
        q = q.where(Problem.source == f.source)
    if f.overdue:
        q = q.where(
            Problem.deadline < today, Problem.status.not_in([Status.COMPLETED, Status.LONG_TERM])
        )
    if only_ids is not None:
        q = q.where(Problem.id.in_(list(only_ids)))
    # The sort key alone is that order (see ledger_order_holds), so the database reads
    # a page from its index, however long the ledger and far the page: sorting every
    # problem by section and category first cost 0.8-1.8 ms at 2,046 problems, growing.
    return q.order_by(Problem.sort_key)


def ledger_order_holds(keys: list[tuple[Source, int, int, int]]) -> bool:
    """Whether ordering by sort key alone gives the ledger's order for problems given as
    (source, section, category, sort key): the notice's by section, category and number,
    then the self-found ones (S1, S2, … whatever their category). It holds for the
    notice's numbering (its problems run section by section, category by category) and
    self-found keys from SELF_FOUND_OFFSET; ``load_notice`` refuses a notice where not."""

    def in_ledger(key: tuple[Source, int, int, int]) -> tuple[int, ...]:
        source, section, category, sort_key = key
        return (1, sort_key) if source == Source.SELF else (0, section, category, sort_key)

    return sorted(keys, key=in_ledger) == sorted(keys, key=lambda key: key[3])


@dataclass
class Rate:
    completed: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0


def completion_rates(source: Source = Source.INSPECTION) -> tuple[Rate, dict[int, Rate]]:
    """Overall and per-category completion, computed from statuses, never typed in."""
    rows = db.session.execute(
        select(
            Problem.category_number,
            func.count(),
            func.count().filter(Problem.status == Status.COMPLETED),
        )
        .where(Problem.source == source)
        .group_by(Problem.category_number)
    ).all()
    per_category = {cat: Rate(done, total) for cat, total, done in rows}
    return _sum(per_category.values()), per_category


def ledger_rates() -> tuple[Rate, dict[int, Rate], Rate]:
    """The ledger list's rates, in one statement: ``completion_rates()``'s overall and
    per-category rates of the inspection's problems, and the self-found problems' overall."""
    rows = db.session.execute(
        select(
            Problem.source,
            Problem.category_number,
            func.count(),
            func.count().filter(Problem.status == Status.COMPLETED),
        ).group_by(Problem.source, Problem.category_number)
    ).all()
    by_source: dict[Source, dict[int, Rate]] = {source: {} for source in Source}
    for source, cat, total, done in rows:
        by_source[source][cat] = Rate(done, total)
    per_category = by_source[Source.INSPECTION]
    return _sum(per_category.values()), per_category, _sum(by_source[Source.SELF].values())


def _sum(rates) -> Rate:
    """The rate of the problems counted by ``rates`` (an iterable of Rate) together."""
    rates = list(rates)
    return Rate(sum(r.completed for r in rates), sum(r.total for r in rates))


def latest_reports() -> dict[int, ProgressReport]:
    """Each problem's newest progress report, by problem id: one row per problem, however
    many weekly reports the years have piled up."""
    newest = (
        select(
            ProgressReport.id,
            func.row_number()
            .over(
                partition_by=ProgressReport.problem_id,
                order_by=(ProgressReport.reported_on.desc(), ProgressReport.id.desc()),
            )
            .label("rank"),
        )
    ).subquery()
    reports = db.session.scalars(
        select(ProgressReport)
        .join(newest, newest.c.id == ProgressReport.id)
        .where(newest.c.rank == 1)
    )
    return {r.problem_id: r for r in reports}


def problems_for_kind(kind: str) -> list[Problem]:
    """The problems a new record of ``kind`` links to: the office's mapping, else the default."""
    mapping = db.session.get(EvidenceMapping, kind)
    if mapping is not None:
        codes = [c for c in mapping.problem_codes.split(",") if c]
    else:
        codes = list(registry(current_app).evidence_kinds[kind].default_problems)
    if not codes:
        return []
    return list(db.session.scalars(select(Problem).where(Problem.code.in_(codes))))


def link_evidence(
    kind: str,
    record_id: int,
    summary: str,
    problems: list[Problem] | None = None,
    *,
    site_id: int | None,
    created_at: datetime | None = None,
) -> list[EvidenceLink]:
    """Offer a module's record as evidence; called inside the module's own transaction.

    ``site_id`` is the record's site (required: the ledger shows the link only to
    readers of that site; None only for a record of no site, seen by all-site
    readers alone). ``created_at`` (aware UTC) is when the record's event happened,
    now by default (demo data loaded after the fact gives its event's time). Does not
    commit: the record and its links are saved together or not at all. A problem the
    record is linked to already is left as it is (the link is unique per problem, kind
    and record): offering it twice is no error.
    """
    if kind not in registry(current_app).evidence_kinds:
        raise ValueError(f"unknown evidence kind {kind!r}: declare it in the module's spec")
    targets = problems if problems is not None else problems_for_kind(kind)
    if targets:  # along the unique index (problem_id, kind, record_id)
        linked = set(
            db.session.scalars(
                select(EvidenceLink.problem_id).where(
                    EvidenceLink.problem_id.in_([p.id for p in targets]),
                    EvidenceLink.kind == kind,
                    EvidenceLink.record_id == record_id,
                )
            )
        )
        targets = [p for p in targets if p.id not in linked]
    links = [
        EvidenceLink(
            problem_id=p.id,
            kind=kind,
            record_id=record_id,
            site_id=site_id,
            summary=summary[:300],
            created_at=created_at or utcnow(),
        )
        for p in targets
    ]
    db.session.add_all(links)
    return links


@dataclass
class CategoryGroup:
    category: Category
    problems: list[Problem]


@dataclass
class SectionGroup:
    section: Section
    categories: list[CategoryGroup]


def group_ledger(problems: list, categories: dict[int, Category] | None = None) -> tuple:
    """The notice's problems under their section and category headings; self-found apart:
    ``(list[SectionGroup], self-found list)``.

    ``problems`` (Problem objects, or the list's rows: anything with ``source`` and
    ``category_number``) come in the ledger's order, so each heading opens once;
    ``categories`` by number, or None to use each problem's ``category``.
    """
    sections: list[SectionGroup] = []
    self_found: list[Problem] = []
    for p in problems:
        if p.source == Source.SELF:
            self_found.append(p)
            continue
        category = categories[p.category_number] if categories else p.category
        if not sections or sections[-1].section.number != category.section_number:
            sections.append(SectionGroup(category.section, []))
        groups = sections[-1].categories
        if not groups or groups[-1].category.number != p.category_number:
            groups.append(CategoryGroup(category, []))
        groups[-1].problems.append(p)
    return sections, self_found
