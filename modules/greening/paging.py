"""Pages of a list: a bounded number of rows per request, whatever the list's length."""

from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select

from parkops.extensions import db

PER_PAGE = 50  # rows of a list on one page


class RowPagination(SelectPagination):
    """A page of a multi-column select: its items are rows (tuples), not scalars."""

    def _query_items(self) -> list:
        query = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(query).all())


class ListPagination(Pagination):
    """A page of a list already worked out in full (a sheet whose totals need every
    line): only the page's lines are rendered."""

    def _query_items(self) -> list:
        return self._query_args["rows"][self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


def paginate(query: Select, per_page: int = PER_PAGE, page: int | None = None) -> RowPagination:
    """Page ``page`` (from 1; default the request's ``?page=``) of ``query``'s rows:
    two statements (the rows, their count) however long the list; past the last page,
    an empty page."""
    return RowPagination(
        select=query, session=db.session(), page=page, per_page=per_page, error_out=False
    )


def paginate_list(rows: list, per_page: int = PER_PAGE) -> ListPagination:
    """The request's page (``?page=``) of ``rows``."""
    return ListPagination(rows=rows, per_page=per_page, error_out=False)
