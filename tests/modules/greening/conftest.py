"""Fixtures for the greening module: two sites, their gardeners and assessors, the
office, a leader and a cashier (all reading English), and a zone factory."""

from types import SimpleNamespace

import pytest

from modules.greening import zones
from modules.greening.models import Grade, ZoneKind


@pytest.fixture(autouse=True)
def in_english(app):
    """These tests read messages in English: the installation's default language for
    pages, services and jobs alike (the catalogs translate them to Chinese)."""
    app.config["DEFAULT_LOCALE"] = "en"


@pytest.fixture
def grove(app, make_site, make_user):
    psy = make_site("PSY", "濮上园")
    zylz = make_site("ZYLZ", "中原绿色庄园")

    def person(username, roles, **kw):
        return make_user(username, roles, locale="en", **kw)

    return SimpleNamespace(
        psy=psy,
        zylz=zylz,
        gardener=person("gardener", ["gardener"], sites=[psy], display_name="Sun Li"),
        gardener2=person("gardener2", ["gardener"], sites=[psy], display_name="Li Ming"),
        zoo_gardener=person("zoogardener", ["gardener"], sites=[zylz], display_name="Zhao Fang"),
        assessor=person("assessor", ["assessor"], sites=[psy]),
        zoo_assessor=person("zooassessor", ["assessor"], sites=[zylz]),
        office=person("office", ["office"], all_sites=True),
        leader=person("leader", ["leader"], all_sites=True),
        cashier=person("cashier", ["cashier"], sites=[psy]),
    )


@pytest.fixture
def make_zone(grove):
    counter = iter(range(1, 100000))

    def create(site=None, responsible=None, team="一班", **fields):
        site = site or grove.psy
        data = zones.ZoneData(
            site_id=site.id,
            code=fields.pop("code", f"{site.code}-G{next(counter):02d}"),
            name=fields.pop("name", "南门广场绿地"),
            area_m2=fields.pop("area_m2", 5200),
            kind=fields.pop("kind", ZoneKind.LAWN),
            grade=fields.pop("grade", Grade.FIRST),
            notes=fields.pop("notes", ""),
        )
        if responsible is None:
            responsible = grove.gardener if site.id == grove.psy.id else grove.zoo_gardener
        return zones.create_zone(data, responsible, team, grove.office)

    return create


@pytest.fixture
def as_user(client, login):
    """Sign in as ``user`` (signing out whoever was signed in)."""

    def switch(user):
        client.post("/logout")
        return login(user)

    return switch
