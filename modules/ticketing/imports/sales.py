"""The sales file (e-ticket and POS export): everything or nothing, and never twice.

An import is one transaction: if any row is invalid, nothing is imported and
every bad row is reported with its line number and reasons. The same file
imported again is recognised by its hash and imports nothing. A line already
imported from another file is recognised by its natural key (its fields, and
which occurrence of identical lines it is within its file) and skipped, so an
export that overlaps an earlier one adds only what is new.

Sales lines go into the seller's open shift at that office on that business
day. Voids of printed tickets are not imported: they need a reason and a
supervisor's approval on the shift page.
"""

import hashlib
from collections import Counter, defaultdict

from sqlalchemy import insert

from modules.ticketing import summary
from modules.ticketing.imports.files import (
    ImportResult,
    RowError,
    chunks,
    commit_import,
    earlier_import,
    file_hash,
)
from modules.ticketing.imports.sales_checks import Lookups, known_keys, serial_errors
from modules.ticketing.imports.sales_rows import Sale, parse_sale
from modules.ticketing.models import SalesImport, SalesLine
from modules.ticketing.tabular import read_table
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


def import_sales(file_name: str, data: bytes, actor: User) -> ImportResult:
    """Import a sales export (.csv or .xlsx) in one transaction, or report why not."""
    digest = file_hash(data)
    previous = earlier_import("sales", digest)
    if previous is not None:
        return ImportResult(previous=previous)
    table = read_table(file_name, data, SALES_COLUMNS)
    errors: dict[int, list[str]] = defaultdict(list)
    sales: list[Sale] = []
    seen: Counter = Counter()
    for line_no, row in table.rows:
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
    rows = [{**s.values, "import_id": record.id} for s in new]
    for chunk in chunks(rows, 5000):
        db.session.execute(insert(SalesLine), chunk)
    for site_id, day in {(s.values["site_id"], s.day) for s in new}:
        summary.refresh_day(site_id, day)
    audit.record(
        "ticketing.sales_imported",
        "sales_import",
        record.id,
        {"file": file_name, "lines": len(new), "skipped": len(known)},
        actor=actor,
    )
    commit_import()
    return ImportResult(imported=len(new), skipped=len(known), record=record)
