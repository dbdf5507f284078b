"""A page of a long list counted only so far: the inspections grow by a hundred
thousand a year, and counting all of them for every page would make each page slower
as the years pile up."""

from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select, func, select

from parkops.extensions import db

LOOKAHEAD_PAGES = 10  # counted beyond the page asked for; past that, "more than"


class CappedPagination(SelectPagination):
    """Like ``db.paginate``, but ``total`` counts at most LOOKAHEAD_PAGES pages past this
    one: ``more`` is True when the list goes on beyond ``total`` (then ``total`` is a
    lower bound). The count reads at most (page + 10) × per_page index entries."""

    more: bool = False

    def _query_count(self) -> int:
        cap = (self.page + LOOKAHEAD_PAGES) * self.per_page
        rows = self._query_args["select"].order_by(None).limit(cap + 1).subquery()
        found = self._query_args["session"].execute(select(func.count()).select_from(rows))
        count = found.scalar_one()
        self.more = count > cap
        return min(count, cap)

    @property
    def pages(self) -> int:
        """Pages counted so far, one more when the list goes on (so *Next* shows)."""
        return super().pages + (1 if self.more else 0)


def paginate_capped(query: Select, page: int, per_page: int) -> CappedPagination:
    """Page ``page`` (from 1) of ``query``'s objects, counted only so far (above)."""
    return CappedPagination(
        select=query, session=db.session(), page=page, per_page=per_page, error_out=False
    )
