"""The void and refund lines of a sales file: each reverses one sale, needs its reason and
waits for approval (reversals.py); a printed ticket's void line only confirms a void already
approved on the shift page.

Which sale a line reverses: a refund with a serial, that serial's sale; a line naming
another line of the file (column ``reverses``), that line's sale (new or imported before);
a void naming none, itself (a sale cancelled in the ticketing system: it is recorded as
sold until the void is approved). A refund naming none is refused. A sale is voided once
and refunded at most its quantity and amount; a voided sale is not refunded, a refunded one
not voided.
"""

from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import select

from modules.ticketing.imports.files import chunks
from modules.ticketing.imports.sales_rows import Sale, Target
from modules.ticketing.models import SalesLine, SaleStatus, SerialVoid, VoidStatus
from modules.ticketing.reversals import Reversed, reversed_of
from parkops.extensions import db
from parkops.money import format_fen


def plan_reversals(in_file: list[Sale], new: list[Sale]) -> dict[int, list[str]]:
    """Check the void and refund lines of ``new`` (resolved, of the file ``in_file``); set
    ``sale.target`` (the sale reversed) or ``sale.confirms_void``; return errors by line."""
    errors: dict[int, list[str]] = defaultdict(list)
    lines = [s for s in new if s.status != SaleStatus.SOLD]
    if not lines:
        return errors
    by_line = {s.line_no: s for s in in_file}
    new_keys = {s.key for s in new}
    approved = _approved_voids(
        [s for s in lines if s.status == SaleStatus.VOID and s.serial is not None]
    )
    sold_serials = _sold_serials([s for s in lines if s.serial is not None])
    by_key = _lines_by_key([by_line[s.reverses].key for s in lines if s.reverses in by_line])
    sold_in_file = {
        (s.values["product_id"], s.serial): s
        for s in new
        if s.status == SaleStatus.SOLD and s.serial is not None
    }
    for sale in sorted(lines, key=lambda s: s.line_no):
        if sale.status == SaleStatus.VOID and sale.serial is not None:
            if (sale.values["product_id"], sale.serial) in approved:
                sale.confirms_void = True
            else:
                errors[sale.line_no].append(
                    _(
                        "serial %(serial)s has no approved void: the seller asks for it on the "
                        "shift page, with a reason, and a supervisor approves it",
                        serial=sale.serial,
                    )
                )
            continue
        if not sale.reason:
            errors[sale.line_no].append(_("a void or refund needs its reason (column reason)"))
        target, problem = _target(sale, by_line, new_keys, by_key, sold_serials, sold_in_file)
        if problem:
            errors[sale.line_no].append(problem)
        sale.target = target
    targets = [s.target for s in lines if s.target is not None]
    done = reversed_of([t.sale_id for t in targets if t.sale_id is not None])
    for sale in sorted(lines, key=lambda s: s.line_no):
        if sale.target is None:
            continue
        problem = _within(sale, done.setdefault(sale.target.ident, Reversed()))
        if problem:
            errors[sale.line_no].append(problem)
    return errors


def _target(sale, by_line, new_keys, by_key, sold_serials, sold_in_file):
    """(the sale ``sale`` reverses, or None with the reason)."""
    product_id = sale.values["product_id"]
    if sale.serial is not None:
        if (product_id, sale.serial) in sold_in_file:
            return _of_new(sold_in_file[(product_id, sale.serial)]), None
        line = sold_serials.get((product_id, sale.serial))
        if line is None:
            return None, _("serial %(serial)s was not sold: nothing to refund", serial=sale.serial)
        return _of_line(line), None
    if sale.reverses is not None:
        ref = by_line.get(sale.reverses)
        if ref is None or ref.status != SaleStatus.SOLD or ref.product != sale.product:
            return None, _(
                "line %(line)s of this file is not a sale of %(code)s",
                line=sale.reverses,
                code=sale.product,
            )
        if ref.key in new_keys:
            shift_id = ref.values["shift_id"]
            target = _of_new(ref)
        else:
            line = by_key.get(ref.key)
            if line is None or line.status != SaleStatus.SOLD:
                return None, _(
                    "the sale of line %(line)s is not recorded as sold", line=sale.reverses
                )
            shift_id, target = line.shift_id, _of_line(line)
        if sale.status == SaleStatus.VOID and shift_id != sale.values["shift_id"]:
            # Voiding it would change a counted shift: money given back later is a refund.
            return None, _("a void cancels a sale of the same shift: this one is a refund")
        return target, None
    if sale.status == SaleStatus.VOID:
        return Target(sale.quantity, sale.amount_fen, key=sale.key), None
    return None, _(
        "a refund names the sale it reverses: its serial, or its line in this file "
        "(column reverses)"
    )


def _within(sale: Sale, done: Reversed) -> str | None:
    """Why ``sale`` cannot reverse what is left of its target (``done`` so far), or None;
    counts it in ``done``."""
    target = sale.target
    if done.voided:
        return _("that sale is already voided")
    if sale.status == SaleStatus.VOID:
        if done.quantity:
            return _("that sale is already refunded: it cannot be voided")
        done.voided = True
        return None
    left_quantity = target.quantity - done.quantity
    left_fen = target.amount_fen - done.amount_fen
    if left_quantity <= 0:
        return _("that sale is already refunded")
    if sale.quantity > left_quantity or sale.amount_fen > left_fen:
        return _(
            "the refund exceeds what is left of the sale: %(quantity)s tickets, %(amount)s",
            quantity=left_quantity,
            amount=format_fen(left_fen),
        )
    done.quantity += sale.quantity
    done.amount_fen += sale.amount_fen
    return None


def _of_new(sale: Sale) -> Target:
    return Target(sale.quantity, sale.amount_fen, key=sale.key)


def _of_line(line: SalesLine) -> Target:
    return Target(line.quantity, line.amount_fen, sale_id=line.id)


def _approved_voids(sales: list[Sale]) -> set[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    for product_id, serials in _serials_by_product(sales).items():
        for chunk in chunks(serials):
            found.update(
                (product_id, serial)
                for serial in db.session.scalars(
                    select(SerialVoid.serial).where(
                        SerialVoid.product_id == product_id,
                        SerialVoid.serial.in_(chunk),
                        SerialVoid.status == VoidStatus.APPROVED,
                    )
                )
            )
    return found


def _sold_serials(sales: list[Sale]) -> dict[tuple[int, int], SalesLine]:
    found: dict[tuple[int, int], SalesLine] = {}
    for product_id, serials in _serials_by_product(sales).items():
        for chunk in chunks(serials):
            for line in db.session.scalars(
                select(SalesLine).where(
                    SalesLine.product_id == product_id,
                    SalesLine.serial.in_(chunk),
                    SalesLine.status == SaleStatus.SOLD,
                )
            ):
                found[(product_id, line.serial)] = line
    return found


def _lines_by_key(keys: list[str]) -> dict[str, SalesLine]:
    found: dict[str, SalesLine] = {}
    for chunk in chunks(sorted(set(keys))):
        for line in db.session.scalars(select(SalesLine).where(SalesLine.natural_key.in_(chunk))):
            found[line.natural_key] = line
    return found


def _serials_by_product(sales: list[Sale]) -> dict[int, list[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for s in sales:
        out[s.values["product_id"]].add(s.serial)
    return {p: sorted(serials) for p, serials in out.items()}
