"""Live figures for the ledger: is ticket income settled, reconciled and audited every day?"""

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import case, exists, func, or_, select, true

from modules.ticketing.days.flags import is_serious
from modules.ticketing.models import (
    CARD_KINDS,
    DailySales,
    DayStatus,
    Finding,
    FindingStatus,
    Product,
    ProductKind,
    SaleStatus,
    Shift,
    ShiftStatus,
    ShiftTally,
    TicketDay,
)
from modules.ticketing.reports import venue_day_counts
from parkops.extensions import db
from parkops.money import format_fen
from parkops.timeutil import business_day

GATE_MATCH_OK = 98.0  # percent of gate entries that must be covered by tickets sold
GATE_WINDOW = timedelta(days=30)
INCOME_WINDOW = timedelta(days=30)
A_YEAR = timedelta(days=364)  # 52 weeks: weekends against weekends
PROMOTED = (*CARD_KINDS, ProductKind.COMBINED)  # problem 11's measures: 畅玩卡, 打折卡, 联票


def _at(column, site_ids: frozenset[int] | None):
    """The WHERE clause keeping the records of ``site_ids`` (None: every site)."""
    return true() if site_ids is None else column.in_(sorted(site_ids))


def unsigned_days(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    """Past days not signed off (today is still being worked)."""
    n = db.session.scalar(
        select(func.count())
        .select_from(TicketDay)
        .where(
            _at(TicketDay.site_id, site_ids),
            TicketDay.status == DayStatus.OPEN,
            TicketDay.business_day < business_day(),
        )
    )
    return ngettext("%(num)s day", "%(num)s days", n), n == 0


def open_discrepancies(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    """Findings not yet resolved, and serious flags of signed days that no finding is about
    (ticked as reviewed before a finding was required for them)."""
    n = db.session.scalar(
        select(func.count())
        .select_from(Finding)
        .where(_at(Finding.site_id, site_ids), Finding.status == FindingStatus.OPEN)
    )
    n += _closed_without_finding(site_ids)
    return ngettext("%(num)s open", "%(num)s open", n), n == 0


def _closed_without_finding(site_ids: frozenset[int] | None) -> int:
    signed = db.session.execute(
        select(TicketDay.id, TicketDay.signed_figures).where(
            _at(TicketDay.site_id, site_ids), TicketDay.status == DayStatus.SIGNED
        )
    ).all()
    found = set(
        db.session.execute(
            select(Finding.day_id, Finding.flag_key).where(
                _at(Finding.site_id, site_ids), Finding.flag_key != ""
            )
        ).all()
    )
    return sum(
        1
        for day_id, figures in signed
        for flag in (figures or {}).get("flags", [])
        if is_serious(flag["key"]) and (day_id, flag["key"]) not in found
    )


def unexplained_difference(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    """This month's shift differences that neither the seller nor the auditor has explained."""
    start = business_day().replace(day=1)
    explained = or_(Shift.explanation != "", exists().where(Finding.shift_id == Shift.id))
    per_shift = (
        select(
            explained.label("explained"),
            func.sum(
                func.coalesce(ShiftTally.second_counted_fen, ShiftTally.counted_fen)
                - ShiftTally.expected_fen
            ).label("difference"),
        )
        .join(Shift, Shift.id == ShiftTally.shift_id)
        .where(
            _at(Shift.site_id, site_ids),
            Shift.business_day >= start,
            Shift.status == ShiftStatus.CLOSED,
        )
        .group_by(Shift.id, Shift.explanation)
        .subquery()
    )
    shifts, total = db.session.execute(
        select(
            func.count(),
            func.sum(case((per_shift.c.explained, 0), else_=func.abs(per_shift.c.difference))),
        )
    ).one()
    if not shifts:
        return _("no closed shift yet"), None
    total = int(total or 0)
    return format_fen(total), total == 0


def gate_match_share(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    """Of the last 30 days' gate entries, the share covered by tickets sold."""
    end = business_day()
    counts = venue_day_counts(site_ids, end - GATE_WINDOW, end).values()
    entries = sum(gate for gate, _sold in counts)
    if not entries:
        return _("no gate counts yet"), None
    unmatched = sum(max(gate - sold, 0) for gate, sold in counts)
    share = round(100 * (entries - unmatched) / entries, 1)
    return f"{share}%", share >= GATE_MATCH_OK


def _net_income(site_ids: frozenset[int] | None, start, end, *where) -> int:
    """Ticket income (sales less refunds) of the business days start..end-1, from the summary."""
    signed = case(
        (DailySales.status == SaleStatus.SOLD, DailySales.amount_fen),
        (DailySales.status == SaleStatus.REFUND, -DailySales.amount_fen),
        else_=0,
    )
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(signed), 0))
            .join(Product, Product.id == DailySales.product_id)
            .where(
                _at(DailySales.site_id, site_ids),
                DailySales.business_day >= start,
                DailySales.business_day < end,
                *where,
            )
        )
    )


def income_trend(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    """The last 30 days' ticket income against the same 30 days a year earlier (problem 11:
    income had been falling since 2017)."""
    end = business_day()
    start = end - INCOME_WINDOW
    income = _net_income(site_ids, start, end)
    earlier = _net_income(site_ids, start - A_YEAR, end - A_YEAR)
    if not earlier:
        return _("%(income)s; no sales a year earlier to compare", income=format_fen(income)), None
    change = 100 * (income - earlier) / earlier
    text = _(
        "%(income)s, %(change)+.1f%% on a year earlier", income=format_fen(income), change=change
    )
    return text, income >= earlier


def promotion_share(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    """Cards, passes and combined tickets sold in the last 30 days, and their share of income."""
    end = business_day()
    start = end - INCOME_WINDOW
    income = _net_income(site_ids, start, end)
    if not income:
        return _("no sales yet"), None
    promoted = _net_income(site_ids, start, end, Product.kind.in_(PROMOTED))
    share = 100 * promoted / income
    return (
        _("%(amount)s, %(share).1f%% of ticket income", amount=format_fen(promoted), share=share),
        promoted > 0,
    )
