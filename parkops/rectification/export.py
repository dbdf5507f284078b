"""The ledger as an .xlsx workbook (台账): one row per problem, and a summary sheet.

Plain values only (no formulas), real Excel dates, text kept as text: what
Excel and WPS open without a repair prompt, and what a clerk can sort and print.
"""

from datetime import date
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from parkops.rectification.forms import STATUS_LABELS
from parkops.rectification.models import Category, Problem, ProgressReport
from parkops.rectification.services import Rate

DATE_FORMAT = "yyyy-mm-dd"
MAX_CELL = 32767  # Excel's limit on the characters of one cell
HEADER_FILL = PatternFill("solid", fgColor="DCEFE4")
WRAP = Alignment(wrap_text=True, vertical="top")


def _columns() -> list[tuple[str, int]]:
    """(header, width in characters), in the order of a paper 台账."""
    return [
        (_("No."), 6),
        (_("Problem category"), 22),
        (_("Problem"), 40),
        (_("Measures"), 60),
        (_("Responsible leader"), 12),
        (_("Responsible department"), 14),
        (_("Responsible person"), 12),
        (_("Deadline"), 12),
        (_("Status"), 10),
        (_("Completed on"), 12),
        (_("Latest progress"), 40),
        (_("Regulations"), 40),
    ]


def _text(value: str) -> str:
    # Control characters make Excel refuse the file; over-long cells are cut.
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL]


def _set(ws: Worksheet, row: int, column: int, value) -> None:
    cell = ws.cell(row=row, column=column, value=_text(value) if isinstance(value, str) else value)
    if isinstance(value, str):
        cell.data_type = "s"  # "=…" typed by a user stays text, never a formula
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    cell.alignment = WRAP


def _measures(problem: Problem) -> str:
    lines = []
    for n, m in enumerate(problem.measures, start=1):
        details = [m.owner.display_name if m.owner else "", str(STATUS_LABELS[m.status])]
        if m.deadline:
            details.insert(1, m.deadline.isoformat())
        lines.append(f"{n}. {m.text} ({', '.join(d for d in details if d)})")
    return "\n".join(lines)


def _regulations(problem: Problem) -> str:
    return "\n".join(
        f"《{r.title}》 {_('revised') if r.revised else _('new')} {r.adopted_on.isoformat()}"
        for r in problem.regulations
    )


def _latest(report: ProgressReport | None) -> str:
    return f"{report.reported_on.isoformat()} {report.text}" if report else ""


def _row(problem: Problem, latest: ProgressReport | None) -> list:
    return [
        int(problem.code) if problem.code.isdigit() else problem.code,
        f"{problem.category.number}. {problem.category.title}",
        problem.title,
        _measures(problem),
        problem.leader.display_name if problem.leader else "",
        problem.department.name if problem.department else "",
        problem.person.display_name if problem.person else "",
        problem.deadline,
        str(STATUS_LABELS[problem.status]),
        problem.completed_on,
        _latest(latest),
        _regulations(problem),
    ]


def _header(ws: Worksheet, headers: list[str]) -> None:
    for column, title in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=column, value=title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"


def _ledger_sheet(
    ws: Worksheet, problems: list[Problem], latest: dict[int, ProgressReport]
) -> None:
    columns = _columns()
    _header(ws, [title for title, _width in columns])
    for column, (_title, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    for row, problem in enumerate(problems, start=2):
        for column, value in enumerate(_row(problem, latest.get(problem.id)), start=1):
            _set(ws, row, column, value)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(problems) + 1, 1)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _rate_row(ws: Worksheet, row: int, label: str, rate: Rate) -> None:
    _set(ws, row, 1, label)
    ws.cell(row=row, column=2, value=rate.total)
    ws.cell(row=row, column=3, value=rate.completed)
    share = ws.cell(row=row, column=4, value=rate.completed / rate.total if rate.total else 0)
    share.number_format = "0%"


def _summary_sheet(
    ws: Worksheet,
    categories: list[Category],
    rates: tuple[Rate, dict[int, Rate]],
    self_found: Rate,
    today: date,
    exported: int,
) -> None:
    _header(ws, [_("Completion"), _("Problems"), _("Completed"), _("Completion rate")])
    for column, width in enumerate((48, 12, 12, 16), start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    overall, per_category = rates
    _rate_row(ws, 2, _("Problems found by the inspection"), overall)
    _rate_row(ws, 3, _("Self-found problems"), self_found)
    row = 5
    _set(ws, row, 1, _("By category (problems found by the inspection)"))
    ws.cell(row=row, column=1).font = Font(bold=True)
    for category in categories:
        row += 1
        rate = per_category.get(category.number, Rate(0, 0))
        _rate_row(ws, row, f"{category.number}. {category.title}", rate)
    row += 2
    _set(ws, row, 1, _("Computed from the ledger's statuses on"))
    _set(ws, row, 2, today)
    _set(ws, row + 1, 1, _("Problems in the ledger sheet (with the list's filters)"))
    ws.cell(row=row + 1, column=2, value=exported)


def workbook(
    problems: list[Problem],
    latest: dict[int, ProgressReport],
    categories: list[Category],
    rates: tuple[Rate, dict[int, Rate]],
    self_found: Rate,
    today: date,
) -> bytes:
    """The .xlsx file's bytes: the ledger sheet (filtered rows, each with its problem's
    latest progress report from ``latest``) and the whole ledger's summary."""
    book = Workbook()
    ledger = book.active
    ledger.title = _("Ledger")[:31]
    _ledger_sheet(ledger, problems, latest)
    summary = book.create_sheet(_("Summary")[:31])
    _summary_sheet(summary, categories, rates, self_found, today, len(problems))
    book.properties.title = _("Rectification ledger")
    book.properties.creator = "ParkOps"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
