"""Fixtures for the facilities module: two sites, their crews, supervisors, facilities."""

import io
from types import SimpleNamespace

import pytest
from PIL import Image
from sqlalchemy import select

from modules.facilities import registry
from modules.facilities.models import FacilityType
from parkops.extensions import db


@pytest.fixture
def park(app, make_site, make_user):
    """Two sites; crew at each (two at PSY), the office, a supervisor, a leader, a cashier."""
    registry.ensure_standard_types()
    psy = make_site("PSY", "濮上园")
    zylz = make_site("ZYLZ", "中原绿色庄园")
    types = {t.code: t for t in db.session.scalars(select(FacilityType))}
    return SimpleNamespace(
        psy=psy,
        zylz=zylz,
        types=types,
        crew=make_user("crew", ["crew"], sites=[psy], display_name="Crew One"),
        crew2=make_user("crew2", ["crew"], sites=[psy], display_name="Crew Two"),
        zoo_crew=make_user("zoocrew", ["crew"], sites=[zylz], display_name="Zoo Crew"),
        office=make_user("office", ["office"], all_sites=True),
        inspector=make_user("inspector", ["inspector"], all_sites=True),
        leader=make_user("leader", ["leader"], all_sites=True),
        cashier=make_user("cashier", ["cashier"], sites=[psy]),
    )


@pytest.fixture
def make_facility(park):
    counter = iter(range(1, 100000))

    def create(type_code="bench", site=None, name="湖边座椅", **fields):
        site = site or park.psy
        data = registry.FacilityData(
            site_id=site.id,
            code=fields.pop("code", f"{site.code}-{next(counter):04d}"),
            name=name,
            type_id=park.types[type_code].id,
            area=fields.pop("area", "湖心岛"),
            **fields,
        )
        return registry.create_facility(data, park.office)

    return create


def jpeg_bytes(size=(64, 48), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def photo(name="photo.jpg", data=None):
    return (io.BytesIO(data if data is not None else jpeg_bytes()), name)


@pytest.fixture
def as_user(client, login):
    """Sign in as ``user`` (signing out whoever was signed in on that client)."""

    def switch(user, test_client=None):
        used = test_client or client
        used.post("/logout")
        return login(user, test_client=used)

    return switch
