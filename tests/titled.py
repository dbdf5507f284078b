"""An upload as an office sheet often is: a title row merged across the columns and a
blank row above the header (parkops.tabular ``read_table``'s ``header_like``)."""

import io

from openpyxl import Workbook


def titled_xlsx(rows: list[list]) -> bytes:
    """``rows`` (the header first) as a workbook, below a merged title and a blank row:
    the header is the sheet's row 3, the first data row its row 4."""
    book = Workbook()
    sheet = book.active
    sheet.append(["2026年导入表（濮上园）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(rows[0]), 2))
    sheet.append([])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
