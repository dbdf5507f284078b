"""The reports' .xlsx downloads: a bold header row, money in yuan with two decimals."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from parkops.money import fen_to_decimal

MONEY_FORMAT = "#,##0.00"


def workbook(title: str, headers: list[str], rows: list[list], money_columns: set[int]) -> bytes:
    """A one-sheet workbook: bold header, money in yuan with two decimals, frozen header row."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [
                fen_to_decimal(v) if i in money_columns and isinstance(v, int) else v
                for i, v in enumerate(row)
            ]
        )
    for column in money_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            cell.number_format = MONEY_FORMAT
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
            12, min(40, len(str(header)) * 2)
        )
    sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
