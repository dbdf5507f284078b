"""The register's search: a substring of a facility's code or name, found through an
index of their pieces (``fac_facility_grams``, see ``parkops/grams.py``) that also holds
each facility's place in the register's order, so a page of results is read along that
index and stops: the same cost with 200 facilities or 20,000.

The index is kept by mapper listeners, so every way a facility is added or changed
through the ORM (the form, the import, the demo) keeps it; a bulk insert calls
``index_rows`` itself (the bench's data).
"""

from sqlalchemy import Select, and_, delete, event, insert, inspect, or_, select

from modules.facilities.models import Facility, FacilityGram
from parkops.grams import grams, probes

_INDEXED = ("code", "name", "site_id")


def index_rows(facility_id: int, site_id: int, code: str, name: str) -> list[dict]:
    """The ``fac_facility_grams`` rows of one facility (for a bulk insert)."""
    place = {"facility_id": facility_id, "site_id": site_id, "code": code}
    return [{"gram": g, **place} for g in grams(code, name)]


def _index(connection, facility: Facility) -> None:
    rows = index_rows(facility.id, facility.site_id, facility.code, facility.name)
    connection.execute(insert(FacilityGram), rows)


@event.listens_for(Facility, "after_insert")
def _indexed(mapper, connection, facility: Facility) -> None:
    _index(connection, facility)


@event.listens_for(Facility, "after_update")
def _reindexed(mapper, connection, facility: Facility) -> None:
    state = inspect(facility)
    if any(state.attrs[key].history.has_changes() for key in _INDEXED):
        connection.execute(delete(FacilityGram).where(FacilityGram.facility_id == facility.id))
        _index(connection, facility)


def matching(query: Select, text: str) -> Select:
    """``query`` (facilities) narrowed to those whose code or name contains ``text``
    (not empty), in the register's order (site, code). Read along the index of the
    search's first piece in that order; the other pieces and the substring test decide."""
    first, *others = probes(text)
    walked = and_(FacilityGram.facility_id == Facility.id, FacilityGram.gram == first)
    narrowed = [
        Facility.id.in_(select(FacilityGram.facility_id).where(FacilityGram.gram == piece))
        for piece in others
    ]
    found = or_(
        Facility.code.icontains(text, autoescape=True),
        Facility.name.icontains(text, autoescape=True),
    )
    return (
        query.join(FacilityGram, walked)
        .where(*narrowed, found)
        .order_by(FacilityGram.site_id, FacilityGram.code)
    )
