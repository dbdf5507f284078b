"""Bringing in what is owed today: debtors and open receivables from the list finance
keeps (.xlsx, .csv) or an aging report exported by 用友 / 金蝶 (.xlsx, old .xls),
read by the core's ``parkops.tabular``.

The columns are mapped once: ``mapping`` names, for each field, the header of the
column that holds it; the mapping of the last successful import is kept (core
settings table, key ``receivables.import_mapping``) and offered the next time.
Each row keeps its own raised and due dates, so aging is right from the first day.
A row whose kind reads 期初余额 / opening balance is the debtor's opening balance:
history not itemised, with its date.

All or nothing: every row is checked first; if any is bad, nothing is stored and
each bad row is named by its line. Each row's content gives its receivable a
reference, so the same file imported twice takes nothing the second time.
"""

import hashlib
import json
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from modules.receivables import ledger
from modules.receivables.errors import ReceivablesError
from modules.receivables.models import Debtor, DebtorKind, Receivable, ReceivableKind
from modules.receivables.texts import DEBTOR_KINDS, RECEIVABLE_KINDS
from parkops import audit
from parkops.auth.models import Setting, Site, User
from parkops.cells import parse_date, parse_fen
from parkops.extensions import db
from parkops.forms import halfwidth
from parkops.tabular import (
    Table,
    TabularError,
    fold_header,
    in_every_language,
    line_problem,
    read_table,
)

MAPPING_KEY = "receivables.import_mapping"
# field → (label, required, the headers it is found under unless mapped otherwise,
# beside the label itself in either language: ``headers``)
FIELDS = {
    "debtor": (_l("Debtor"), True, ("债务人", "往来单位", "单位名称", "客户名称", "debtor")),
    "amount": (_l("Amount owed (yuan)"), True, ("金额", "欠款金额", "未收金额", "余额", "amount")),
    "raised_on": (_l("Raised on"), True, ("发生日期", "业务日期", "日期", "raised on")),
    "due_on": (_l("Due on"), False, ("到期日", "到期日期", "due on")),
    "kind": (_l("Kind"), False, ("类别", "款项类别", "kind")),
    "origin": (_l("Origin"), False, ("凭证号", "合同号", "摘要", "origin")),
    "site": (_l("Site"), False, ("景区", "site")),
    "debtor_kind": (_l("Debtor kind"), False, ("债务人类别", "debtor kind")),
    "id_code": (_l("Credit code / ID"), False, ("统一社会信用代码", "身份证号", "id code")),
}
OPENING_WORDS = ("期初余额", "opening balance", "opening")
# The words accounting lists use, beside the labels in either language.
KIND_WORDS = {
    "租金": ReceivableKind.RENT,
    "房租": ReceivableKind.RENT,
    "场地租金": ReceivableKind.RENT,
    "保证金": ReceivableKind.DEPOSIT_SHORTFALL,
    "水电": ReceivableKind.UTILITIES,
    "水电费": ReceivableKind.UTILITIES,
    "借款": ReceivableKind.ADVANCE,
    "预付款": ReceivableKind.ADVANCE,
    "备用金": ReceivableKind.ADVANCE,
    "赔偿": ReceivableKind.COMPENSATION,
    "赔偿款": ReceivableKind.COMPENSATION,
    "其他": ReceivableKind.OTHER,
}
DEBTOR_KIND_WORDS = {
    "商户": DebtorKind.MERCHANT,
    "职工": DebtorKind.STAFF,
    "员工": DebtorKind.STAFF,
    "单位": DebtorKind.ORGANISATION,
    "个人": DebtorKind.PERSON,
}


class ImportRefused(ReceivablesError):
    """The file is refused whole; ``problems`` name each bad row by its line."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ImportResult:
    added: int
    already: int  # rows imported by an earlier run of the same file
    debtors_added: int


def kept_mapping() -> dict[str, str]:
    """The mapping of the last successful import ({} before the first)."""
    row = db.session.get(Setting, MAPPING_KEY)
    return json.loads(row.value) if row else {}


def _column(table, field: str, mapping: dict[str, str]) -> int | None:
    header = (mapping.get(field) or "").strip()
    if header:
        return table.column(header)
    return table.column(*headers(field))


def _looked_for(field: str, mapping: dict[str, str]) -> list[str]:
    """The headers a missing ``field`` was looked for under, each once (as compared)."""
    mapped = (mapping.get(field) or "").strip()
    if mapped:
        return [mapped]
    once = {}
    for header in headers(field):
        once.setdefault(fold_header(header), header)
    return list(once.values())


def headers(field: str) -> tuple[str, ...]:
    """The headers ``field`` is found under: its usual ones, and its label as the page
    and the errors name it (in either language)."""
    label, _required, usual = FIELDS[field]
    return (*usual, *in_every_language(label))


def _words(labels: dict) -> dict[str, object]:
    """Enum values by their value, English label and Chinese label (lower case)."""
    found = {}
    for member, text in labels.items():
        found[member.value] = member
        for locale in ("en", "zh"):
            with force_locale(locale):
                found[str(text).lower()] = member
    return found


def _reference(site_id: int, cells: tuple) -> str:
    digest = hashlib.sha256(json.dumps([site_id, *map(str, cells)]).encode()).hexdigest()
    return f"import:{digest[:40]}"


def import_file(
    file_name: str, data: bytes, mapping: dict[str, str], default_site_id: int | None, user: User
) -> ImportResult:
    """One transaction: read the file, check every row, then add what is new.

    ``mapping``: field → column header (empty: the usual headers of FIELDS);
    ``default_site_id``: the site of rows without a site column. Raises ImportRefused
    (nothing stored) naming each bad row, or a missing required column."""
    required = [f for f, (_label, needed, _h) in FIELDS.items() if needed]

    def header_like(cells: tuple[str, ...]) -> bool:
        return all(_column(Table(cells, []), f, mapping) is not None for f in required)

    try:
        table = read_table(file_name, data, header_like=header_like)
    except TabularError as exc:
        raise ImportRefused([str(exc)]) from exc
    columns = {field: _column(table, field, mapping) for field in FIELDS}
    # Each missing field with the headers looked for, so the file can be put right.
    missing = [
        f"{FIELDS[f][0]} ({' / '.join(_looked_for(f, mapping))})"
        for f, (_label, required, _h) in FIELDS.items()
        if required and columns[f] is None
    ]
    if missing:
        raise ImportRefused([_("No column for: %(fields)s.", fields=", ".join(missing))])
    # Only the importer's own sites: another site's name is "unknown" to her.
    own = [s for s in db.session.scalars(select(Site)) if user.can_see_site(s.id)]
    sites = {s.code.lower(): s.id for s in own} | {s.name.lower(): s.id for s in own}
    kinds = _words(RECEIVABLE_KINDS) | KIND_WORDS
    debtor_kinds = _words(DEBTOR_KINDS) | DEBTOR_KIND_WORDS
    rows, problems = [], []
    for row in table.rows:

        def cell(field, row=row):
            index = columns[field]
            return row.cells[index] if index is not None else ""

        try:
            rows.append(_check(row, cell, sites, kinds, debtor_kinds, default_site_id))
        except (TabularError, ReceivablesError) as exc:
            problems.append(line_problem(row.line, str(exc)))
    if problems:
        raise ImportRefused(problems)
    if not rows:
        raise ImportRefused([_("The file has no rows to import.")])
    return _store(rows, mapping, user)


def _check(row, cell, sites, kinds, debtor_kinds, default_site_id) -> dict:
    """One row as the values to store; TabularError or ReceivablesError when bad."""
    name = str(cell("debtor")).strip()
    if not name:
        raise ReceivablesError(_("the debtor's name is empty."))
    amount = parse_fen(cell("amount"))
    if amount is None:
        # A blank cell, or a formula no spreadsheet program has calculated yet (the
        # value read is the one last saved): not "must be more than zero".
        raise ReceivablesError(_("the amount is empty."))
    ledger.check_amount(amount)
    raised_on = parse_date(cell("raised_on"))
    if raised_on is None:
        raise ReceivablesError(_("the date it was raised is empty."))
    ledger.check_not_future(raised_on)
    due_on = parse_date(cell("due_on")) or raised_on
    if due_on < raised_on:
        raise ReceivablesError(_("The due date comes before the date it was raised."))
    site_text = str(cell("site")).strip().lower()
    site_id = sites.get(site_text) if site_text else default_site_id
    if site_id is None:
        raise ReceivablesError(_("unknown site %(site)s.", site=site_text or "—"))
    kind_text = str(cell("kind")).strip().lower()
    opening = kind_text in OPENING_WORDS
    kind = ReceivableKind.OPENING if opening else kinds.get(kind_text, ReceivableKind.OTHER)
    debtor_kind = debtor_kinds.get(str(cell("debtor_kind")).strip().lower(), DebtorKind.MERCHANT)
    return {
        "name": name,
        "site_id": site_id,
        "debtor_kind": debtor_kind,
        "id_code": halfwidth(str(cell("id_code"))).strip(),
        "kind": kind,
        "origin": str(cell("origin")).strip()[:200],
        "amount_fen": amount,
        "raised_on": raised_on,
        "due_on": due_on,
        "reference": _reference(site_id, row.cells),
    }


def _store(rows: list[dict], mapping: dict[str, str], user: User) -> ImportResult:
    try:
        known = set(
            db.session.scalars(
                select(Receivable.reference).where(
                    Receivable.reference.in_([r["reference"] for r in rows])
                )
            )
        )
        debtors = {(d.name, d.site_id): d.id for d in db.session.scalars(select(Debtor))}
        added = debtors_added = 0
        for r in rows:
            if r["reference"] in known:
                continue
            known.add(r["reference"])
            key = (r["name"], r["site_id"])
            if key not in debtors:
                data = ledger.DebtorData(r["site_id"], r["name"], r["debtor_kind"], r["id_code"])
                debtors[key] = ledger.add_debtor(data, user).id
                debtors_added += 1
            data = ledger.ReceivableData(
                debtor_id=debtors[key],
                site_id=r["site_id"],
                kind=r["kind"],
                amount_fen=r["amount_fen"],
                raised_on=r["raised_on"],
                due_on=r["due_on"],
                origin=r["origin"],
                reference=r["reference"],
            )
            ledger.add_receivable(data, user)
            added += 1
        setting = db.session.get(Setting, MAPPING_KEY) or Setting(key=MAPPING_KEY)
        setting.value = json.dumps({k: v for k, v in mapping.items() if v})[:500]
        db.session.add(setting)
        audit.record(
            "receivables.imported",
            "receivable",
            None,
            {"added": added, "already": len(rows) - added},
            actor=user,
        )
    except ReceivablesError:
        db.session.rollback()
        raise
    db.session.commit()
    return ImportResult(added, len(rows) - added, debtors_added)
