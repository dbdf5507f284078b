"""The pattern report: shortfalls under the tolerance, and voids, refunds and free entries
per seller (reports/patterns.py, reports/share_patterns.py); its .xlsx download."""

from flask import render_template, request
from flask_babel import gettext as _

from modules.ticketing import reports
from modules.ticketing.labels import PATTERN_KINDS
from modules.ticketing.permissions import AUDIT, VIEW
from modules.ticketing.reports.share_patterns import KINDS, MIN_COUNT
from modules.ticketing.views.base import bp
from modules.ticketing.views.reports import Period, download, period_args
from parkops.auth.access import require
from parkops.spreadsheet import Column


@bp.route("/reports/patterns")
@require(VIEW, AUDIT)
def pattern_report():
    period = period_args()
    patterns = reports.shortfall_patterns(period.site_ids, period.start, period.end)
    by_kind = {kind: [] for kind in KINDS}
    for pattern in reports.share_patterns(period.site_ids, period.start, period.end):
        by_kind[pattern.kind].append(pattern)
    if request.args.get("format") == "xlsx":
        workbook = _pattern_workbook(period, patterns, by_kind)
        return download(period.file_name("patterns"), workbook)
    return render_template(
        "ticketing/reports/patterns.html",
        period=period,
        patterns=patterns,
        by_kind=by_kind,
        kind_names=PATTERN_KINDS,
        alpha=reports.patterns.ALPHA,
        min_short=reports.patterns.MIN_SHORT,
        min_count=MIN_COUNT,
    )


def _yes(flag: bool) -> str:
    return _("stands out") if flag else ""


def _pattern_workbook(period: Period, patterns, by_kind) -> bytes:
    shortfall_columns = [
        Column(_("Seller"), 16),
        Column(_("Shifts"), 8, "number"),
        Column(_("Short"), 8, "number"),
        Column(_("Short %"), 8, "number"),
        Column(_("Colleagues short %"), 14, "number"),
        Column(_("Running total (¥)"), 14, "fen"),
        Column(_("Longest run short"), 10, "number"),
        Column(_("Runs"), 8, "number"),
        Column(_("Chance"), 10, "number"),
        Column(_("Stands out"), 12),
    ]
    shortfalls = [
        [
            p.seller.display_name,
            p.shifts,
            p.short,
            p.short_share,
            p.colleagues_short_share,
            p.total_fen,
            p.longest_short_run,
            p.runs,
            round(p.p_value, 6),
            _yes(p.stands_out),
        ]
        for p in patterns
    ]
    share_columns = [
        Column(_("Seller"), 16),
        Column(_("Count"), 8, "number"),
        Column(_("Out of"), 8, "number"),
        Column(_("Share %"), 8, "number"),
        Column(_("Colleagues %"), 12, "number"),
        Column(_("Running total (¥)"), 14, "fen"),
        Column(_("Days above colleagues"), 14, "number"),
        Column(_("Days below"), 10, "number"),
        Column(_("Longest run above"), 12, "number"),
        Column(_("Chance at colleagues’ rate"), 16, "number"),
        Column(_("Chance of the days"), 14, "number"),
        Column(_("Stands out"), 12),
    ]
    sheets = [(_("Shortfalls"), shortfall_columns, shortfalls)]
    for kind, rows in by_kind.items():
        sheets.append(
            (
                str(PATTERN_KINDS[kind]),
                share_columns,
                [
                    [
                        p.seller.display_name,
                        p.tally.count,
                        p.tally.base,
                        p.tally.share,
                        p.colleagues.share if p.colleagues else None,
                        p.tally.amount_fen,
                        p.days_above,
                        p.days_below,
                        p.longest_above,
                        None if p.p_colleagues is None else round(p.p_colleagues, 6),
                        round(p.p_days, 6),
                        _yes(p.stands_out),
                    ]
                    for p in rows
                ],
            )
        )
    return reports.workbook_of(_("Patterns"), sheets)
