"""The sales file (e-ticket and POS export): everything or nothing, and never twice.

An import is one transaction: if any row is invalid, nothing is imported and
every bad row is reported with its line number and reasons. The same file
imported again is recognised by its hash and imports nothing. A line already
imported from another file is recognised by its natural key (its fields, and
which occurrence of identical lines it is within its file) and skipped, so an
export that overlaps an earlier one adds only what is new.

Sales lines go into the seller's open shift at that office on that business
day. A void or refund line asks for a reversal of the sale it names, approved by
someone else (sales_reversals.py, reversals.py); a printed ticket's void line only
confirms a void approved on the shift page.
"""

import hashlib
from collections import Counter, defaultdict

from sqlalchemy import insert, select

from modules.ticketing import summary
from modules.ticketing.imports.files import (
    ImportResult,
    RowError,
    chunks,
    commit_import,
    earlier_import,
    file_hash,
    read_rows,
)
from modules.ticketing.imports.sales_checks import Lookups, known_keys, serial_errors
from modules.ticketing.imports.sales_reversals import plan_reversals
from modules.ticketing.imports.sales_rows import Sale, parse_sale
from modules.ticketing.models import Reversal, SalesImport, SalesLine, SaleStatus, VoidStatus
from parkops import audit
from parkops.auth.models import User
from parkops.db import utcnow
from parkops.extensions import db

SALES_COLUMNS = (
    "sold_at",
    "office",
    "cashier",
    "product",
    "serial",
    "quantity",
    "amount",
    "payment",
    "status",
)
# A void or refund line's reason, and the file line of the sale it reverses.
OPTIONAL_COLUMNS = ("reason", "reverses")


def import_sales(file_name: str, data: bytes, actor: User) -> ImportResult:
    """Import a sales export (.csv or .xlsx) in one transaction, or report why not."""
    digest = file_hash(data)
    previous = earlier_import("sales", digest)
    if previous is not None:
        return ImportResult(previous=previous)
    rows = read_rows(file_name, data, SALES_COLUMNS, OPTIONAL_COLUMNS)
    errors: dict[int, list[str]] = defaultdict(list)
    sales: list[Sale] = []
    seen: Counter = Counter()
    for line_no, row in rows:
        sale = parse_sale(line_no, row, errors[line_no])
        if sale is None:
            continue
        seen[sale.identity] += 1
        sale.key = hashlib.sha256(f"{sale.identity}#{seen[sale.identity]}".encode()).hexdigest()
        sales.append(sale)
    known = known_keys([s.key for s in sales])
    new = [s for s in sales if s.key not in known]
    if new:
        lookups = Lookups(actor, new)
        now = utcnow()
        for sale in new:
            errors[sale.line_no].extend(lookups.resolve(sale, now))
        resolved = [s for s in new if not errors[s.line_no]]
        for line_no, reasons in serial_errors(resolved).items():
            errors[line_no].extend(reasons)
        for line_no, reasons in plan_reversals(sales, resolved).items():
            errors[line_no].extend(reasons)
    bad = [RowError(line, reasons) for line, reasons in sorted(errors.items()) if reasons]
    if bad:
        db.session.rollback()
        return ImportResult(errors=bad, skipped=len(known))
    if not new:
        return ImportResult(skipped=len(known))
    record = SalesImport(
        kind="sales",
        file_name=file_name[:255],
        file_hash=digest,
        rows=len(sales),
        imported=len(new),
        skipped=len(known),
        imported_by_id=actor.id,
    )
    db.session.add(record)
    db.session.flush()
    reversals = [s for s in new if s.target is not None]
    # A void naming no other line is the cancelled sale itself: sold until approved.
    recorded = [s for s in new if s.status == SaleStatus.SOLD or _voids_itself(s)]
    rows = [{**s.values, "status": SaleStatus.SOLD, "import_id": record.id} for s in recorded]
    for chunk in chunks(rows, 5000):
        db.session.execute(insert(SalesLine), chunk)
    _ask_reversals(reversals, record, actor)
    for site_id, day in {(s.values["site_id"], s.day) for s in recorded}:
        summary.refresh_day(site_id, day)
    audit.record(
        "ticketing.sales_imported",
        "sales_import",
        record.id,
        {"file": file_name, "lines": len(new), "skipped": len(known)},
        actor=actor,
    )
    commit_import()
    return ImportResult(
        imported=len(new),
        skipped=len(known),
        record=record,
        reversals=len(reversals),
        confirmed_voids=sum(s.confirms_void for s in new),
    )


def _voids_itself(sale: Sale) -> bool:
    return sale.target is not None and sale.target.key == sale.key


def _ask_reversals(sales: list[Sale], record: SalesImport, actor: User) -> None:
    """A pending reversal per void or refund line, pointing at the sale it reverses."""
    keys = [s.target.key for s in sales if s.target.sale_id is None]
    ids = {}
    for chunk in chunks(keys):
        ids.update(
            db.session.execute(
                select(SalesLine.natural_key, SalesLine.id).where(SalesLine.natural_key.in_(chunk))
            ).all()
        )
    rows = [
        {
            "site_id": s.values["site_id"],
            "business_day": s.day,
            "shift_id": s.values["shift_id"],
            "sale_id": s.target.sale_id or ids[s.target.key],
            "kind": s.status,
            "sold_at": s.sold_at,
            "quantity": s.quantity,
            "amount_fen": s.amount_fen,
            "payment": s.payment,
            "reason": s.reason,
            "import_id": record.id,
            "line_no": s.line_no,
            "natural_key": None if _voids_itself(s) else s.key,
            "requested_by_id": actor.id,
            "requested_at": record.imported_at,
            "status": VoidStatus.PENDING,
        }
        for s in sales
    ]
    for chunk in chunks(rows, 5000):
        db.session.execute(insert(Reversal), chunk)
