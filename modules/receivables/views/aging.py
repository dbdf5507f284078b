"""The aging page (grid, bar chart) and its .xlsx export."""

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from modules.receivables import aging as aging_
from modules.receivables import buckets, month_sums
from modules.receivables.views import bp, visible_sites
from modules.receivables.views.debtors import READ, XLSX
from parkops.auth.access import check_site, require
from parkops.downloads import send_download
from parkops.paging import page_arg
from parkops.query_args import date_arg, int_arg
from parkops.spreadsheet import Book, Column
from parkops.timeutil import business_day

CHART_HEIGHT = 160  # px of the tallest bar


def _request_aging(paged: bool) -> aging_.Aging:
    """The grid the query string asks for: ``as_of`` (YYYY-MM-DD, default today),
    ``by`` (debtor, kind, site, handler), ``site``; by debtor, ``page`` when ``paged``
    (the page: 2,000 debtors are too many rows to draw; the export has them all)."""
    as_of = date_arg("as_of") or business_day()
    site_id = int_arg("site")
    if site_id is not None:
        check_site(site_id)
    page = page_arg() if paged else None
    return aging_.aging(current_user, as_of, request.args.get("by", "debtor"), site_id, page)


def chart_bars(totals: list[int]) -> list[dict]:
    """One bar per bucket for the server-drawn SVG: label, fen, height in px."""
    tallest = max([t for t in totals if t > 0], default=0)
    return [
        {
            "label": buckets.BUCKET_LABELS[b],
            "fen": totals[b],
            "height": round(CHART_HEIGHT * totals[b] / tallest) if tallest and totals[b] > 0 else 0,
        }
        for b in buckets.Bucket
    ]


@bp.route("/aging")
@require(*READ)
def aging():
    grid = _request_aging(paged=True)
    return render_template(
        "receivables/aging/index.html",
        grid=grid,
        buckets=buckets.BUCKET_LABELS,
        bars=chart_bars(grid.totals),
        chart_height=CHART_HEIGHT,
        groupings=_groupings(),
        sites=visible_sites(),
        site_id=int_arg("site"),
        month_ends=month_sums.choices(grid.as_of),
    )


def _groupings() -> dict:
    return {
        "debtor": _("By debtor"),
        "kind": _("By kind"),
        "site": _("By site"),
        "handler": _("By handler"),
    }


@bp.route("/aging.xlsx")
@require(*READ)
def aging_xlsx():
    grid = _request_aging(paged=False)
    title = _("Aging of receivables on %(day)s", day=grid.as_of.isoformat())
    book = Book(title)
    columns = [Column(_groupings()[grid.by], 28)]
    columns += [Column(str(text), 14, "fen") for text in buckets.BUCKET_LABELS.values()]
    columns.append(Column(_("Total"), 16, "fen"))
    sheet = book.sheet(_("Aging"), columns)
    for row in grid.rows:
        sheet.append([row.name, *row.cells, row.total])
    sheet.append([_("Total"), *grid.totals, grid.total], bold=True)
    day = grid.as_of.isoformat()
    return send_download(
        book.to_bytes(), _("aging-%(day)s.xlsx", day=day), XLSX, fallback=f"aging-{day}.xlsx"
    )
