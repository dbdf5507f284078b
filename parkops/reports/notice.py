"""The public notice (整改情况通报): a draft assembled from the ledger, edited, published.

A notice's ``parts`` (JSON text) hold, in the seed notice's order:

    {"title", "intro", "counts", "practice", "plans", "closing", "signature": str,
     "figures": {"measures", "regulations", "completed", "total", "percent",
                 "in_progress", "in_progress_percent", "self_found", "self_completed"},
     "outline": [{"heading": "(一)…方面", "categories": [{"heading": "1.…",
                  "problems": [{"code": "1", "heading": "1)…"}]}]}],
     "problems": {code: "整改情况 text"}}

``figures`` are counted from the ledger when the draft is made (inspection
problems only, as the notice counts them); the office edits the texts, never the
figures' source. Publishing freezes the notice (models refuse later changes).
"""

import json
from datetime import date
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from parkops import audit, deciding
from parkops.auth.models import User
from parkops.documents import Document
from parkops.extensions import db
from parkops.rectification.models import Measure, Problem, Regulation, Source, Status
from parkops.rectification.services import LedgerFilter, group_ledger, ledger_query
from parkops.reports.models import NoticeState, PublicNotice
from parkops.reports.wording import cn_date, ordinal
from parkops.timeutil import business_day

TEXTS = json.loads((Path(__file__).parent / "data" / "notice_texts.json").read_text("utf-8"))
ISSUER = "中共濮上生态园区管理局党委"
TEXT_PARTS = ("title", "intro", "counts", "practice", "plans", "closing", "signature")


class VersionConflict(Exception):
    """The draft was changed by someone else since the form was read."""


def figures() -> dict:
    """The notice's counts from the ledger: measures and regulations of the inspection's
    problems, problems completed and rate, in progress, self-found."""

    def count(model, *where):
        return db.session.scalar(
            select(func.count()).select_from(model).join(Problem).where(*where)
        )

    inspection = Problem.source == Source.INSPECTION
    rows = dict(
        db.session.execute(select(Problem.source, func.count()).group_by(Problem.source)).all()
    )
    completed = db.session.scalar(
        select(func.count()).where(inspection, Problem.status == Status.COMPLETED)
    )
    self_completed = db.session.scalar(
        select(func.count()).where(
            Problem.source == Source.SELF, Problem.status == Status.COMPLETED
        )
    )
    total = rows.get(Source.INSPECTION, 0)
    percent = round(100 * completed / total) if total else 0
    return {
        "measures": count(Measure, inspection),
        "regulations": count(Regulation, inspection),
        "completed": completed,
        "total": total,
        "percent": percent,
        "in_progress": total - completed,
        "in_progress_percent": 100 - percent if total else 0,
        "self_found": rows.get(Source.SELF, 0),
        "self_completed": self_completed,
    }


def counts_text(f: dict, issuer: str = ISSUER) -> str:
    """The counts paragraph, worded as the seed notice words it."""
    self_found = (
        "已全部整改到位"
        if f["self_completed"] == f["self_found"]
        else f"已整改到位{f['self_completed']}个"
    )
    return (
        f"对于巡察组反馈的意见,{issuer.removeprefix('中共')}诚恳接受,照单全收,立即研究制定整改方案,"
        f"制定整改措施{f['measures']}条。整改期间,修订和新建各类制度{f['regulations']}项。"
        f"反馈意见指出的问题已整改完成{f['completed']}个,完成率{f['percent']}%;"
        f"已进行整改,并积极推进的{f['in_progress']}个,占比{f['in_progress_percent']}%;"
        f"举一反三,主动自查问题{f['self_found']}个,{self_found}。"
    )


def situation(problem: Problem) -> str:
    """整改情况: its measures as 一是…二是…, then the regulations the measures do not name."""
    texts = [m.text.rstrip("。;；") for m in problem.measures]
    named = "".join(texts)
    for r in problem.regulations:
        if f"《{r.title}》" not in named:
            texts.append(f"{'修订' if r.revised else '制定'}了《{r.title}》")
    if len(texts) == 1:
        return texts[0] + "。"
    return "".join(f"{ordinal(n)}是{t}。" for n, t in enumerate(texts, start=1))


def assemble() -> dict:
    """A fresh draft's parts from the ledger as it stands."""
    problems = db.session.scalars(
        ledger_query(LedgerFilter(source=Source.INSPECTION), business_day()).options(
            selectinload(Problem.measures), selectinload(Problem.regulations)
        )
    ).all()
    sections, _self_found = group_ledger(problems)
    outline = [
        {
            "heading": f"({ordinal(s.section.number)}){s.section.title}",
            "categories": [
                {
                    "heading": f"{c.category.number}.{c.category.title}",
                    "problems": [
                        {"code": p.code, "heading": f"{p.code}){p.title}"} for p in c.problems
                    ],
                }
                for c in s.categories
            ],
        }
        for s in sections
    ]
    f = figures()
    return {
        "title": f"{ISSUER}关于巡察整改情况的通报",
        "intro": TEXTS["intro"],
        "counts": counts_text(f),
        "practice": TEXTS["practice"],
        "plans": TEXTS["plans"],
        "closing": TEXTS["closing"],
        "signature": ISSUER,
        "figures": f,
        "outline": outline,
        "problems": {p.code: situation(p) for p in problems},
    }


def parts_of(notice: PublicNotice) -> dict:
    return json.loads(notice.parts)


def current_draft() -> PublicNotice | None:
    return db.session.scalar(
        select(PublicNotice).where(PublicNotice.state == NoticeState.DRAFT).limit(1)
    )


def make_draft(user: User) -> PublicNotice:
    """The draft in progress, or a new one assembled from the ledger. Audited; commits."""
    draft = current_draft()
    if draft is not None:
        return draft
    draft = PublicNotice(parts=json.dumps(assemble(), ensure_ascii=False))
    db.session.add(draft)
    db.session.flush()
    audit.record("reports.notice_drafted", "public_notice", draft.id, {}, actor=user)
    db.session.commit()
    return draft


def _check(notice: PublicNotice, version: int) -> None:
    if notice.state != NoticeState.DRAFT:
        raise VersionConflict("published")
    if version != notice.version:
        raise VersionConflict("stale")


def update(notice: PublicNotice, version: int, texts: dict, problems: dict, user: User) -> None:
    """Save the office's edits of a draft read at ``version``; VersionConflict when someone
    changed it since (nothing is saved). ``texts``: TEXT_PARTS; ``problems``: code → text
    (unknown codes are ignored). Audited; commits."""
    _check(notice, version)
    parts = parts_of(notice)
    changed = [k for k in TEXT_PARTS if k in texts and texts[k] != parts[k]]
    parts.update({k: texts[k] for k in changed})
    edited = [
        c for c, t in problems.items() if c in parts["problems"] and t != parts["problems"][c]
    ]
    parts["problems"].update({c: problems[c] for c in edited})
    notice.parts = json.dumps(parts, ensure_ascii=False)
    audit.record(
        "reports.notice_edited",
        "public_notice",
        notice.id,
        {"parts": changed, "problems": edited},
        actor=user,
    )
    db.session.commit()


def publish(notice: PublicNotice, version: int, user: User, today: date) -> None:
    """Freeze the draft read at ``version`` as the published notice. Audited; commits.

    StaleFigures when the ledger's figures have changed since the draft's were taken:
    a published notice would freeze figures that are no longer true. Two at once: the
    second waits for the first and is refused (``AlreadyDecided``)."""
    deciding.once(
        notice,
        lambda n: n.state == NoticeState.DRAFT,
        lambda n: _(
            "This notice was published already, by %(name)s on %(time)s.",
            **deciding.who_when(n.published_by_id, n.published_on),
        ),
    )
    _check(notice, version)
    current = stale_figures(parts_of(notice))
    if current is not None:
        raise StaleFigures(current)
    notice.state = NoticeState.PUBLISHED
    notice.published_on = today
    notice.published_by_id = user.id
    audit.record(
        "reports.notice_published",
        "public_notice",
        notice.id,
        {"figures": parts_of(notice)["figures"]},
        actor=user,
    )
    db.session.commit()


def notice_docx(parts: dict, published_on: date | None) -> bytes:
    """The notice as an official document."""
    doc = Document(parts["title"])
    doc.title(parts["title"].replace("关于", "\n关于", 1))
    for text in (parts["intro"], parts["counts"]):
        doc.paragraph(text)
    doc.heading("一、整改期间的主要做法", 1)
    doc.paragraph(parts["practice"])
    doc.heading("二、整改完成情况", 1)
    for section in parts["outline"]:
        doc.heading(section["heading"], 2)
        for category in section["categories"]:
            doc.heading(category["heading"], 3)
            for p in category["problems"]:
                doc.paragraph(p["heading"])
                doc.paragraph(parts["problems"].get(p["code"], ""), lead="整改情况:")
    doc.heading("三、下步工作打算", 1)
    doc.paragraph(parts["plans"])
    doc.paragraph(parts["closing"])
    doc.paragraph("")
    doc.right(parts["signature"])
    if published_on:
        doc.right(cn_date(published_on))
    return doc.to_bytes()


class StaleFigures(ValueError):
    """The ledger's figures changed since the draft's were taken; ``current`` holds them."""

    def __init__(self, current: dict):
        super().__init__("the ledger's figures changed since the draft was made")
        self.current = current


def stale_figures(parts: dict) -> dict | None:
    """The ledger's figures now when they differ from the draft's ``parts``, else None."""
    current = figures()
    return current if current != parts["figures"] else None


def take_current_figures(notice: PublicNotice, version: int, user: User) -> None:
    """Replace the draft's figures and its counts paragraph (worded from them) with the
    ledger's as they stand now; the office's other texts stay. Audited; commits."""
    _check(notice, version)
    parts = parts_of(notice)
    before = parts["figures"]
    parts["figures"] = figures()
    parts["counts"] = counts_text(parts["figures"])
    notice.parts = json.dumps(parts, ensure_ascii=False)
    audit.record(
        "reports.notice_figures_taken",
        "public_notice",
        notice.id,
        {"before": before, "after": parts["figures"]},
        actor=user,
    )
    db.session.commit()
