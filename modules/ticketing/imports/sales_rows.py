"""One row of a sales file parsed into a sale, with every reason it is wrong."""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _

from modules.ticketing.imports.files import WHOLE, cell_text, parse_time, parse_whole
from modules.ticketing.models import MAX_AMOUNT_FEN, MAX_QUANTITY, MAX_SERIAL, Payment, SaleStatus
from parkops.cells import parse_fen
from parkops.timeutil import business_day


@dataclass
class Target:
    """The sale reversed: recorded before (``sale_id``) or a new line of this file (``key``,
    its natural key), with its quantity and amount in fen."""

    quantity: int
    amount_fen: int
    sale_id: int | None = None
    key: str | None = None

    @property
    def ident(self):
        return self.sale_id if self.sale_id is not None else self.key


@dataclass
class Sale:
    line_no: int
    sold_at: datetime
    day: date
    office: str
    cashier: str
    product: str
    serial: int | None
    quantity: int
    amount_fen: int
    payment: Payment
    status: SaleStatus
    reason: str = ""  # why a void or refund (optional column ``reason``)
    reverses: int | None = None  # the file line of the sale a refund or void reverses
    key: str = ""
    target: Target | None = None  # the sale a void or refund reverses (sales_reversals.py)
    confirms_void: bool = False  # a printed ticket's void line matching an approved void
    values: dict = field(default_factory=dict)  # the row to insert, once resolved

    @property
    def identity(self) -> str:
        return "|".join(
            str(v)
            for v in (
                self.sold_at.isoformat(),
                self.office,
                self.cashier,
                self.product,
                self.serial or "",
                self.quantity,
                self.amount_fen,
                self.payment.value,
                self.status.value,
            )
        )


def parse_sale(line_no: int, row: dict, reasons: list[str]) -> Sale | None:
    values = {}
    checks = (
        ("sold_at", parse_time),
        ("quantity", lambda v: parse_whole(v, 1, MAX_QUANTITY, _("quantity"))),
        ("serial", _parse_serial),
        ("amount", _parse_amount),
        ("payment", lambda v: _parse_choice(v, Payment, _("payment"))),
        ("status", lambda v: _parse_choice(v, SaleStatus, _("status"))),
        ("reverses", _parse_reverses),
    )
    for column, parse in checks:
        try:
            values[column] = parse(row[column])
        except ValueError as exc:
            reasons.append(str(exc))
    for column in ("office", "cashier", "product"):
        values[column] = cell_text(row[column])
        if not values[column]:
            reasons.append(_("%(column)s is empty", column=column))
    if reasons:
        return None
    return Sale(
        line_no=line_no,
        sold_at=values["sold_at"],
        day=business_day(values["sold_at"]),
        office=values["office"],
        cashier=values["cashier"].lower(),
        product=values["product"],
        serial=values["serial"],
        quantity=values["quantity"],
        amount_fen=values["amount"],
        payment=values["payment"],
        status=values["status"],
        reason=str(row["reason"]).strip()[:300],
        reverses=values["reverses"],
    )


def _parse_serial(value) -> int | None:
    raw = cell_text(value)
    if raw == "":
        return None
    if not WHOLE.match(raw) or not 1 <= int(raw) <= MAX_SERIAL:
        raise ValueError(_("serial %(value)s is not a ticket number", value=raw))
    return int(raw)


def _parse_reverses(value) -> int | None:
    raw = cell_text(value)
    if raw == "":
        return None
    if not WHOLE.match(raw) or not 2 <= int(raw) <= 10**7:
        raise ValueError(_("reverses %(value)s is not a line of this file", value=raw))
    return int(raw)


def _parse_amount(value) -> int:
    raw = cell_text(value)
    fen = parse_fen(value)  # "12,5" is refused, never read as ¥125
    if fen is None:
        raise ValueError(_("amount is empty"))
    if fen < 0:
        raise ValueError(_("amount %(value)s is negative", value=raw))
    if fen > MAX_AMOUNT_FEN:
        raise ValueError(_("amount %(value)s is too large for one line", value=raw))
    return fen


def _parse_choice(value, enum_cls, what: str):
    raw = cell_text(value).lower()
    if raw not in enum_cls._value2member_map_:
        raise ValueError(
            _(
                "%(what)s %(value)s is not one of %(choices)s",
                what=what,
                value=raw or "—",
                choices=", ".join(m.value for m in enum_cls),
            )
        )
    return enum_cls(raw)
