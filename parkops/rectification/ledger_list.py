"""The ledger list's page of rows: only the columns it shows, in one statement.

A page is 50 problems of thousands; loading them as ORM objects with their leader,
person and department (three more statements, an identity map, attribute
instrumentation) cost more than the page's SQL itself, so the list reads plain rows.
"""

from datetime import date

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from parkops.auth.models import Department, User
from parkops.paging import RowPagination, paginate
from parkops.rectification.models import Problem, Status
from parkops.rectification.services import LedgerFilter, in_ledger_order

# Problems per page: the notice's 39 and the first self-found ones on the first; a
# city's thousands on pages of the same shape (the export has them all).
PER_PAGE = 50


def with_people(*columns) -> Select:
    """``select(*columns)`` of problems joined to their category, with three columns
    more, last: leader, person (display names) and department (name), None where unset.
    The ledger list's and the weekly report's rows."""
    leader, person = aliased(User), aliased(User)
    return (
        select(
            *columns,
            leader.display_name.label("leader"),
            person.display_name.label("person"),
            Department.name.label("department"),
        )
        .join(Problem.category)
        .outerjoin(leader, leader.id == Problem.leader_id)
        .outerjoin(person, person.id == Problem.person_id)
        .outerjoin(Department, Department.id == Problem.department_id)
    )


def ledger_rows(f: LedgerFilter, today: date, only_ids=None):
    """The select of the list's rows: id, code, title, source, category_number, deadline,
    status, overdue (bool, as of ``today``), leader, person (display names) and
    department (name), None where unset; filtered and ordered as the ledger."""
    q = with_people(
        Problem.id,
        Problem.code,
        Problem.title,
        Problem.source,
        Problem.category_number,
        Problem.deadline,
        Problem.status,
        and_(
            Problem.deadline < today,
            Problem.status.not_in([Status.COMPLETED, Status.LONG_TERM]),
        ).label("overdue"),
    )
    return in_ledger_order(q, f, today, only_ids)


def ledger_count(f: LedgerFilter, today: date, only_ids=None) -> Select:
    """The select of the filtered list's total: its filters without the joins to the
    names shown, which do not change how many rows there are."""
    q = select(func.count()).select_from(Problem).join(Problem.category)
    return in_ledger_order(q, f, today, only_ids).order_by(None)


def ledger_page(f: LedgerFilter, today: date, page: int, only_ids=None) -> RowPagination:
    """Page ``page`` (1-based) of the filtered list; past the end, the last page."""
    rows, total = ledger_rows(f, today, only_ids), ledger_count(f, today, only_ids)
    return paginate(rows, PER_PAGE, page, count=total)
