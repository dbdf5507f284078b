"""The ledger as an .xlsx workbook (台账): one row per problem, and a summary sheet.

Written through ``parkops.spreadsheet``: plain values only (no formulas), real
Excel dates, text kept as text, labels (never internal keys) in the reader's
language, and a print layout: what Excel and WPS open without a repair prompt,
and what a clerk can sort and print.
"""

from datetime import date

from flask_babel import gettext as _

from parkops.rectification.forms import REGULATION_KINDS, STATUS_LABELS
from parkops.rectification.models import Category, Problem, ProgressReport
from parkops.rectification.services import Rate
from parkops.spreadsheet import Book, Column, Sheet


def _columns() -> list[Column]:
    """The ledger sheet's columns, in the order of a paper 台账."""
    # About 180 widths: fit to A4 landscape it prints at about three quarters of 11 pt.
    return [
        Column(_("No."), 5, "number"),
        Column(_("Problem category"), 12),
        Column(_("Problem"), 24),
        Column(_("Measures"), 36),
        Column(_("Responsible leader"), 9),
        Column(_("Responsible department"), 10),
        Column(_("Responsible person"), 9),
        Column(_("Deadline"), 12, "date"),
        Column(_("Status"), 7),
        Column(_("Completed on"), 12, "date"),
        Column(_("Latest progress"), 26),
        Column(_("Regulations"), 22),
    ]


def _measures(problem: Problem, statuses: dict) -> str:
    lines = []
    for n, m in enumerate(problem.measures, start=1):
        details = [m.owner.display_name if m.owner else "", statuses[m.status]]
        if m.deadline:
            details.insert(1, m.deadline.isoformat())
        lines.append(f"{n}. {m.text} ({', '.join(d for d in details if d)})")
    return "\n".join(lines)


def _regulations(problem: Problem, kinds: dict) -> str:
    return "\n".join(
        f"《{r.title}》 {kinds['revised' if r.revised else 'new']} {r.adopted_on.isoformat()}"
        for r in problem.regulations
    )


def _latest(report: ProgressReport | None) -> str:
    return f"{report.reported_on.isoformat()} {report.text}" if report else ""


def _row(problem: Problem, latest: ProgressReport | None, labels: tuple[dict, dict]) -> list:
    statuses, kinds = labels
    return [
        int(problem.code) if problem.code.isdigit() else problem.code,
        f"{problem.category.number}. {problem.category.title}",
        problem.title,
        _measures(problem, statuses),
        problem.leader.display_name if problem.leader else "",
        problem.department.name if problem.department else "",
        problem.person.display_name if problem.person else "",
        problem.deadline,
        statuses[problem.status],
        problem.completed_on,
        _latest(latest),
        _regulations(problem, kinds),
    ]


def _rate_row(sheet: Sheet, label: str, rate: Rate) -> None:
    sheet.append(
        [label, rate.total, rate.completed, rate.completed / rate.total if rate.total else 0]
    )


def _summary_sheet(
    sheet: Sheet,
    categories: list[Category],
    rates: tuple[Rate, dict[int, Rate]],
    self_found: Rate,
    today: date,
    exported: int,
) -> None:
    overall, per_category = rates
    _rate_row(sheet, _("Problems found by the inspection"), overall)
    _rate_row(sheet, _("Self-found problems"), self_found)
    sheet.append([])
    sheet.append([_("By category (problems found by the inspection)")], bold=True)
    for category in categories:
        rate = per_category.get(category.number, Rate(0, 0))
        _rate_row(sheet, f"{category.number}. {category.title}", rate)
    sheet.append([])
    sheet.append([_("Computed from the ledger's statuses on"), today])
    sheet.append([_("Problems in the ledger sheet (with the list's filters)"), exported])


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
    book = Book(_("Rectification ledger"))
    ledger = book.sheet(_("Ledger"), _columns())
    # Translated once, not for each of the thousands of measures.
    labels = (
        {status: str(text) for status, text in STATUS_LABELS.items()},
        {kind: str(text) for kind, text in REGULATION_KINDS.items()},
    )
    for problem in problems:
        ledger.append(_row(problem, latest.get(problem.id), labels))
    ledger.filter()
    summary = book.sheet(
        _("Summary"),
        [
            Column(_("Completion"), 48),
            Column(_("Problems"), 12, "number"),
            Column(_("Completed"), 12, "number"),
            Column(_("Completion rate"), 16, "percent"),
        ],
    )
    _summary_sheet(summary, categories, rates, self_found, today, len(problems))
    return book.to_bytes()
