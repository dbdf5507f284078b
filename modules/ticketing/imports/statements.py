"""A payment provider's bill (WeChat Pay, Alipay, the bank's POS report): everything or
nothing, and never twice.

Each row's terminal (or, where the bill names none, its merchant number) finds the window
it is set on (``Window.terminals``); its business day is the local day, or the evening
before when the window's shift of that evening was still open (before NIGHT_ENDS, as for
sales). Every bad row is named by its line with all its reasons; the same file again
imports nothing; a bill that overlaps an earlier one adds only the payments whose
provider reference is new.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, or_, select

from modules.ticketing.catalog import terminal_codes
from modules.ticketing.days.record import day_record
from modules.ticketing.errors import TicketingError
from modules.ticketing.imports.files import (
    CLOCK_SKEW,
    ImportResult,
    RowError,
    chunks,
    commit_import,
    earlier_import,
    file_hash,
    parse_time,
    too_far_back,
)
from modules.ticketing.imports.providers import FIGURES, MONEY, PROVIDERS, Provider, plain
from modules.ticketing.models import SalesImport, Shift, StatementLine, Window
from modules.ticketing.pages import day_path
from modules.ticketing.shifts import NIGHT_ENDS
from parkops import audit
from parkops.auth.models import User
from parkops.cells import parse_fen
from parkops.extensions import db
from parkops.money import format_fen
from parkops.tabular import Row, TabularError, read_table
from parkops.timeutil import to_local

MAX_REFERENCE = 64


def import_statement(provider_code: str, file_name: str, data: bytes, actor: User) -> ImportResult:
    """Import one bill of ``provider_code`` (a key of PROVIDERS) in one transaction, or
    report why not (``result.errors``, or TicketingError for a file that cannot be read)."""
    provider = PROVIDERS[provider_code]
    kind = f"statement-{provider.code}"
    digest = file_hash(data)
    previous = earlier_import(kind, digest)
    if previous is not None:
        return ImportResult(previous=previous)
    try:
        table = read_table(file_name, data, header_has=provider.header())
    except TabularError as exc:
        raise TicketingError(str(exc)) from exc
    index = {field: table.column(name) for field, name in provider.columns.items()}
    body, after = _split_at_totals(provider, table.rows)
    cells = [{f: plain(row.cells[i]) for f, i in index.items()} for row in body]
    stated = provider.stated(after, index)
    if stated is None:
        raise TicketingError(
            _(
                "The bill has no totals (%(totals)s) after its rows: it was cut short. "
                "Download it again; nothing was imported.",
                totals=provider.totals,
            )
        )
    windows = _windows_by_terminal()
    errors: dict[int, list[str]] = defaultdict(list)
    first_line: dict[str, int] = {}
    parsed: list[tuple[int, Window, datetime, str, int]] = []
    now = datetime.now(UTC)
    for row, row_cells in zip(body, cells, strict=True):
        found = provider.row(row_cells)
        if found.kind == 0:
            continue
        reasons = errors[row.line]
        paid_at = amount = None
        try:
            paid_at = parse_time(found.when)
        except ValueError as exc:
            reasons.append(str(exc))
        try:
            amount = parse_fen(found.amount)
        except ValueError as exc:
            reasons.append(str(exc))
        if amount is None and not reasons:
            reasons.append(_("no amount"))
        elif amount is not None and found.kind > 0 and amount < 0:
            reasons.append(_("a payment of a negative amount"))
        if paid_at is not None and paid_at > now + CLOCK_SKEW:
            reasons.append(_("time is in the future"))
        elif paid_at is not None and (old := too_far_back(to_local(paid_at).date())):
            reasons.append(old)
        reference = found.reference
        if not reference or len(reference) > MAX_REFERENCE:
            reasons.append(_("no order number"))
        elif reference in first_line:
            reasons.append(
                _("the same order number is on line %(line)s", line=first_line[reference])
            )
        first_line.setdefault(reference, row.line)
        window = _window(windows, found.terminal, found.merchant, actor, reasons)
        if not reasons:
            parsed.append((row.line, window, paid_at, reference, found.kind * abs(amount)))
    if not any(errors.values()):
        _check_totals(stated, provider.added(cells))
    return _record(provider, kind, file_name, digest, parsed, errors, actor)


def _split_at_totals(provider: Provider, rows: list[Row]) -> tuple[list[Row], list[list[str]]]:
    """The table's rows, and the rows from the one that ends it (the totals) on, as plain
    cells."""
    for n, row in enumerate(rows):
        if plain(row.cells[0]).startswith(provider.stop):
            return rows[:n], [[plain(c) for c in r.cells] for r in rows[n:]]
    return rows, []


def _check_totals(stated: dict[str, int], added: dict[str, int | None]) -> None:
    """Refuse a bill whose rows do not add up to its own totals (cut short, or changed),
    naming each figure as the totals state it and as the rows add up."""
    labels = {
        "rows": _("number of rows"),
        "payments": _("number of payments"),
        "amount": _("amount settled"),
        "refund_rows": _("number of refunds"),
        "refunds": _("amount refunded"),
    }
    wrong = [
        _(
            "%(figure)s %(stated)s in its totals, %(added)s in its rows",
            figure=labels[name],
            stated=format_fen(stated[name]) if name in MONEY else stated[name],
            added=format_fen(added[name]) if name in MONEY else added[name],
        )
        for name in FIGURES
        if name in stated and added.get(name) is not None and added[name] != stated[name]
    ]
    if wrong:
        raise TicketingError(
            _(
                "The bill does not add up to its own totals (%(figures)s): it was cut short "
                "or changed. Download it again; nothing was imported.",
                figures="; ".join(wrong),
            )
        )


def _record(
    provider: Provider,
    kind: str,
    file_name: str,
    digest: str,
    parsed: list[tuple[int, Window, datetime, str, int]],
    errors: dict[int, list[str]],
    actor: User,
) -> ImportResult:
    known = _known_references(provider, [p[3] for p in parsed])
    new = [p for p in parsed if p[3] not in known]
    days = _business_days(new)
    bad = [RowError(line, reasons) for line, reasons in sorted(errors.items()) if reasons]
    bad = sorted(bad + _signed_days(new, days), key=lambda e: e.line)
    if bad:
        db.session.rollback()
        return ImportResult(errors=bad)
    skipped = len(parsed) - len(new)
    if not new:
        db.session.rollback()
        return ImportResult(skipped=skipped)
    record = SalesImport(
        kind=kind,
        file_name=file_name[:255],
        file_hash=digest,
        rows=len(parsed),
        imported=len(new),
        skipped=skipped,
        imported_by_id=actor.id,
    )
    db.session.add(record)
    db.session.flush()
    db.session.add_all(
        StatementLine(
            import_id=record.id,
            site_id=window.office.site_id,
            window_id=window.id,
            method=provider.method,
            business_day=day,
            paid_at=paid_at,
            reference=reference,
            amount_fen=amount,
            line_no=line_no,
        )
        for (line_no, window, paid_at, reference, amount), day in zip(new, days, strict=True)
    )
    audit.record(
        "ticketing.statement_imported",
        "sales_import",
        record.id,
        {"file": file_name, "lines": len(new), "skipped": skipped},
        actor=actor,
    )
    commit_import()
    return ImportResult(imported=len(new), skipped=skipped, record=record)


def _signed_days(
    lines: list[tuple[int, Window, datetime, str, int]], days: list[date]
) -> list[RowError]:
    """One error per signed day the bill's new lines fall on, at its first line, linking
    to the day: its figures as signed stand, so those lines cannot be added."""
    on_day: dict[tuple[int, date], list[int]] = defaultdict(list)
    for (line_no, window, *_rest), day in zip(lines, days, strict=True):
        on_day[(window.office.site_id, day)].append(line_no)
    found = []
    for (site_id, day), line_numbers in on_day.items():
        record = day_record(site_id, day)
        if record.signed:
            reason = ngettext(
                "%(day)s %(site)s is signed off with its figures as signed: %(num)d line of "
                "this file falls on it and cannot be added; remove it to import the rest",
                "%(day)s %(site)s is signed off with its figures as signed: %(num)d lines of "
                "this file fall on it and cannot be added; remove them to import the rest",
                len(line_numbers),
                day=day.isoformat(),
                site=record.site.name,
            )
            found.append(RowError(line_numbers[0], [reason], link=day_path(record)))
    return found


def _windows_by_terminal() -> dict[str, list[Window]]:
    found: dict[str, list[Window]] = defaultdict(list)
    for window in db.session.scalars(select(Window).where(Window.terminals != "")):
        for code in terminal_codes(window.terminals):
            found[code].append(window)
    return found


def _window(
    windows: dict[str, list[Window]], terminal: str, merchant: str, actor: User, reasons: list
) -> Window | None:
    code = terminal or merchant
    found = windows.get(terminal) or windows.get(merchant) or []
    if not found:
        reasons.append(
            _("terminal %(code)s is set on no window (Products & offices)", code=code or "—")
        )
    elif len(found) > 1:
        reasons.append(_("terminal %(code)s is set on more than one window", code=code))
    elif not actor.can_see_site(found[0].office.site_id):
        reasons.append(_("terminal %(code)s is at a site you do not work at", code=code))
    else:
        return found[0]
    return None


def _known_references(provider: Provider, references: list[str]) -> set[str]:
    known: set[str] = set()
    for part in chunks(references):
        known.update(
            db.session.scalars(
                select(StatementLine.reference).where(
                    StatementLine.method == provider.method, StatementLine.reference.in_(part)
                )
            )
        )
    return known


def _business_days(lines: list[tuple[int, Window, datetime, str, int]]) -> list[date]:
    """Each line's business day: the local day, or the evening before when a shift of that
    evening at the line's window was open at that moment (before NIGHT_ENDS)."""
    local = [to_local(paid_at) for _l, _w, paid_at, _r, _a in lines]
    early = {
        (window.id, moment.date() - timedelta(days=1))
        for (_l, window, *_r), moment in zip(lines, local, strict=True)
        if moment.time() < NIGHT_ENDS
    }
    evenings: dict[tuple[int, date], list[Shift]] = defaultdict(list)
    for part in chunks(sorted(early)):
        for shift in db.session.scalars(
            select(Shift).where(
                or_(*(and_(Shift.window_id == w, Shift.business_day == d) for w, d in part))
            )
        ):
            evenings[(shift.window_id, shift.business_day)].append(shift)
    days = []
    for (_l, window, paid_at, _r, _a), moment in zip(lines, local, strict=True):
        day = moment.date()
        if moment.time() < NIGHT_ENDS and any(
            s.opened_at <= paid_at and (s.counted_at is None or paid_at <= s.counted_at)
            for s in evenings.get((window.id, day - timedelta(days=1)), [])
        ):
            day -= timedelta(days=1)
        days.append(day)
    return days
