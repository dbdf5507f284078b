"""The reports' .xlsx downloads, written by the core's ``parkops.spreadsheet``: text stays
text, money in yuan with two decimals, times local, the print layout of every export."""

from collections.abc import Iterable, Sequence

from parkops.spreadsheet import Book, Column


def workbook(title: str, columns: Sequence[Column], rows: Iterable[Iterable]) -> bytes:
    """A one-sheet workbook named ``title``; ``Column(kind="fen")`` takes int fen."""
    return workbook_of(title, [(title, columns, rows)])


def workbook_of(
    title: str, sheets: Sequence[tuple[str, Sequence[Column], Iterable[Iterable]]]
) -> bytes:
    """A workbook titled ``title`` with one sheet per (name, columns, rows), in order."""
    book = Book(title)
    for name, columns, rows in sheets:
        sheet = book.sheet(name, columns)
        for row in rows:
            sheet.append(row)
        sheet.filter()
    return book.to_bytes()
