"""Bringing in the merchants, units and contracts in force today from the office's
spreadsheet (.xlsx, old .xls, .csv), read by the core's ``parkops.tabular``.

One row per contract: its merchant (found by name at the site, else registered),
its unit (found by code at the site, else registered) and the contract's terms.
A contract is put in force as imported (approved by the importer: it was signed on
paper) and its schedule starts today: only the instalments still to come are
generated; arrears already owed come in through the receivables import.

All or nothing: every row is checked, and if any is bad nothing is stored and each
bad row is named by its line. A contract number already on the books means the row
was imported before: the same file imported twice takes nothing the second time.
Fixed rents only (no stepped or turnover terms in the file, yet).
"""

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from modules.merchants import contracts, register
from modules.merchants.errors import MerchantsError
from modules.merchants.models import (
    BusinessType,
    Contract,
    ContractState,
    Cycle,
    Merchant,
    MerchantKind,
    RentForm,
    Unit,
    UnitKind,
)
from modules.merchants.texts import BUSINESS_TYPES, CYCLES, MERCHANT_KINDS
from parkops import audit
from parkops.auth.models import Site, User
from parkops.cells import parse_date, parse_fen
from parkops.extensions import db
from parkops.forms import halfwidth
from parkops.tabular import Table, TabularError, in_every_language, line_problem, read_table
from parkops.timeutil import business_day, utcnow

# field → (label, required, the headers it is found under besides the label itself in
# either language: ``headers``)
FIELDS = {
    "merchant": (_l("Merchant"), True, ("商户名称", "商户", "承租方", "merchant")),
    "number": (_l("Contract number"), True, ("合同编号", "合同号", "contract number")),
    "unit": (_l("Unit"), True, ("铺位编号", "铺位", "场地编号", "unit")),
    "starts_on": (_l("First day"), True, ("起始日期", "开始日期", "起租日", "first day")),
    "ends_on": (_l("Last day"), True, ("终止日期", "结束日期", "到期日", "last day")),
    "rent": (_l("Rent per period (yuan)"), True, ("租金", "每期租金", "rent")),
    "cycle": (_l("Payment cycle"), True, ("缴费周期", "付款方式", "cycle")),
    "site": (_l("Site"), False, ("景区", "site")),
    "deposit": (_l("Deposit (yuan)"), False, ("保证金", "deposit")),
    "service": (_l("Service charge per period (yuan)"), False, ("服务费", "service charge")),
    "kind": (_l("Kind"), False, ("商户类型", "kind")),
    "business": (_l("Business"), False, ("经营类别", "business")),
    "id_code": (_l("Credit code / ID"), False, ("统一社会信用代码", "身份证号", "id code")),
    "contact": (_l("Contact person"), False, ("联系人", "contact")),
    "phone": (_l("Phone"), False, ("电话", "联系电话", "phone")),
    "location": (_l("Location"), False, ("位置", "location")),
    "area": (_l("Area (m²)"), False, ("面积", "area")),
}


def headers(field: str) -> tuple[str, ...]:
    """The headers ``field`` is found under: its usual ones, and its label as the page
    and the errors name it (in either language)."""
    label, _required, usual = FIELDS[field]
    return (*usual, *in_every_language(label))


# The longest text each column holds (the table's column size): longer is refused,
# never cut, and never left for PostgreSQL to refuse with an error page.
LENGTHS = {
    "merchant": 120,
    "number": 40,
    "unit": 30,
    "id_code": 30,
    "contact": 60,
    "phone": 40,
    "location": 120,
}
MAX_AREA_M2 = 10_000_000
CYCLE_WORDS = {
    "月": Cycle.MONTHLY,
    "按月": Cycle.MONTHLY,
    "季": Cycle.QUARTERLY,
    "按季": Cycle.QUARTERLY,
    "年": Cycle.YEARLY,
    "按年": Cycle.YEARLY,
}


class ImportRefused(MerchantsError):
    """The file is refused whole; ``problems`` name each bad row by its line."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ImportResult:
    added: int  # contracts put in force
    already: int  # rows whose contract number was on the books
    merchants_added: int
    units_added: int


def _words(labels: dict, extra: dict | None = None) -> dict[str, object]:
    """Enum values by their value, English and Chinese label (lower case)."""
    found: dict[str, object] = {}
    for member, text in labels.items():
        found[member.value] = member
        for locale in ("en", "zh"):
            with force_locale(locale):
                found[str(text).lower()] = member
    return found | (extra or {})


def import_file(file_name: str, data: bytes, default_site_id: int, user: User) -> ImportResult:
    """One transaction: read, check every row, store all or nothing.

    ``default_site_id``: the site of rows without a site column. Raises ImportRefused
    (nothing stored) naming each bad row, or the required columns missing."""
    required = [f for f in FIELDS if FIELDS[f][1]]

    def header_like(cells: tuple[str, ...]) -> bool:
        # The office's sheet often starts with its title (merged across) above the header.
        return all(Table(cells, []).column(*headers(f)) is not None for f in required)

    try:
        table = read_table(file_name, data, header_like=header_like)
    except TabularError as exc:
        raise ImportRefused([str(exc)]) from exc
    columns = {f: table.column(*headers(f)) for f in FIELDS}
    missing = [
        f"{FIELDS[f][0]} ({' / '.join(dict.fromkeys(headers(f)))})"
        for f in FIELDS
        if FIELDS[f][1] and columns[f] is None
    ]
    if missing:
        raise ImportRefused([_("No column for: %(fields)s.", fields=", ".join(missing))])
    own = [s for s in db.session.scalars(select(Site)) if user.can_see_site(s.id)]
    sites = {s.code.lower(): s.id for s in own} | {s.name.lower(): s.id for s in own}
    words = {
        "cycle": _words(CYCLES, CYCLE_WORDS),
        "kind": _words(
            MERCHANT_KINDS, {"个体": MerchantKind.INDIVIDUAL, "公司": MerchantKind.COMPANY}
        ),
        "business": _words(BUSINESS_TYPES),
    }
    checked, problems = [], []
    for row in table.rows:

        def cell(field, row=row):
            index = columns[field]
            return row.cells[index] if index is not None else ""

        try:
            checked.append((row.line, _check(cell, sites, words, default_site_id)))
        except (TabularError, MerchantsError) as exc:
            problems.append((row.line, line_problem(row.line, str(exc))))
    if not checked and not problems:
        raise ImportRefused([_("The file has no rows to import.")])
    return _store(checked, problems, user)


def _check(cell, sites, words, default_site_id) -> dict:
    """One row's values; TabularError or MerchantsError when bad."""
    values = {f: str(cell(f)).strip() for f in FIELDS}
    for field in ("merchant", "number", "unit"):
        if not values[field]:
            raise MerchantsError(_("%(field)s is empty.", field=FIELDS[field][0]))
    for field, most in LENGTHS.items():
        if len(values[field]) > most:
            raise MerchantsError(
                _(
                    "%(field)s is longer than %(most)d characters.",
                    field=FIELDS[field][0],
                    most=most,
                )
            )
    site_text = values["site"].lower()
    site_id = sites.get(site_text) if site_text else default_site_id
    if site_id is None:
        raise MerchantsError(_("unknown site %(site)s.", site=site_text or "—"))
    cycle = words["cycle"].get(values["cycle"].lower())
    if cycle is None:
        raise MerchantsError(_("unknown payment cycle %(cycle)s.", cycle=values["cycle"]))
    starts_on = parse_date(cell("starts_on"))
    ends_on = parse_date(cell("ends_on"))
    if starts_on is None or ends_on is None:
        raise MerchantsError(_("the term's first or last day is empty."))
    return {
        "site_id": site_id,
        "merchant": values["merchant"],
        "kind": words["kind"].get(values["kind"].lower(), MerchantKind.COMPANY),
        "business": words["business"].get(values["business"].lower(), BusinessType.OTHER),
        "id_code": halfwidth(values["id_code"]),
        "contact": values["contact"],
        "phone": halfwidth(values["phone"]),
        "unit": register.unit_code(values["unit"]),
        "location": values["location"],
        "area_m2": _area(cell("area")),
        "number": halfwidth(values["number"]),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "cycle": cycle,
        "rent_fen": parse_fen(cell("rent")),
        "deposit_fen": parse_fen(cell("deposit")) or 0,
        "service_fen": parse_fen(cell("service")) or 0,
    }


def _area(value) -> int | None:
    """Whole square metres from a cell (a number or its text); None when left empty
    (a new unit then is refused: its area is needed). MerchantsError for text, zero,
    negative, infinite or absurd areas."""
    text = str(value).strip()
    if not text:
        return None
    try:
        area = round(float(text))
    except (ValueError, OverflowError):  # "abc", "nan"; "inf"
        area = 0
    if not 0 < area <= MAX_AREA_M2:
        raise MerchantsError(_("not an area in square metres: %(value)s", value=text))
    return area


def _store(checked: list[tuple[int, dict]], problems: list, user: User) -> ImportResult:
    """Store the good rows; the refusals they meet (a unit leased twice, a contract
    already ended) join ``problems`` ((line, text)), and any problem rolls all back."""
    today = business_day()
    numbers = set(db.session.scalars(select(Contract.number)))
    merchants = {(m.name, m.site_id): m for m in db.session.scalars(select(Merchant))}
    units = {(u.site_id, u.code): u for u in db.session.scalars(select(Unit))}
    result = ImportResult(0, 0, 0, 0)
    for line, r in checked:
        if r["number"] in numbers:
            result.already += 1
            continue
        numbers.add(r["number"])
        try:
            _store_row(r, user, today, merchants, units, result)
        except MerchantsError as exc:
            problems.append((line, line_problem(line, str(exc))))
    if problems:
        db.session.rollback()
        raise ImportRefused([text for _line_no, text in sorted(problems, key=lambda p: p[0])])
    audit.record(
        "merchants.imported",
        "contract",
        None,
        {"added": result.added, "already": result.already},
        actor=user,
    )
    db.session.commit()
    return result


def _store_row(r: dict, user: User, today, merchants: dict, units: dict, result) -> None:
    if r["ends_on"] < today:
        raise MerchantsError(_("the contract ended on %(day)s.", day=r["ends_on"].isoformat()))
    key = (r["merchant"], r["site_id"])
    if key not in merchants:
        merchants[key] = register.add_merchant(
            register.MerchantData(
                r["site_id"],
                r["merchant"],
                r["kind"],
                r["business"],
                r["id_code"],
                r["contact"],
                r["phone"],
            ),
            user,
        )
        result.merchants_added += 1
    unit_key = (r["site_id"], r["unit"])
    if unit_key not in units:
        if r["area_m2"] is None:
            raise MerchantsError(
                _("give the area of the new unit %(code)s (面积).", code=r["unit"])
            )
        units[unit_key] = register.add_unit(
            register.UnitData(r["site_id"], r["unit"], r["location"], r["area_m2"], UnitKind.SHOP),
            user,
        )
        result.units_added += 1
    contract = contracts.add_draft(
        contracts.ContractData(
            site_id=r["site_id"],
            merchant_id=merchants[key].id,
            number=r["number"],
            starts_on=r["starts_on"],
            ends_on=r["ends_on"],
            rent_form=RentForm.FIXED,
            cycle=r["cycle"],
            rent_fen=r["rent_fen"],
            unit_ids=[units[unit_key].id],
            deposit_fen=r["deposit_fen"],
            service_fen=r["service_fen"],
            note=_("Imported: in force before ParkOps."),
        ),
        user,
    )
    contract.state = ContractState.APPROVED
    contract.approved_by_id = user.id
    contract.approved_at = utcnow()
    contracts.add_activation(contract, user, today, max(today, r["starts_on"]))
    result.added += 1
