"""Pages of a list: a bounded number of rows per request, whatever the list's length.

Every kind here shows the last page for a page number past the end (a bookmark kept
while the list shrank, a hand-typed ``?page=``): an empty page with "page 9 of 3" told
the reader nothing. Only that case costs one more statement (the last page's rows).
"""

from flask import request
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select, func, literal_column, select, union_all

from parkops.extensions import db

PER_PAGE = 50  # rows of a list on one page
LOOKAHEAD_PAGES = 10  # counted beyond the page asked for by a capped count; past that, "more"


MAX_PAGE = 1_000_000  # a bigger ?page= (typed by hand) would overflow the database's integer


def page_arg() -> int:
    """The request's ``?page=``: 1 when missing, not a number or below 1; at most
    MAX_PAGE. Every list reads its page number here, so no typed number reaches SQL."""
    number = request.args.get("page", 1, type=int)
    return min(max(number, 1), MAX_PAGE)


class _LastPageWhenPast(Pagination):
    """Past the last page, the last page (its items re-read; ``page`` set to it)."""

    @staticmethod
    def _prepare_page_args(**kwargs) -> tuple[int, int]:
        page, per_page = Pagination._prepare_page_args(**kwargs)
        return min(page, MAX_PAGE), per_page

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        if not self.items and self.page > 1 and self.total:
            self.page = self.pages
            self.items = self._query_items()


class RowPagination(_LastPageWhenPast, SelectPagination):
    """A page of a multi-column select: its items are rows (tuples), not scalars; the
    total is ``count_select``'s when given (a cheaper select of one count)."""

    def _query_items(self) -> list:
        query = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(query).all())

    def _query_count(self) -> int:
        if (known := self._query_args.get("total")) is not None:
            return known  # counted already by the caller
        count_select = self._query_args.get("count_select")
        if count_select is None:
            return super()._query_count()
        return self._query_args["session"].scalar(count_select)


class ObjectPagination(_LastPageWhenPast, SelectPagination):
    """A page of a select of one entity: its items are objects (as ``db.paginate``)."""


class ListPagination(_LastPageWhenPast):
    """A page of a list already worked out in full (a sheet whose totals need every
    line): only the page's lines are rendered."""

    def _query_items(self) -> list:
        return self._query_args["rows"][self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


class CappedPagination(ObjectPagination):
    """A page of objects whose ``total`` counts at most LOOKAHEAD_PAGES pages past this
    one, for lists that grow by a hundred thousand rows a year (counting them all for
    every page would make each page slower as the years pile up). ``more`` is True when
    the list goes on beyond ``total`` (then ``total`` is a lower bound). The count reads
    at most (page + 10) × per_page index entries."""

    more: bool = False

    def _counted(self) -> Select:
        """What the count reads: the list's select."""
        return self._query_args["select"]

    def _query_count(self) -> int:
        cap = (self.page + LOOKAHEAD_PAGES) * self.per_page
        rows = self._counted().order_by(None).limit(cap + 1).subquery()
        found = self._query_args["session"].execute(select(func.count()).select_from(rows))
        count = found.scalar_one()
        self.more = count > cap
        return min(count, cap)

    @property
    def pages(self) -> int:
        """Pages counted so far, one more when the list goes on (so *Next* shows)."""
        return super().pages + (1 if self.more else 0)


class CappedRowPagination(CappedPagination, RowPagination):
    """CappedPagination of a multi-column select: its items are rows (tuples). The count
    reads none of the columns, from the same tables: a column worked out per row (a
    correlated count) would be worked out for every row counted."""

    def _counted(self) -> Select:
        shown = self._query_args["select"]
        return shown.with_only_columns(literal_column("1"), maintain_column_froms=True)


class SplitPagination(_LastPageWhenPast):
    """A page of a list in two parts shown one after the other (waiting ones first),
    each read along its own index, so no statement sorts the whole list: ``first`` and
    ``rest`` select one id column each, in the order shown; ``counts`` selects (the
    first part's total, the total); ``rows(ids)`` selects the rows of a list of ids,
    each with an ``id`` column, in any order (the page's order is restored here).
    Three statements: the counts, the page's ids, their rows."""

    def _query_items(self) -> list:
        args, session = self._query_args, self._query_args["session"]
        if "totals" not in args:
            args["totals"] = tuple(session.execute(args["counts"]).one())
        in_first, offset = args["totals"][0], self._query_offset
        shown_first = max(0, min(self.per_page, in_first - offset))
        first = args["first"].limit(self.per_page).offset(offset).subquery()
        rest = (
            args["rest"]
            .limit(self.per_page - shown_first)
            .offset(max(0, offset - in_first))
            .subquery()
        )
        ids = [i for (i,) in session.execute(union_all(select(first.c[0]), select(rest.c[0])))]
        if not ids:
            return []
        found = {row.id: row for row in session.execute(args["rows"](ids))}
        return [found[i] for i in ids if i in found]

    def _query_count(self) -> int:
        return self._query_args["totals"][1]


def paginate_split(
    first: Select, rest: Select, counts: Select, rows, page: int, per_page: int = PER_PAGE
) -> SplitPagination:
    """Page ``page`` (from 1) of the ids of ``first`` then of ``rest``, as rows
    (``SplitPagination``)."""
    return SplitPagination(
        first=first,
        rest=rest,
        counts=counts,
        rows=rows,
        session=db.session(),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def paginate(
    query: Select,
    per_page: int = PER_PAGE,
    page: int | None = None,
    count: Select | None = None,
    total: int | None = None,
) -> RowPagination:
    """Page ``page`` (from 1; default the request's ``?page=``) of ``query``'s rows:
    two statements (the rows, their count; ``count`` when given: a select of the same
    total without what only the rows need) however long the list; one when the caller
    knows the ``total`` already."""
    return RowPagination(
        select=query,
        count_select=count,
        total=total,
        session=db.session(),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def paginate_objects(
    query: Select, per_page: int = PER_PAGE, page: int | None = None
) -> ObjectPagination:
    """``paginate`` for a select of one entity: the page's items are its objects."""
    return ObjectPagination(
        select=query, session=db.session(), page=page, per_page=per_page, error_out=False
    )


def paginate_capped(query: Select, page: int, per_page: int = PER_PAGE) -> CappedPagination:
    """Page ``page`` (from 1) of ``query``'s objects, counted only so far (above)."""
    return CappedPagination(
        select=query, session=db.session(), page=page, per_page=per_page, error_out=False
    )


def paginate_capped_rows(query: Select, page: int, per_page: int = PER_PAGE) -> CappedRowPagination:
    """``paginate_capped`` for a multi-column select: the page's items are rows."""
    return CappedRowPagination(
        select=query, session=db.session(), page=page, per_page=per_page, error_out=False
    )


def paginate_list(rows: list, per_page: int = PER_PAGE) -> ListPagination:
    """The request's page (``?page=``) of ``rows``, worked out in full by the caller."""
    return ListPagination(rows=rows, per_page=per_page, error_out=False)
