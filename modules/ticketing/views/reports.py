"""Audit reports: per seller, and sales by day, month, site, office, product, payment or venue."""

from dataclasses import dataclass
from datetime import date

from flask import Response, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from modules.ticketing import reports
from modules.ticketing.labels import figure_names
from modules.ticketing.permissions import AUDIT, VIEW
from modules.ticketing.views.base import bp, visible_sites
from parkops.auth.access import require
from parkops.auth.models import Site
from parkops.downloads import send_download
from parkops.query_args import date_arg, int_arg
from parkops.spreadsheet import Column
from parkops.timeutil import business_day

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def group_label(by: str) -> str:
    return {
        "day": _("Day"),
        "month": _("Month"),
        "site": _("Site"),
        "office": _("Office"),
        "seller": _("Seller"),
        "product": _("Product"),
        "kind": _("Kind of product"),
        "payment": _("Payment method"),
        "venue": _("Venue (revenue allocated)"),
    }[by]


@dataclass
class Period:
    start: date
    end: date
    sites: list[Site]
    site_id: int | None  # None: every site the user sees

    @property
    def site_ids(self) -> set[int] | None:
        return {self.site_id} if self.site_id else current_user.site_ids

    def file_name(self, stem: str) -> str:
        """The report's .xlsx name: ``sellers-2026-11-01-2026-11-30.xlsx``."""
        return f"{stem}-{self.start.isoformat()}-{self.end.isoformat()}.xlsx"


def period_args() -> Period:
    """The period of a report page from ``start``/``end`` (YYYY-MM-DD; this month by
    default, swapped when reversed) and ``site`` (one of the user's sites, else all)."""
    today = business_day()
    start, end = date_arg("start"), date_arg("end")
    if (start is None and request.args.get("start")) or (end is None and request.args.get("end")):
        flash(_("Dates are written YYYY-MM-DD; showing this month."), "error")
        start, end = None, None
    start, end = start or today.replace(day=1), end or today
    if end < start:
        start, end = end, start
    sites = visible_sites()
    asked = int_arg("site")
    site_id = asked if any(s.id == asked for s in sites) else None
    return Period(start, end, sites, site_id)


def download(name: str, content: bytes) -> Response:
    """A report's .xlsx named ``name`` (ASCII)."""
    return send_download(content, name, XLSX)


@bp.route("/reports/sellers")
@require(VIEW, AUDIT)
def seller_report():
    period = period_args()
    report = reports.seller_report(period.site_ids, period.start, period.end)
    gaps = reports.gate_gaps(period.site_ids, period.start, period.end)
    site_names = {s.id: s.name for s in period.sites}
    if request.args.get("format") == "xlsx":
        return download(period.file_name("sellers"), _seller_workbook(report, gaps, site_names))
    return render_template(
        "ticketing/reports/sellers.html",
        period=period,
        report=report,
        gaps=gaps,
        site_names=site_names,
    )


def _gap_sellers(gap: reports.VenueGap) -> str:
    """The sellers of a venue's day in words: name (windows) share, …"""
    return "; ".join(
        f"{s.name} ({', '.join(s.windows)}) {s.sold} = {s.share}%" for s in gap.sellers
    )


def _gap_rows(gaps: list[reports.VenueGap], site_names: dict[int, str]) -> list[list]:
    rows = []
    for gap in gaps:
        carrier = gap.carried_by
        rows.append(
            [
                gap.day,
                site_names.get(gap.site_id, ""),
                gap.venue,
                gap.gate,
                gap.sold,
                gap.gap,
                _gap_sellers(gap),
                carrier.name if carrier else _("shared, proven against none of them"),
            ]
        )
    return rows


def _seller_workbook(
    report: reports.SellerReport, gaps: list[reports.VenueGap], site_names: dict[int, str]
) -> bytes:
    columns = [
        Column(_("Seller"), 16),
        Column(_("Shifts"), 8, "number"),
        Column(_("Sales (¥)"), 14, "fen"),
        Column(_("Difference (¥)"), 14, "fen"),
        Column(_("Shortfalls (¥)"), 14, "fen"),
        Column(_("Voids"), 8, "number"),
        Column(_("Voids %"), 8, "number"),
        Column(_("Refunds"), 8, "number"),
        Column(_("Refunds %"), 8, "number"),
        Column(_("Card entries %"), 10, "number"),
        Column(_("Free entries %"), 10, "number"),
        Column(_("Gate entries where she sold alone"), 16, "number"),
        Column(_("Entries without a ticket she carries"), 16, "number"),
        Column(_("Entries without a ticket %"), 12, "number"),
        Column(_("Shared gaps (not hers)"), 12, "number"),
        Column(_("Stands out"), 30),
    ]
    rows = []
    for row in report.rows:
        f = row.figures
        rows.append(
            [
                row.seller.display_name,
                f.shifts,
                f.sales_fen,
                f.difference_fen,
                f.shortfall_fen,
                f.voids,
                f.void_share,
                f.refunds,
                f.refund_share,
                f.card_share,
                f.free_share,
                f.gate_entries,
                f.gate_gap,
                f.gap_share,
                f.shared_gaps,
                figure_names(row.stand_out),
            ]
        )
    gap_columns = [
        Column(_("Day"), 12, "date"),
        Column(_("Site"), 16),
        Column(_("Venue"), 14),
        Column(_("Gate count"), 10, "number"),
        Column(_("Tickets"), 10, "number"),
        Column(_("Entries without a ticket"), 14, "number"),
        Column(_("Sellers (windows) and their share of the tickets"), 50),
        Column(_("Carried by"), 24),
    ]
    return reports.workbook_of(
        _("Sellers"),
        [
            (_("Sellers"), columns, rows),
            (_("Gate gaps"), gap_columns, _gap_rows(gaps, site_names)),
        ],
    )


@bp.route("/reports/sales")
@require(VIEW, AUDIT)
def sales_report():
    period = period_args()
    by = request.args.get("by", "day")
    if by not in reports.GROUPS:
        by = "day"
    rows = reports.breakdown(period.site_ids, period.start, period.end, by)
    if request.args.get("format") == "xlsx":
        columns = [
            Column(str(group_label(by)), 20),
            Column(_("Lines"), 8, "number"),
            Column(_("Sold"), 8, "number"),
            Column(_("Refunded"), 8, "number"),
            Column(_("Voided"), 8, "number"),
            Column(_("Sales (¥)"), 14, "fen"),
            Column(_("Refunds (¥)"), 14, "fen"),
            Column(_("Net (¥)"), 14, "fen"),
        ]
        data = [
            [r.label, r.lines, r.sold, r.refunded, r.voided, r.sold_fen, r.refund_fen, r.net_fen]
            for r in rows
        ]
        workbook = reports.workbook(_("Sales"), columns, data)
        return download(period.file_name(f"sales-{by}"), workbook)
    return render_template(
        "ticketing/reports/sales.html",
        period=period,
        rows=rows,
        by=by,
        groups=[(g, group_label(g)) for g in reports.GROUPS],
        total=sum(r.net_fen for r in rows),
    )
