"""Pages of a list: a bounded number of rows per request, whatever the list's length."""

from flask import request
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select

from parkops.extensions import db

PER_PAGE = 50  # rows of a list on one page


class RowPagination(SelectPagination):
    """A page of a multi-column select: its items are rows (tuples), not scalars."""

    def _query_items(self) -> list:
        query = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(query).all())


def paginate(query: Select, per_page: int = PER_PAGE, page: int | None = None) -> RowPagination:
    """Page ``page`` (from 1; default the request's ``?page=``) of ``query``'s rows:
    two statements (the rows, their count) however long the list; past the last page,
    an empty page."""
    number = page if page is not None else max(1, request.args.get("page", 1, type=int))
    return RowPagination(
        select=query, session=db.session(), page=number, per_page=per_page, error_out=False
    )
