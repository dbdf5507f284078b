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
)
from modules.ticketing.imports.providers import PROVIDERS, Provider, plain
from modules.ticketing.models import SalesImport, Shift, StatementLine, Window
from modules.ticketing.shifts import NIGHT_ENDS
from parkops import audit
from parkops.auth.models import User
from parkops.cells import parse_fen
from parkops.extensions import db
from parkops.tabular import TabularError, read_table
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
    windows = _windows_by_terminal()
    errors: dict[int, list[str]] = defaultdict(list)
    first_line: dict[str, int] = {}
    parsed: list[tuple[int, Window, datetime, str, int]] = []
    now = datetime.now(UTC)
    for row in table.rows:
        if plain(row.cells[0]).startswith(provider.stop):
            break
        found = provider.row({f: plain(row.cells[i]) for f, i in index.items()})
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
    return _record(provider, kind, file_name, digest, parsed, errors, actor)


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
    for (line_no, window, *_rest), day in zip(new, days, strict=True):
        if day_record(window.office.site_id, day).signed:
            errors[line_no].append(
                _("%(day)s is signed off: ask the auditor for a correction", day=day.isoformat())
            )
    bad = [RowError(line, reasons) for line, reasons in sorted(errors.items()) if reasons]
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
