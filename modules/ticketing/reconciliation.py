"""对账: one site's business day, tickets against gate counts against money, and its sign-off.

The day's figures are computed, never typed: admissions per venue from the
sales (a combined ticket admits to each of its venues), the latest gate count
per venue, money expected against counted per payment method, and the cash to
deposit (cash counted less the opening floats, which stay in the office)
against the latest bank deposit. Everything that does not add up is a flag;
the auditor ticks each flag as reviewed, writes findings where needed, and
signs off. A signed day is locked: its figures at signing are kept, and later
changes are corrections (see corrections.py).

A flag's key carries the figures it is about, so a flag reviewed and then
changed underneath (a new gate count, a new deposit) must be reviewed again.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import selectinload

from modules.ticketing.labels import label
from modules.ticketing.models import (
    MAX_ENTRIES,
    DailySales,
    DayStatus,
    Deposit,
    EntrySource,
    Finding,
    FindingStatus,
    GateCount,
    Payment,
    ProductVenue,
    SalesLine,
    SaleSource,
    SaleStatus,
    SerialVoid,
    Shift,
    ShiftStatus,
    StockIssue,
    TicketDay,
    Venue,
    VoidStatus,
)
from modules.ticketing.services import TicketingError
from modules.ticketing.shifts import METHODS, signed_amount, total_difference, worst_difference
from modules.ticketing.stock import issue_counts
from parkops import audit
from parkops.auth.models import User
from parkops.db import utcnow
from parkops.extensions import db
from parkops.money import format_fen
from parkops.rectification.services import link_evidence
from parkops.timeutil import business_day

MIN_TEXT = 5


@dataclass
class Flag:
    key: str
    text: str
    blocking: bool = False  # must be fixed, not just reviewed, before signing off
    shift_id: int | None = None
    seller_id: int | None = None


@dataclass
class VenueFigure:
    venue: Venue
    sold: int
    gate: int | None

    @property
    def gap(self) -> int | None:
        """Entries without a ticket (positive) or tickets without an entry (negative)."""
        return None if self.gate is None else self.gate - self.sold


@dataclass
class MethodFigure:
    method: Payment
    expected: int
    counted: int

    @property
    def difference(self) -> int:
        return self.counted - self.expected


@dataclass
class DayFigures:
    day: TicketDay
    shifts: list[Shift]
    venues: list[VenueFigure]
    methods: list[MethodFigure]
    cash_to_deposit: int
    deposit: Deposit | None
    flags: list[Flag] = field(default_factory=list)

    @property
    def blocking(self) -> list[Flag]:
        return [f for f in self.flags if f.blocking]

    @property
    def to_review(self) -> list[Flag]:
        return [f for f in self.flags if not f.blocking]


def admissions():
    """A summary row's effect on entries: + sold, − refunded, nothing for a void."""
    return case(
        (DailySales.status == SaleStatus.SOLD, DailySales.quantity),
        (DailySales.status == SaleStatus.REFUND, -DailySales.quantity),
        else_=0,
    )


def sold_per_venue(site_id: int, day: date) -> dict[int, int]:
    return {
        venue_id: int(sold or 0)
        for venue_id, sold in db.session.execute(
            select(ProductVenue.venue_id, func.sum(admissions()))
            .join(DailySales, DailySales.product_id == ProductVenue.product_id)
            .where(DailySales.site_id == site_id, DailySales.business_day == day)
            .group_by(ProductVenue.venue_id)
        )
    }


def latest_gate_counts(site_id: int, day: date) -> dict[int, GateCount]:
    latest: dict[int, GateCount] = {}
    for count in db.session.scalars(
        select(GateCount)
        .where(GateCount.site_id == site_id, GateCount.business_day == day)
        .order_by(GateCount.id)
    ):
        latest[count.venue_id] = count
    return latest


def gate_history(day: TicketDay) -> list[GateCount]:
    return list(
        db.session.scalars(
            select(GateCount)
            .where(GateCount.site_id == day.site_id, GateCount.business_day == day.business_day)
            .order_by(GateCount.id.desc())
        )
    )


def deposit_history(day: TicketDay) -> list[Deposit]:
    return list(
        db.session.scalars(
            select(Deposit).where(Deposit.day_id == day.id).order_by(Deposit.id.desc())
        )
    )


def latest_deposit(day: TicketDay) -> Deposit | None:
    return db.session.scalar(
        select(Deposit).where(Deposit.day_id == day.id).order_by(Deposit.id.desc()).limit(1)
    )


def day_shifts(day: TicketDay) -> list[Shift]:
    return list(
        db.session.scalars(
            select(Shift)
            .where(Shift.site_id == day.site_id, Shift.business_day == day.business_day)
            .options(
                selectinload(Shift.tallies),
                selectinload(Shift.issues).selectinload(StockIssue.shift),
            )
            .order_by(Shift.opened_at)
        )
    )


def day_figures(day: TicketDay) -> DayFigures:
    shifts = day_shifts(day)
    counted = [s for s in shifts if s.status != ShiftStatus.OPEN]
    sold = sold_per_venue(day.site_id, day.business_day)
    gates = latest_gate_counts(day.site_id, day.business_day)
    venue_ids = set(sold) | set(gates)
    venues = db.session.scalars(
        select(Venue)
        .where(Venue.site_id == day.site_id, (Venue.active | Venue.id.in_(venue_ids)))
        .order_by(Venue.code)
    )
    venue_figures = [
        VenueFigure(v, sold.get(v.id, 0), gates[v.id].entries if v.id in gates else None)
        for v in venues
    ]
    corrections = dict(
        db.session.execute(
            select(SalesLine.payment, func.sum(signed_amount()))
            .where(
                SalesLine.site_id == day.site_id,
                SalesLine.business_day == day.business_day,
                SalesLine.source == SaleSource.CORRECTION,
            )
            .group_by(SalesLine.payment)
        ).all()
    )
    methods = []
    for method in METHODS:
        tallies = [t for s in counted for t in s.tallies if t.method == method]
        methods.append(
            MethodFigure(
                method,
                sum(t.expected_fen for t in tallies) + int(corrections.get(method) or 0),
                sum(t.final_fen for t in tallies),
            )
        )
    cash = sum(t.final_fen for s in counted for t in s.tallies if t.method == Payment.CASH)
    cash_to_deposit = cash - sum(s.opening_float_fen for s in counted)
    figures = DayFigures(day, shifts, venue_figures, methods, cash_to_deposit, latest_deposit(day))
    figures.flags = _flags(figures)
    return figures


# --- flags ------------------------------------------------------------------------------------


def _flags(f: DayFigures) -> list[Flag]:
    flags: list[Flag] = []
    for shift in f.shifts:
        flags.extend(_shift_flags(shift))
    flags.extend(_serial_flags(f.shifts))
    flags.extend(_price_flags(f.day))
    for v in f.venues:
        if v.gate is None and v.sold > 0:
            flags.append(
                Flag(
                    f"gate-missing:{v.venue.id}",
                    _(
                        "No gate count for %(venue)s, where %(sold)s tickets admit.",
                        venue=v.venue.name,
                        sold=v.sold,
                    ),
                    blocking=True,
                )
            )
        elif v.gap:
            flags.append(
                Flag(
                    f"gate:{v.venue.id}:{v.gate}:{v.sold}",
                    _(
                        "%(venue)s: %(gate)s entries counted at the gate, %(sold)s tickets sold "
                        "(difference %(gap)s).",
                        venue=v.venue.name,
                        gate=v.gate,
                        sold=v.sold,
                        gap=f"{v.gap:+d}",
                    ),
                )
            )
    open_shifts = any(s.status != ShiftStatus.CLOSED for s in f.shifts)
    if not open_shifts and f.cash_to_deposit > 0 and f.deposit is None:
        flags.append(
            Flag(
                "deposit-missing",
                _(
                    "No bank deposit recorded for %(cash)s of cash.",
                    cash=format_fen(f.cash_to_deposit),
                ),
                blocking=True,
            )
        )
    elif f.deposit is not None and f.deposit.amount_fen != f.cash_to_deposit:
        flags.append(
            Flag(
                f"deposit:{f.deposit.amount_fen}:{f.cash_to_deposit}",
                _(
                    "Bank deposit %(deposit)s (slip %(slip)s) against %(cash)s of cash.",
                    deposit=format_fen(f.deposit.amount_fen),
                    slip=f.deposit.slip_number,
                    cash=format_fen(f.cash_to_deposit),
                ),
            )
        )
    return flags


def _shift_flags(shift: Shift) -> list[Flag]:
    who = shift.seller.display_name
    if shift.status != ShiftStatus.CLOSED:
        return [
            Flag(
                f"shift-open:{shift.id}",
                _(
                    "The shift of %(seller)s at %(window)s is not closed.",
                    seller=who,
                    window=shift.window.name,
                ),
                blocking=True,
                shift_id=shift.id,
                seller_id=shift.seller_id,
            )
        ]
    flags = []
    total = total_difference(shift)
    if worst_difference(shift) > (shift.tolerance_fen or 0):
        parts = ", ".join(
            f"{label(t.method)} {format_fen(t.difference_fen)}"
            for t in shift.tallies
            if t.difference_fen
        )
        flags.append(
            Flag(
                f"shift-diff:{shift.id}:{total}",
                _(
                    "%(seller)s's count differs from what was expected: %(parts)s. "
                    "Explanation: %(why)s",
                    seller=who,
                    parts=parts,
                    why=shift.explanation or "—",
                ),
                shift_id=shift.id,
                seller_id=shift.seller_id,
            )
        )
    if any(
        t.second_counted_fen is not None and t.second_counted_fen != t.counted_fen
        for t in shift.tallies
    ):
        flags.append(
            Flag(
                f"second-count:{shift.id}",
                _(
                    "The second count of %(seller)s's takings differs from her own count.",
                    seller=who,
                ),
                shift_id=shift.id,
                seller_id=shift.seller_id,
            )
        )
    return flags


def _serial_flags(shifts: list[Shift]) -> list[Flag]:
    """Missing serials (gaps in what a range sold) and serials sold outside the seller's ranges."""
    closed = [s for s in shifts if s.status == ShiftStatus.CLOSED]
    issues = [i for s in closed for i in s.issues]
    counts = issue_counts(issues)
    flags = []
    for issue in issues:
        missing = counts[issue.id].missing
        if missing > 0:
            flags.append(
                Flag(
                    f"missing:{issue.id}:{missing}",
                    ngettext(
                        "%(num)s serial of %(product)s issued to %(seller)s is neither sold, "
                        "voided nor returned: %(serials)s.",
                        "%(num)s serials of %(product)s issued to %(seller)s are neither sold, "
                        "voided nor returned: %(serials)s.",
                        missing,
                        product=issue.product.name,
                        seller=issue.seller.display_name,
                        serials=_spans(missing_serials(issue)),
                    ),
                    shift_id=issue.shift_id,
                    seller_id=issue.seller_id,
                )
            )
    if not closed:
        return flags
    covered = exists().where(
        StockIssue.shift_id == SalesLine.shift_id,
        StockIssue.product_id == SalesLine.product_id,
        StockIssue.first_serial <= SalesLine.serial,
        func.coalesce(StockIssue.returned_from - 1, StockIssue.last_serial) >= SalesLine.serial,
    )
    outside: dict[int, list[int]] = {}
    for shift_id, serial in db.session.execute(
        select(SalesLine.shift_id, SalesLine.serial)
        .where(
            SalesLine.shift_id.in_([s.id for s in closed]),
            SalesLine.serial.is_not(None),
            SalesLine.status == SaleStatus.SOLD,
            ~covered,
        )
        .order_by(SalesLine.serial)
    ):
        outside.setdefault(shift_id, []).append(serial)
    by_id = {s.id: s for s in closed}
    for shift_id, serials in outside.items():
        shift = by_id[shift_id]
        flags.append(
            Flag(
                f"outside:{shift_id}:{len(serials)}",
                ngettext(
                    "%(seller)s sold %(num)s serial outside the ranges issued to her: %(serials)s.",
                    "%(seller)s sold %(num)s serials outside the ranges issued to her: "
                    "%(serials)s.",
                    len(serials),
                    seller=shift.seller.display_name,
                    serials=_spans(serials),
                ),
                shift_id=shift_id,
                seller_id=shift.seller_id,
            )
        )
    return flags


def missing_serials(issue: StockIssue) -> list[int]:
    """The serials of a settled range that are neither sold, voided nor returned."""
    held_last = issue.held_last
    taken = set(
        db.session.scalars(
            select(SalesLine.serial).where(
                SalesLine.product_id == issue.product_id,
                SalesLine.status == SaleStatus.SOLD,
                SalesLine.serial.between(issue.first_serial, held_last),
            )
        )
    )
    taken.update(
        db.session.scalars(
            select(SerialVoid.serial).where(
                SerialVoid.issue_id == issue.id, SerialVoid.status == VoidStatus.APPROVED
            )
        )
    )
    return [s for s in range(issue.first_serial, held_last + 1) if s not in taken]


def _spans(serials: list[int], limit: int = 8) -> str:
    """[1, 2, 3, 7] → '1–3, 7'; long lists are cut with '…'."""
    spans: list[list[int]] = []
    for s in serials:
        if spans and s == spans[-1][1] + 1:
            spans[-1][1] = s
        else:
            spans.append([s, s])
    text = [f"{a}–{b}" if a != b else str(a) for a, b in spans[:limit]]
    return ", ".join(text) + (", …" if len(spans) > limit else "")


def _price_flags(day: TicketDay) -> list[Flag]:
    """Imported sales whose amount is not the day's list price times the quantity."""
    rows = db.session.execute(
        select(
            SalesLine.shift_id,
            SalesLine.seller_id,
            func.count(),
            func.sum(SalesLine.amount_fen - SalesLine.list_price_fen * SalesLine.quantity),
        )
        .where(
            SalesLine.site_id == day.site_id,
            SalesLine.business_day == day.business_day,
            SalesLine.source == SaleSource.IMPORT,
            SalesLine.status == SaleStatus.SOLD,
            SalesLine.amount_fen != SalesLine.list_price_fen * SalesLine.quantity,
        )
        .group_by(SalesLine.shift_id, SalesLine.seller_id)
    ).all()
    sellers = {
        u.id: u for u in db.session.scalars(select(User).where(User.id.in_([r[1] for r in rows])))
    }
    return [
        Flag(
            f"price:{shift_id}:{n}:{delta}",
            ngettext(
                "%(num)s sale by %(seller)s was not at the list price (%(delta)s in all).",
                "%(num)s sales by %(seller)s were not at the list price (%(delta)s in all).",
                n,
                seller=sellers[seller_id].display_name,
                delta=format_fen(int(delta)),
            ),
            shift_id=shift_id,
            seller_id=seller_id,
        )
        for shift_id, seller_id, n, delta in rows
    ]


# --- recording and signing ---------------------------------------------------------------------


def _ensure_unsigned(day: TicketDay) -> None:
    if day.signed:
        raise TicketingError(
            _("This day is signed off and locked: changes are made as corrections.")
        )


def record_gate_count(day: TicketDay, venue: Venue, entries: int, actor: User) -> GateCount:
    _ensure_unsigned(day)
    if venue.site_id != day.site_id:
        raise TicketingError(_("This venue belongs to another site."))
    if not 0 <= entries <= MAX_ENTRIES:
        raise TicketingError(_("Entries are a whole number from 0 to %(max)s.", max=MAX_ENTRIES))
    if day.business_day > business_day():
        raise TicketingError(_("A day in the future has no gate count yet."))
    count = GateCount(
        site_id=day.site_id,
        venue_id=venue.id,
        business_day=day.business_day,
        entries=entries,
        source=EntrySource.ENTERED,
        recorded_by_id=actor.id,
    )
    db.session.add(count)
    db.session.flush()
    audit.record(
        "ticketing.gate_count",
        "ticket_day",
        day.id,
        {"venue": venue.code, "entries": entries},
        actor=actor,
    )
    db.session.commit()
    return count


def record_deposit(day: TicketDay, amount_fen: int, slip_number: str, actor: User) -> Deposit:
    _ensure_unsigned(day)
    slip_number = slip_number.strip()
    if amount_fen < 0:
        raise TicketingError(_("A deposit cannot be negative."))
    if not slip_number:
        raise TicketingError(_("Enter the bank slip number."))
    deposit = Deposit(
        day_id=day.id,
        amount_fen=amount_fen,
        slip_number=slip_number,
        source=EntrySource.ENTERED,
        recorded_by_id=actor.id,
    )
    db.session.add(deposit)
    db.session.flush()
    audit.record(
        "ticketing.deposit",
        "ticket_day",
        day.id,
        {"amount": format_fen(amount_fen), "slip": slip_number},
        actor=actor,
    )
    db.session.commit()
    return deposit


def worked_on(day: TicketDay, user: User) -> bool:
    return bool(
        db.session.scalar(
            select(Shift.id).where(
                Shift.site_id == day.site_id,
                Shift.business_day == day.business_day,
                Shift.seller_id == user.id,
            )
        )
    )


def sign_off(day: TicketDay, reviewed: set[str], actor: User) -> None:
    """The auditor signs the day off once nothing blocks and every flag is reviewed."""
    _ensure_unsigned(day)
    if worked_on(day, actor):
        raise TicketingError(_("You sold tickets on this day: another auditor must sign it off."))
    figures = day_figures(day)
    if figures.blocking:
        raise TicketingError(
            _("The day cannot be signed off yet: %(what)s", what=figures.blocking[0].text)
        )
    unreviewed = [f for f in figures.to_review if f.key not in reviewed]
    if unreviewed:
        raise TicketingError(
            _(
                "Tick every flag as reviewed before signing off (%(n)s not ticked).",
                n=len(unreviewed),
            )
        )
    day.status = DayStatus.SIGNED
    day.signed_by_id = actor.id
    day.signed_at = utcnow()
    day.signed_figures = snapshot(figures)
    link_evidence(
        "ticketing.day",
        day.id,
        f"{day.site.name} {day.business_day.isoformat()}: {len(figures.shifts)} / "
        f"{len(figures.flags)} / {format_fen(sum(m.difference for m in figures.methods))}",
        site_id=day.site_id,
    )
    audit.record(
        "ticketing.day_signed",
        "ticket_day",
        day.id,
        {"flags": [f.key for f in figures.flags]},
        actor=actor,
    )
    db.session.commit()


def snapshot(f: DayFigures) -> dict:
    """The figures as signed, kept with the day (plain JSON)."""
    return {
        "venues": [{"venue": v.venue.name, "sold": v.sold, "gate": v.gate} for v in f.venues],
        "methods": [
            {"method": m.method.value, "expected": m.expected, "counted": m.counted}
            for m in f.methods
        ],
        "cash_to_deposit": f.cash_to_deposit,
        "deposit": (
            {"amount": f.deposit.amount_fen, "slip": f.deposit.slip_number} if f.deposit else None
        ),
        "shifts": [
            {
                "id": s.id,
                "seller": s.seller.display_name,
                "window": s.window.name,
                "difference": total_difference(s),
            }
            for s in f.shifts
        ],
        "flags": [{"key": fl.key, "text": fl.text} for fl in f.flags],
    }


# --- findings ----------------------------------------------------------------------------------


def add_finding(
    day: TicketDay,
    text: str,
    actor: User,
    *,
    amount_fen: int | None = None,
    shift: Shift | None = None,
    flag_key: str = "",
) -> Finding:
    text = text.strip()
    if len(text) < MIN_TEXT:
        raise TicketingError(_("Write what was found in a sentence."))
    if shift is not None and (shift.site_id, shift.business_day) != (day.site_id, day.business_day):
        raise TicketingError(_("This shift is not of this day."))
    if shift is not None and shift.seller_id == actor.id:
        raise TicketingError(_("Nobody audits her own shift."))
    finding = Finding(
        day_id=day.id,
        site_id=day.site_id,
        shift_id=shift.id if shift else None,
        seller_id=shift.seller_id if shift else None,
        flag_key=flag_key[:60],
        text=text,
        amount_fen=amount_fen,
        created_by_id=actor.id,
    )
    db.session.add(finding)
    db.session.flush()
    link_evidence(
        "ticketing.finding",
        finding.id,
        f"{day.site.name} {day.business_day.isoformat()}: {text}",
        site_id=day.site_id,
    )
    audit.record("ticketing.finding_added", "finding", finding.id, {"text": text}, actor=actor)
    db.session.commit()
    return finding


def resolve_finding(finding: Finding, resolution: str, actor: User) -> None:
    resolution = resolution.strip()
    if finding.status != FindingStatus.OPEN:
        raise TicketingError(_("This finding is already resolved."))
    if finding.seller_id == actor.id:
        raise TicketingError(_("Nobody resolves a finding about her own shift."))
    if len(resolution) < MIN_TEXT:
        raise TicketingError(_("Say how the finding was resolved."))
    finding.status = FindingStatus.RESOLVED
    finding.resolution = resolution
    finding.resolved_by_id = actor.id
    finding.resolved_at = utcnow()
    audit.record(
        "ticketing.finding_resolved", "finding", finding.id, {"resolution": resolution}, actor=actor
    )
    db.session.commit()


def day_findings(day: TicketDay) -> list[Finding]:
    return list(
        db.session.scalars(select(Finding).where(Finding.day_id == day.id).order_by(Finding.id))
    )


# --- lists ----------------------------------------------------------------------------------------


@dataclass
class DayRow:
    day: TicketDay
    shifts: int
    closed: int
    open_findings: int


def day_rows(
    site_ids: set[int] | None, start: date, end: date, status: DayStatus | None
) -> list[DayRow]:
    """The days of a period with their shift and finding counts, newest first (four queries)."""
    q = select(TicketDay).where(TicketDay.business_day.between(start, end))
    if site_ids is not None:
        q = q.where(TicketDay.site_id.in_(site_ids))
    if status is not None:
        q = q.where(TicketDay.status == status)
    days = list(db.session.scalars(q.order_by(TicketDay.business_day.desc(), TicketDay.site_id)))
    shift_counts = {
        (site, d): (n, closed)
        for site, d, n, closed in db.session.execute(
            select(
                Shift.site_id,
                Shift.business_day,
                func.count(),
                func.count().filter(Shift.status == ShiftStatus.CLOSED),
            )
            .where(Shift.business_day.between(start, end))
            .group_by(Shift.site_id, Shift.business_day)
        )
    }
    open_findings = dict(
        db.session.execute(
            select(Finding.day_id, func.count())
            .where(
                Finding.status == FindingStatus.OPEN,
                Finding.day_id.in_([d.id for d in days]),
            )
            .group_by(Finding.day_id)
        ).all()
    )
    return [
        DayRow(
            d,
            *shift_counts.get((d.site_id, d.business_day), (0, 0)),
            open_findings.get(d.id, 0),
        )
        for d in days
    ]
