"""The register's search reads an index of the pieces of codes and names kept in page
order: a page of matches is found without reading every facility, in the register's
order, and the index follows every added or changed facility."""

import pytest
from flask_login import login_user
from sqlalchemy import text

from modules.facilities import queries
from parkops.auth.models import User
from parkops.extensions import db


def found(q: str) -> list[str]:
    """The codes the register lists for the search ``q``, in page order."""
    facilities = queries.facility_query(queries.FacilityFilter(text=q))
    return [f.code for f in db.session.scalars(facilities)]


@pytest.fixture
def office(client, as_user, park):
    as_user(park.office)
    with client.application.test_request_context("/facilities/"):
        login_user(db.session.get(User, park.office.id))
        yield park


def test_a_search_finds_codes_and_names_in_the_registers_order(office, make_facility):
    park = office
    make_facility(code="ZYLZ-0001", site=park.zylz, name="北门路灯1号")
    make_facility(code="PSY-0002", name="湖边座椅")
    make_facility(code="PSY-0001", name="南门路灯2号")
    make_facility(code="PSY-0100", name="100% 新")
    assert found("路灯") == ["PSY-0001", "ZYLZ-0001"]  # by site, then code
    assert found("psy-000") == ["PSY-0001", "PSY-0002"]  # any case
    assert found("灯") == ["PSY-0001", "ZYLZ-0001"]  # one character
    assert found("南门路灯2") == ["PSY-0001"]  # longer than a piece
    assert found("0%") == ["PSY-0100"]  # % is a character, not a wildcard
    assert found("门灯") == []  # each piece is there, the text is not


def test_the_index_follows_a_changed_code_name_or_site(office, make_facility):
    park = office
    lamp = make_facility(code="PSY-0001", name="南门路灯")
    make_facility(code="PSY-0002", name="北门路灯")
    lamp.name, lamp.code, lamp.site_id = "南门座椅", "ZYLZ-0009", park.zylz.id
    db.session.commit()
    assert found("路灯") == ["PSY-0002"]
    assert found("座椅") == ["ZYLZ-0009"]
    assert found("zylz") == ["ZYLZ-0009"]


def test_a_search_reads_its_index_in_page_order_not_every_facility(office, make_facility):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by statistics")
    make_facility(name="南门路灯")
    query = queries.facility_query(queries.FacilityFilter(text="路灯")).limit(50)
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = " ".join(str(r[-1]) for r in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    # Walked along the pieces' index in (site, code) order and stopped after a page: no
    # read of every facility's name, no sort of the matches.
    assert "ix_fac_facility_grams_page" in plan and "SCAN fac_facilities" not in plan, plan
    assert "TEMP B-TREE" not in plan, plan
