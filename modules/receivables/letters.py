"""Chasing letters: 提醒函 (level 1), 催缴通知书 (level 2), final notice (level 3).

Finance edits each level's title and body on /settings/receivables (``SETTINGS``);
the body may hold the placeholders in ``PLACEHOLDERS`` ("{debtor}", "{total}",
"{capital}", "{deadline}", "{contact}", and "{you}": how the debtor is addressed,
``ADDRESS`` by its kind: 贵单位 an organisation, 贵方 a merchant (a company or a
sole trader), 您 a person or a staff member). Issuing a letter freezes everything it
says as JSON (``Letter.content``): the print view and the .docx are drawn from that
alone, so a letter reads the same after templates, balances or names change.

Numbers run 1, 2, … within the local year of issue without gaps: an issue takes the
year's highest number plus one and relies on the (year, number) unique constraint,
retrying when two clerks issue at once (as the weekly reports do). The 文号 is
"<prefix>〔<year>〕<number>号". Money is int fen; dates are local.
"""

import json
import re
from datetime import UTC, date, datetime, time, timedelta

import cn2an
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from modules.receivables import ledger, levels
from modules.receivables.errors import ReceivablesError
from modules.receivables.models import Debtor, DebtorKind, Letter, Receivable
from parkops import audit, idempotency, module_settings
from parkops.auth.models import User
from parkops.extensions import db
from parkops.labels import label
from parkops.module_settings import Setting
from parkops.money import format_fen

LEVELS = (1, 2, 3)
PLACEHOLDERS = ("debtor", "total", "capital", "deadline", "contact", "you")
PLACEHOLDER = re.compile(r"\{(\w*)\}")
CN_DAY = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
ATTEMPTS = 5
MAX_DEADLINE_DAYS = 366
MAX_TEMPLATE_CHARS = 500  # the settings table's value column
PARK_ADMINISTRATION = "濮上生态园区管理局"  # the sending unit, unless finance names another


def _template_text(text: str) -> str:
    """A title or body as typed; refused when empty, too long for the settings table,
    or naming a placeholder we do not fill."""
    if not text.strip():
        raise ValueError(_l("Required."))
    if len(text) > MAX_TEMPLATE_CHARS:
        raise ValueError(_l("At most 500 characters."))
    unknown = [name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]
    if unknown:
        raise ValueError(
            _l("Unknown placeholder; use {debtor} {total} {capital} {deadline} {contact} {you}.")
        )
    return text


ADDRESS = {
    DebtorKind.ORGANISATION: "贵单位",
    DebtorKind.MERCHANT: "贵方",
    DebtorKind.STAFF: "您",
    DebtorKind.PERSON: "您",
}
ORGANISATION_ADDRESS = "贵单位"  # what bodies saved before {you} existed say to everyone

DEFAULT_BODIES = {
    1: "截至目前，{you}尚欠我单位款项共计{total}（大写：人民币{capital}），明细见下表。"
    "请于{deadline}前结清。如已支付，请忽略本函。联系人：{contact}。",
    2: "{you}欠我单位款项共计{total}（大写：人民币{capital}），经多次提醒仍未结清。"
    "请于{deadline}前足额缴纳，逾期我单位将依约采取进一步措施。联系人：{contact}。",
    3: "{you}欠我单位款项共计{total}（大写：人民币{capital}），经书面催缴仍未结清。"
    "现最后通知：请于{deadline}前足额缴纳，逾期我单位将依法提起诉讼，由此产生的一切费用由{you}承担。"
    "联系人：{contact}。",
}
DEFAULT_TITLES = {1: "欠款提醒函", 2: "催缴通知书", 3: "最后催缴通知书"}

SETTINGS = (
    *(
        Setting(
            f"letter{n}_title",
            _template_text,
            DEFAULT_TITLES[n],
            _l("Letter title, level %(n)s", n=n),
            "database",
        )
        for n in LEVELS
    ),
    *(
        Setting(
            f"letter{n}_body",
            _template_text,
            DEFAULT_BODIES[n],
            _l(
                "Letter text, level %(n)s ({debtor} {total} {capital} {deadline} {contact} {you})",
                n=n,
            ),
            "database",
        )
        for n in LEVELS
    ),
    Setting("letter_prefix", str, "财催", _l("Letter reference prefix (文号)"), "database"),
    Setting(
        "letter_unit", str, PARK_ADMINISTRATION, _l("Issuing unit printed on letters"), "database"
    ),
    Setting("letter_contact", str, "", _l("Contact printed on letters (name, phone)"), "database"),
)


def capital_amount(fen: int) -> str:
    """An amount in fen as the Chinese capital amount of a cheque or invoice (大写):
    105007 → "壹仟零伍拾元零柒分", 50 → "伍角", 1000000 → "壹万元整"."""
    return cn2an.an2cn(f"{fen // 100}.{fen % 100:02d}", "rmb")


def reference(prefix: str, year: int, number: int) -> str:
    """The 文号: 财催〔2026〕7号."""
    return f"{prefix}〔{year}〕{number}号"


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _fill(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def compose(
    debtor: Debtor, site_id: int, level: int, ids: list[int], deadline: date, today: date
) -> dict:
    """What the letter says, before its number: {"level", "title", "unit", "debtor",
    "address", "items": [{"id", "kind", "origin", "raised_on", "due_on", "balance_fen"}],
    "total_fen", "total", "capital", "deadline", "contact", "date", "body"}.

    ReceivablesError when the level is unknown, no receivable is chosen, one chosen is
    not open at that site for that debtor, or the deadline is not after today (or a
    year away)."""
    if level not in LEVELS:
        raise ReceivablesError(_("Choose a letter level."))
    if not ids:
        raise ReceivablesError(_("Choose the receivables the letter is about."))
    if not today < deadline <= date.fromordinal(today.toordinal() + MAX_DEADLINE_DAYS):
        raise ReceivablesError(_("The deadline must be after today and within a year."))
    rows = ledger.open_receivables(debtor.id, site_id, sorted(set(ids)))
    with force_locale(current_app.config["DEFAULT_LOCALE"]):  # the letter's language
        kinds = {r.id: str(label(r.kind)) for r, _b in rows}
    if len(rows) != len(set(ids)):
        raise ReceivablesError(_("A receivable chosen is paid or not this debtor's."))
    total = sum(balance for _r, balance in rows)
    setting = lambda name: module_settings.get(f"receivables.{name}")  # noqa: E731
    values = {
        "debtor": debtor.name,
        "total": format_fen(total),
        "capital": capital_amount(total),
        "deadline": cn_date(deadline),
        "contact": setting("letter_contact"),
        "you": ADDRESS[debtor.kind],
    }
    body = setting(f"letter{level}_body")
    if debtor.kind in (DebtorKind.STAFF, DebtorKind.PERSON):
        # A body finance saved before {you} existed names every debtor 贵单位: a person
        # is never addressed as a unit.
        body = body.replace(ORGANISATION_ADDRESS, "{you}")
    return {
        "level": level,
        "title": _fill(setting(f"letter{level}_title"), values),
        "unit": setting("letter_unit") or PARK_ADMINISTRATION,
        "prefix": setting("letter_prefix"),
        "debtor": debtor.name,
        "address": debtor.address,
        "items": [
            {
                "id": r.id,
                "kind": kinds[r.id],
                "origin": r.origin,
                "raised_on": r.raised_on.isoformat(),
                "due_on": r.due_on.isoformat(),
                "balance_fen": balance,
            }
            for r, balance in rows
        ],
        "total_fen": total,
        "total": values["total"],
        "capital": values["capital"],
        "deadline": values["deadline"],
        "contact": values["contact"],
        "date": cn_date(today),
        "body": _fill(body, values),
    }


def issue(
    debtor: Debtor,
    site_id: int,
    level: int,
    ids: list[int],
    deadline: date,
    user: User,
    today: date,
    retry_key: str | None = None,
) -> Letter:
    """Compose, number, freeze and audit a letter, and raise its receivables to its
    level (``levels.record``); commits. Refusals as ``compose``, ``levels.refusal``
    (skipping a level, not overdue enough, a promise to pay holding), and a letter at
    this level or a lower one while a letter at this level or higher about the same
    receivable has a deadline not yet passed (README, "Chasing letters": a repeat
    waits for the deadline the debtor was given)."""
    content = compose(debtor, site_id, level, ids, deadline, today)
    refused = levels.refusal(_chosen(content), level, today) or _still_running(
        running(debtor.id, site_id, today), ids, level
    )
    if refused:
        raise ReceivablesError(refused)
    for _attempt in range(ATTEMPTS):
        number = (
            db.session.scalar(select(func.max(Letter.number)).where(Letter.year == today.year)) or 0
        ) + 1
        content["reference"] = reference(content["prefix"], today.year, number)
        letter = Letter(
            year=today.year,
            number=number,
            level=level,
            debtor_id=debtor.id,
            site_id=site_id,
            content=json.dumps(content, ensure_ascii=False),
            issued_by_id=user.id,
        )
        db.session.add(letter)
        try:
            db.session.flush()  # another clerk took this number: take the next
        except IntegrityError:
            db.session.rollback()
            continue
        levels.record(_chosen(content), level, today)
        audit.record(
            "receivables.letter_issued",
            "letter",
            letter.id,
            {
                "reference": content["reference"],
                "debtor_id": debtor.id,
                "amount_fen": content["total_fen"],
            },
            actor=user,
        )
        if retry_key:  # a repeat of the same form opens this letter, issues none
            url = url_for("receivables.letter", letter_id=letter.id)
            idempotency.remember(retry_key, url, user.id)
        db.session.commit()
        return letter
    raise ReceivablesError(_("Too many letters issued at once; try again."))


def running(debtor_id: int, site_id: int, today: date) -> dict[int, tuple[int, str, date]]:
    """{receivable id: (level, 文号, deadline)} of the highest-level letter about it
    whose deadline (local) is today or later: a debtor still within the time a letter
    gave it. One query over the debtor's letters of the last year (a deadline is at
    most ``MAX_DEADLINE_DAYS`` after its letter)."""
    since = datetime.combine(today - timedelta(days=MAX_DEADLINE_DAYS + 1), time(), UTC)
    found: dict[int, tuple[int, str, date]] = {}
    for letter in db.session.scalars(
        select(Letter).where(
            Letter.debtor_id == debtor_id, Letter.site_id == site_id, Letter.issued_at >= since
        )
    ):
        content = content_of(letter)
        deadline = _cn_day(content["deadline"])
        if deadline is None or deadline < today:
            continue
        for item in content["items"]:
            held = found.get(item["id"])
            if held is None or held[0] < letter.level:
                found[item["id"]] = (letter.level, content["reference"], deadline)
    return found


def _still_running(held: dict[int, tuple[int, str, date]], ids: list[int], level: int):
    """Why a letter at ``level`` about ``ids`` waits (None: it need not): the first
    receivable with a running letter at this level or higher."""
    for receivable_id in sorted(set(ids)):
        if receivable_id in held and held[receivable_id][0] >= level:
            at, ref, deadline = held[receivable_id]
            return _(
                "Receivable %(id)s: letter %(ref)s (level %(at)s) gave until %(day)s; "
                "a letter at this level waits until that date has passed.",
                id=receivable_id,
                ref=ref,
                at=at,
                day=deadline.isoformat(),
            )
    return None


def _cn_day(text: str) -> date | None:
    """The date ``cn_date`` wrote ("2026年12月11日")."""
    match = CN_DAY.fullmatch(text or "")
    return date(*map(int, match.groups())) if match else None


def _chosen(content: dict) -> list[Receivable]:
    ids = [item["id"] for item in content["items"]]
    return list(db.session.scalars(select(Receivable).where(Receivable.id.in_(ids))))


def content_of(letter: Letter) -> dict:
    return json.loads(letter.content)
